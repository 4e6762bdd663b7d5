"""What a handler sees of its request (`Ctx`) and what the server does with an answer (`Outcome`).

A leaf module: handlers import it at run time without importing the dispatcher (`_app`), so the package
has no import cycle.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from ._protocol import ApiError, Response, Result, etag_matches, weak_etag
from ._state import ApiKey, Record, Team

if TYPE_CHECKING:
    from collections import Counter

    from ._state import State


# What handlers read of the server, the route and the webhook deliverer: Protocols, so this leaf module
# imports none of the modules that import it.


class Publisher(Protocol):
    def new_event(self, team: Team, event_type: str, data: dict[str, Any]) -> dict[str, Any]: ...

    def publish(self, team: Team, event: dict[str, Any], targets: list[Record]) -> None: ...


class CreatedCounts(Protocol):
    @property
    def created(self) -> Counter[str]: ...


class Server(Protocol):
    @property
    def state(self) -> State: ...

    @property
    def counters(self) -> CreatedCounts: ...

    @property
    def deliverer(self) -> Publisher: ...

    @property
    def max_upload(self) -> int: ...

    @property
    def mailbox_limits(self) -> dict[str, int]: ...

    @property
    def rejected_recipients(self) -> set[str]: ...

    @property
    def stopping(self) -> threading.Event: ...

    @property
    def mail_changed(self) -> threading.Condition: ...

    @property
    def sse_ping(self) -> float | None: ...

    @property
    def sse_retry_ms(self) -> int: ...


class RouteInfo(Protocol):
    @property
    def operation_id(self) -> str: ...


@dataclass(slots=True)
class Outcome:
    """`send` the response; `reset` the connection; `truncate` after half the body; `drop` (a streamed
    body) after `drop_after` bytes or events, with a reset."""

    response: Response
    action: Literal["send", "reset", "truncate", "drop"] = "send"
    drop_after: int | None = None


@dataclass
class Ctx:
    app: Server
    team: Team
    key: ApiKey | None  # None on the operations that take no credential (`security: []`)
    route: RouteInfo
    path_params: dict[str, str]
    query: dict[str, Any]
    body: dict[str, Any]
    headers: Mapping[str, str]
    raw_body: bytes = b""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def api_key(self) -> ApiKey:
        if self.key is None:  # a route with `auth: False` asked for the caller's key: a bug in the fake
            raise ApiError("internal_error", "This operation has no authenticated caller.")
        return self.key

    def if_match(self, current: Any) -> None:
        """409 conflict when `If-Match` names another version than `current` (the GET representation)."""
        given = self.headers.get("if-match")
        tag = weak_etag(current)
        if given is not None and not etag_matches(given, tag):
            # The current ETag is echoed so the caller can decide whether to re-fetch.
            raise ApiError(
                "conflict",
                "The resource changed since you fetched it (If-Match mismatch).",
                headers={"ETag": tag},
            )

    def created(self, kind: str) -> None:
        self.app.counters.created[kind] += 1

    @property
    def deliverer(self) -> Publisher:
        return self.app.deliverer

    def page(
        self,
        records: list[Record],
        render: Callable[[Record], Any],
        *,
        default_limit: int = 50,
        descending: bool = False,
        meta: dict[str, Any] | None = None,
    ) -> Result:
        """A cursor page over `records` (already filtered, in seq order); the cursor is the last id sent."""
        limit = int(self.query.get("limit", default_limit))
        ordered = sorted(records, key=lambda r: r.seq, reverse=descending)
        cursor = self.query.get("cursor")
        if cursor:
            after = self.team.seq_of.get(str(cursor))
            if after is None:
                raise ApiError("invalid_parameter", "Unknown pagination cursor.", param="cursor")
            ordered = [r for r in ordered if (r.seq < after if descending else r.seq > after)]
        items = ordered[:limit]
        pagination: dict[str, Any] = {"has_more": len(ordered) > limit}
        if pagination["has_more"]:
            pagination["next_cursor"] = items[-1].id
        return Result([render(r) for r in items], pagination=pagination, meta=meta or {})
