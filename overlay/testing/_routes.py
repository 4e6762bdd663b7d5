"""The route table: every operation of the pinned specs (Management, Mailbox, Sending) → its handler."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from . import (
    _billing_logs,
    _domains,
    _mail_account,
    _mail_messages,
    _mailboxes,
    _sending,
    _sending_accounts,
    _webhooks,
)
from ._context import Ctx
from ._protocol import ApiError, Result
from ._spec_data import OPERATIONS
from ._validate import check

Handler = Callable[["Ctx"], Result]

HANDLERS: dict[str, Handler] = {
    **_sending_accounts.HANDLERS,
    **_domains.HANDLERS,
    **_mailboxes.HANDLERS,
    **_webhooks.HANDLERS,
    **_billing_logs.HANDLERS,
    **_mail_messages.HANDLERS,
    **_mail_account.HANDLERS,
    **_sending.HANDLERS,
}


@dataclass(frozen=True)
class Route:
    surface: str  # "management" | "mailbox" | "sending"
    auth: bool  # False: `security: []`, no credential is checked
    request_body: str  # "json" | "binary" | "none"
    operation_id: str
    method: str
    path: str
    permission: str | None
    pattern: re.Pattern[str]
    query_params: dict[str, dict[str, Any]]
    body_schema: dict[str, Any] | None
    idempotency_key: bool
    handler: Handler

    @property
    def name(self) -> str:
        """`"POST /domains"`; Sending routes as `"GET /sending/me"` (apart from Management's `/me`)."""
        return f"{self.method} {'/sending' if self.surface == 'sending' else ''}{self.path}"

    def parse_query(self, pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
        """Known query parameters, typed and checked against their schemas (unknown ones are ignored)."""
        out: dict[str, Any] = {}
        for name, raw in pairs:
            param = self.query_params.get(name)
            if param is None:
                continue
            schema = param["schema"]
            value: Any = raw
            if schema.get("type") == "integer":
                try:
                    value = int(raw)
                except ValueError:
                    raise ApiError("invalid_parameter", f"{name!r} must be an integer.", param=name) from None
            elif schema.get("type") == "boolean":
                if raw not in ("true", "false"):
                    raise ApiError("invalid_parameter", f"{name!r} must be true or false.", param=name)
                value = raw == "true"
            issues = check(schema, value, name)
            if issues:
                raise ApiError("invalid_parameter", f"{name}: {issues[0].message}", param=name, errors=issues)
            out[name] = value
        for name, param in self.query_params.items():
            if param["required"] and name not in out:
                raise ApiError("missing_parameter", f"Query parameter {name!r} is required.", param=name)
        return out


def _unimplemented(ctx: Ctx) -> Result:
    """For an operation added to `_spec_data` before its handler: a clear 500 rather than an import error."""
    raise ApiError("internal_error", f"FakeSendmux does not implement {ctx.route.operation_id} yet.")


def _compile(path: str) -> re.Pattern[str]:
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path))
    return re.compile(f"^{regex}$")


def _build() -> list[Route]:
    routes = []
    for op_id, op in OPERATIONS.items():
        params = op["params"]
        routes.append(
            Route(
                surface=op["surface"],
                auth=op["auth"],
                request_body=op["request_body"],
                operation_id=op_id,
                method=op["method"],
                path=op["path"],
                permission=op["permission"],
                pattern=_compile(op["path"]),
                query_params={p["name"]: p for p in params if p["in"] == "query"},
                body_schema=op["body"],
                idempotency_key=any(p["name"] == "Idempotency-Key" for p in params),
                handler=HANDLERS.get(op_id, _unimplemented),
            )
        )
    # Literal segments win over parameters (`/providers/limits` before `/providers/{public_id}`).
    routes.sort(key=lambda r: r.path.count("{"))
    return routes


ROUTES: list[Route] = _build()
# The Sending API is another server: its routes are matched apart (its `/me` is not Management's `/me`).
APP_ROUTES = [r for r in ROUTES if r.surface != "sending"]
SENDING_ROUTES = [r for r in ROUTES if r.surface == "sending"]


def match(method: str, path: str, *, sending: bool = False) -> tuple[Route, dict[str, str]] | None:
    for route in SENDING_ROUTES if sending else APP_ROUTES:
        if route.method != method:
            continue
        m = route.pattern.match(path)
        if m:
            return route, {k: unquote(v) for k, v in m.groupdict().items()}
    return None
