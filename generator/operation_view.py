"""How one operation becomes a client method, by rule: its arguments, its body and its response shape.

Everything is decided by media type and schema, never by operation: an `application/octet-stream` body
is a `file=` argument; a success with no schema and a 206 (or a binary media type) is a streamed
download; `text/event-stream` is an event stream of the spec's event model; a GET with a
`since_state`/`since_query_state` parameter answered with the matching `new_*` state and `has_more` is a
change feed; an `anyOf` of models is decoded by the keys that tell them apart; JSON that is not the
envelope is decoded as is.  Headers the runtime owns are never arguments.  Route, permission, credential
and request-body kind are the operation table's (`generator/operation_table.py`), so `OPERATIONS` and the
fake's `spec_data.py` say the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openapi_python_client.parser.properties import ModelProperty
from openapi_python_client.parser.properties.file import FileProperty
from openapi_python_client.parser.properties.list_property import ListProperty
from openapi_python_client.parser.properties.none import NoneProperty
from openapi_python_client.parser.properties.union import UnionProperty

from . import codegen
from . import config as _config
from .body_shapes import address_fields, attachment_fields
from .naming import METHOD_KEY, RESOURCE_KEY, snake
from .normalise import ENVELOPE_MARK
from .operation_table import OperationFacts
from .params import RequestTypes, Uses, argument_type

OPTION_NAMES = frozenset({"extra_headers", "extra_query", "timeout", "max_retries", "retry"})
_SPECIAL_HEADERS = {
    "idempotency-key": "idempotency_key",
    "if-match": "if_match",
    "if-none-match": "if_none_match",
}


class RenderError(Exception):
    """The spec parsed, but something in it cannot be rendered."""


@dataclass
class Param:
    py_name: str
    wire_name: str
    annotation: str
    """The whole annotation (`int | None`, `Literal["a", "b"] | Mode | None`, `str | None | Unset`)."""
    required: bool
    description: str
    default: str = ""
    """`None`, `UNSET` (a body field the API lets be null: None sends null), or "" when required."""
    nullable: bool = False
    """A body field the API lets be null: `None` is sent as JSON null instead of leaving it out."""


@dataclass
class OperationView:
    operation_id: str
    http_method: str
    path: str
    resource: str
    method: str
    permission: str | None
    summary: str
    description: str
    path_params: list[Param]
    query_params: list[Param]
    header_params: list[Param]
    body_fields: list[Param]
    returns: str
    cast: str
    paginated: bool
    response: str
    idempotency_key: bool
    if_match: bool
    if_none_match: bool
    models: list[str]
    """Models and enums the module imports (decoders, and the enums the CLI offers as choices)."""
    params: list[str]
    """TypedDicts and unions the arguments name (imported for type checkers only)."""
    facts: OperationFacts
    """The operation table's record (`generator/operation_table.py`), rendered into `spec_data.py` too."""
    surface: str = "management"
    auth: bool = True
    request_body: str = "none"
    """`json` (keyword body fields), `binary` (`file=` streamed as the body) or `none`."""
    file_param: Param | None = None
    filename_param: str | None = None
    """The query parameter a binary upload's name goes in (defaulted from `file`)."""
    state_param: str | None = None
    state_field: str | None = None
    address_fields: list[tuple[str, bool]] = field(default_factory=list)
    """Body positions taking address objects, which the runtime also fills from strings (`body_shapes`)."""
    attachment_fields: list[str] = field(default_factory=list)
    """Body lists of attachments, which the runtime also fills from files (`body_shapes`)."""
    union: list[tuple[str, list[str]]] = field(default_factory=list)
    """For a response that is one of several models: (model, wire keys that identify it)."""
    const: str = ""
    plain_json: str | None = None
    """For a JSON body that is not the API's envelope (e.g. a spec document): the model it decodes to."""

    @property
    def keyword_params(self) -> list[Param]:
        file = [self.file_param] if self.file_param else []
        return [*file, *self.query_params, *self.header_params, *self.body_fields]

    @property
    def arguments(self) -> list[Param]:
        """Every argument in signature order: path parameters, then required keywords, then the rest."""
        keywords = self.keyword_params
        return [
            *self.path_params,
            *(p for p in keywords if p.required),
            *(p for p in keywords if not p.required),
        ]

    @property
    def body_nullable(self) -> list[str]:
        """Wire names of the body fields for which `None` means JSON null."""
        return [p.wire_name for p in self.body_fields if p.nullable]

    @property
    def body_omits_none(self) -> bool:
        """Some optional body field takes `None` for "leave it out" (the body goes through `omit_none`)."""
        return any(not p.required and not p.nullable for p in self.body_fields)

    @property
    def raw_wrappable(self) -> bool:
        """Methods that return one response get a `.with_raw_response` twin (events and feeds are many)."""
        return self.response in ("envelope", "text", "empty", "binary")


