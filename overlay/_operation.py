"""Static description of one API operation, rendered into `sendmux.OPERATIONS`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of the API: its route, the client method that calls it, what it needs and returns."""

    operation_id: str
    http_method: str
    """Upper-case HTTP method."""
    path: str
    """Route template relative to the base URL, e.g. ``/domains/{public_id}``."""
    resource: str
    """Dotted resource path on the client, e.g. ``domains.filters``."""
    method: str
    """Method name on that resource, e.g. ``get``."""
    permission: str | None
    """Permission (oauth2 scope) the operation needs; None where the spec names none."""
    summary: str = ""
    idempotency_key: bool = False
    """The operation accepts an ``Idempotency-Key`` header."""
    if_match: bool = False
    if_none_match: bool = False
    paginated: bool = False
    """The response is a cursor page (``data`` list plus ``pagination``)."""
    response: Literal["envelope", "text", "empty", "binary", "events", "feed"] = "envelope"
    """How the success body is read: the JSON envelope, plain text, nothing, a streamed download, a
    server-sent event stream or a state-token change feed (the client's `_request` dispatches on it)."""
    surface: str = "management"
    """The client the operation belongs to: ``"management"``, ``"mailbox"`` or ``"sending"``."""
    auth: bool = True
    """False for ``security: []`` (e.g. a presigned upload): no Authorization header is sent."""
    request_body: Literal["json", "binary", "none"] = "json"
    """JSON keyword arguments, raw bytes streamed from ``file=`` (`sendmux._files.FileInput`), or none."""
    state_param: str | None = None
    """A change feed's query parameter taking the state token (``since_state``); None for other kinds."""
    state_field: str | None = None
    """A change feed's response field holding the next state token (``new_state``)."""
    filename_param: str | None = None
    """An upload's query parameter naming the file; its type is guessed from that name unless given."""
    address_fields: tuple[tuple[str, bool], ...] = ()
    """Body positions taking address objects, as ``(path, name required)``: a string there is parsed
    (``"Bob <bob@example.com>"``). Paths join keys with ``.``; ``[]`` marks a list (``messages[].to``)."""
    attachment_fields: tuple[str, ...] = ()
    """Body lists of attachments, where a file (path, ``(name, bytes)``, binary file) may stand for one:
    the client sends it inline or uploads it first, by the API's limits."""
    batch_field: str | None = None
    """A batch over ids: the body field holding them (``ids``), which the client chunks when longer than
    ``batch_max`` (`sendmux._chunking`); None for every other operation."""
    batch_max: int | None = None
    """The spec's ``maxItems`` for ``batch_field``: the most ids one request takes."""

    @property
    def qualified_name(self) -> str:
        return f"{self.resource}.{self.method}"