def header_argument(wire: str, drop: tuple[str, ...] = ("x-sendmux-", "x-")) -> str:
    """`X-Sendmux-Upload-Token` -> `upload_token`: vendor prefixes say nothing to a Python caller."""
    lower = wire.lower()
    for prefix in drop:
        if lower.startswith(prefix) and len(lower) > len(prefix):
            lower = lower[len(prefix) :]
            break
    return snake(lower)


def _param(
    prop: Any, types: RequestTypes, owner: str, uses: Uses, *, wire: str | None = None, body: bool = False
) -> Param:
    wire = wire or codegen.raw(prop.name)
    nullable = body and codegen.is_nullable(prop)
    value = types.value_type(prop, owner, wire, uses)
    annotation, default = argument_type(value, required=bool(prop.required), nullable=nullable, body=body)
    description = codegen.docstring_text(prop.description)
    if nullable and not prop.required:
        description = (description + " " if description else "") + _NULL_NOTE
    return Param(
        py_name=codegen.python_name(prop),
        wire_name=wire,
        annotation=annotation,
        required=bool(prop.required),
        description=description,
        default=default,
        nullable=nullable,
    )


_NULL_NOTE = "`None` sends JSON null (clears it); leave the argument out to send nothing."


def _success(endpoint: Any) -> Any | None:
    for response in sorted(endpoint.responses.patterns, key=lambda r: r.status_code.pattern):
        rng = response.status_code.range
        if rng is not None and 200 <= rng[0] <= 299:
            return response
    return None


_BINARY_HINTS = ("octet-stream", "application/pdf", "image/", "audio/", "video/", "application/zip", "*/*")


def _media_types(raw_op: dict[str, Any], status: str) -> list[str]:
    return list(((raw_op.get("responses") or {}).get(status) or {}).get("content") or {})


def _is_binary_media(media: str) -> bool:
    return "json" not in media and not media.startswith("text/") and any(h in media for h in _BINARY_HINTS)


def _success_statuses(raw_op: dict[str, Any]) -> list[str]:
    return sorted(s for s in (raw_op.get("responses") or {}) if str(s).startswith("2"))


def _is_download(statuses: list[str], media: list[str]) -> bool:
    """A success body of bytes: a binary media type, or no schema where a 206 (byte range) is offered."""
    if media and all(_is_binary_media(m) for m in media):
        return True
    return not media and "206" in statuses


def _required_keys(model: ModelProperty) -> list[str]:
    return [codegen.raw(p.name) for p in model.required_properties or []]


def _union_branches(prop: UnionProperty) -> list[tuple[str, list[str]]] | None:
    """(model, identifying keys) per branch when every branch is a model; keys tell them apart."""
    members = codegen.non_null(prop)
    branches = [m for m in members if isinstance(m, ModelProperty)]
    if len(branches) < 2 or len(branches) != len(members):
        return None
    keys = [set(_required_keys(b)) for b in branches]
    out: list[tuple[str, list[str]]] = []
    for i, branch in enumerate(branches):
        others = set().union(*(k for j, k in enumerate(keys) if j != i))
        own = sorted(keys[i] - others) or sorted(keys[i])
        out.append((codegen.class_name(branch), own))
    return out


def _feed(endpoint: Any, prop: Any, http_method: str) -> tuple[str, str] | None:
    """(state query parameter, response field) for a state-token change feed, else None."""
    if http_method != "get" or not isinstance(prop, ModelProperty):
        return None
    fields = {codegen.raw(p.name) for p in codegen.model_fields(prop)}
    for param in endpoint.query_parameters:
        name = codegen.raw(param.name)
        if name.startswith("since_") and "has_more" in fields:
            state_field = "new_" + name[len("since_") :]
            if state_field in fields:
                return name, state_field
    return None


def _drop_location_suffixes(params: list[Param]) -> None:
    """`last_event_id_query` -> `last_event_id` once the header it was told apart from is gone.

    openapi-python-client suffixes a parameter with its location when two share a name; the
    runtime-owned header (`Last-Event-ID`) is no argument, so the plain name is free again.
    """
    for param in params:
        for suffix in ("_query", "_header", "_path"):
            base = param.py_name.removesuffix(suffix)
            if base != param.py_name and base == snake(param.wire_name):
                if not any(other.py_name == base for other in params):
                    param.py_name = base


def operation_view(
    endpoint: Any,
    raw_op: dict[str, Any],
    facts: OperationFacts,
    types: RequestTypes,
    config: _config.Config | None = None,
) -> OperationView:
    config = config or _config.load()
    path, http_method = facts.path, facts.http_method.lower()
    models: set[str] = set()
    uses = Uses()
    owner = snake(facts.operation_id)
    owner = "".join(part.capitalize() for part in owner.split("_"))
    path_params = [_param(p, types, owner, uses) for p in endpoint.path_parameters]
    order = {name: path.find("{" + name + "}") for name in (p.wire_name for p in path_params)}
    path_params.sort(key=lambda p: order[p.wire_name])
    query_params = [_param(p, types, owner, uses) for p in endpoint.query_parameters]
    header_params = []
    flags = {"idempotency_key": False, "if_match": False, "if_none_match": False}
    for prop in endpoint.header_parameters:
        wire = codegen.raw(prop.name)
        if wire.lower() in config.runtime_headers:
            continue  # the runtime computes it (Content-Length, Last-Event-ID, Range)
        param = _param(prop, types, owner, uses, wire=wire)
        special = _SPECIAL_HEADERS.get(wire.lower())
        if special:
            flags[special] = True
            param.py_name = special
            param.annotation, param.default = "str | None", "None"
            param.required = False
        else:
            param.py_name = header_argument(wire)
        header_params.append(param)
    body_fields: list[Param] = []
    request_body = "none"
    file_param: Param | None = None
    filename_param: str | None = None
    for body in endpoint.bodies[:1]:
        prop = body.prop
        body_media = codegen.raw(body.content_type)
        if facts.request_body == "binary" or isinstance(prop, FileProperty):
            request_body = "binary"
            file_param = Param(
                py_name="file",
                wire_name="file",
                annotation="FileInput",
                required=True,
                description=codegen.docstring_text(prop.description)
                or "The bytes to send: bytes, a path (str or os.PathLike) or a binary file object.",
            )
            for param in query_params:
                if param.wire_name == "filename":
                    # Defaulted from the path or file object's name (`upload_filename`).
                    param.required = False
                    param.annotation, param.default = "str | None", "None"
                    filename_param = param.py_name
            continue
        if not isinstance(prop, ModelProperty):
            raise RenderError(
                f"{raw_op.get('operationId')}: a {body_media} request body must be a JSON object or binary"
            )
        request_body = "json"
        body_owner = codegen.class_name(prop)
        for field_prop in codegen.model_fields(prop):
            body_fields.append(_param(field_prop, types, body_owner, uses, body=True))
    models.update(uses.models)
    _drop_location_suffixes(path_params + query_params + header_params + body_fields)
    described = {
        str(raw.get("name")): codegen.docstring_text(raw.get("description"))
        for raw in raw_op.get("parameters") or []
        if isinstance(raw, dict) and raw.get("description")
    }
    for param in path_params + query_params + header_params:
        param.description = param.description or described.get(param.wire_name, "")
    names = [p.py_name for p in path_params + query_params + header_params + body_fields]
    names += ["file"] if file_param else []
    clashes = {n for n in names if names.count(n) > 1} | (set(names) & OPTION_NAMES)
    if clashes:
        raise RenderError(f"{raw_op.get('operationId')}: argument names clash: {sorted(clashes)}")

    operation_id = facts.operation_id
    decoder = f"_decode_{snake(operation_id)}"  # module-level decoder of a plain-JSON or union answer
    envelope = raw_op.get(ENVELOPE_MARK)
    success = _success(endpoint)
    paginated = bool(envelope and envelope.get("paginated"))
    response = "empty"
    returns, cast = "None", "None"
    union: list[tuple[str, list[str]]] = []
    state: tuple[str, str] | None = None
    plain_json: str | None = None
    statuses = _success_statuses(raw_op)
    media = [m for st in statuses for m in _media_types(raw_op, st)]
    if any(m.startswith("text/event-stream") for m in media):
        prop = success.prop if success is not None else None
        response = "events"
        if isinstance(prop, ModelProperty):
            returns, cast = codegen.class_name(prop), f"{codegen.class_name(prop)}.from_dict"
            models.add(returns)
        else:
            returns, cast = "Any", "_identity"
    elif _is_download(statuses, media):
        response, returns, cast = "binary", "BinaryResponse", "None"
    elif success is not None:
        prop = success.prop
        content_types = _media_types(raw_op, success.status_code.pattern)
        if content_types and not any("json" in c for c in content_types):
            response, returns, cast = "text", "str", "str"
        elif isinstance(prop, ModelProperty) and not envelope:
            # JSON, but not the {ok, data, meta} envelope: the runtime hands over the text.
            plain_json = codegen.class_name(prop)
            response, returns = "text", plain_json
            cast = decoder
            models.add(plain_json)
        elif isinstance(prop, ModelProperty):
            response, returns, cast = (
                "envelope",
                codegen.class_name(prop),
                f"{codegen.class_name(prop)}.from_dict",
            )
            models.add(codegen.class_name(prop))
            state = _feed(endpoint, prop, http_method)
            if state is not None and not paginated:
                response = "feed"
        elif isinstance(prop, ListProperty) and isinstance(prop.inner_property, ModelProperty):
            inner = codegen.class_name(prop.inner_property)
            response, returns, cast = "envelope", inner, f"{inner}.from_dict"
            models.add(inner)
            if not paginated:
                returns, cast = f"list[{inner}]", f"_list_of({inner}.from_dict)"
        elif isinstance(prop, UnionProperty) and (branches := _union_branches(prop)) is not None:
            union = branches
            response, returns = "envelope", " | ".join(name for name, _ in branches)
            cast = decoder
            models.update(name for name, _ in branches)
        elif not isinstance(prop, NoneProperty):
            response, returns, cast = "envelope", "Any", "_identity"
    return OperationView(
        operation_id=operation_id,
        http_method=facts.http_method,
        path=path,
        resource=str(raw_op[RESOURCE_KEY]),
        method=str(raw_op[METHOD_KEY]),
        permission=facts.permission,
        summary=codegen.docstring_text(raw_op.get("summary")),
        description=codegen.docstring_text(raw_op.get("description")),
        path_params=path_params,
        query_params=query_params,
        header_params=header_params,
        body_fields=body_fields,
        returns=returns,
        cast=cast,
        paginated=paginated,
        response=response,
        models=sorted(models),
        params=sorted(uses.params),
        facts=facts,
        surface=facts.surface,
        auth=facts.auth,
        request_body=request_body,
        file_param=file_param,
        filename_param=filename_param,
        state_param=state[0] if state and response == "feed" else None,
        state_field=state[1] if state and response == "feed" else None,
        address_fields=address_fields(facts.body),
        attachment_fields=attachment_fields(facts.body),
        union=union,
        plain_json=plain_json,
        const=f"OP_{snake(operation_id).upper()}",
        **flags,
    )
