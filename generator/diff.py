"""What changed for client users between two specs of one API (the surfaces generated from it).

The API is recognised from the new document (`openapi/surfaces.yaml`): for the app spec, the
Management and Mailbox operations; for the Sending spec, the Sending operations.

`python -m generator diff OLD NEW [--json]`.  Each change is classified:

- **breaking**: code written against the old client may stop working (an operation, parameter or
  response field removed; something became required; a type changed incompatibly; an enum value
  removed);
- **additive**: new things (operations, optional parameters and fields, enum values);
- **description**: only texts, examples or validation constraints changed; the generated code's
  behaviour is the same.

`Report.bump()` maps that onto semver for the package: major, minor, patch, or none.
Types are compared by their resolved structure (so moving an inline schema into a component is
no change) and with direction: a request may widen (accept more), a response may narrow.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from generator import config as _config
from generator import fetch
from generator.surface import iter_operations, select_spec

Severity = Literal["breaking", "additive", "description"]
Side = Literal["request", "response", "error"]

SEVERITIES: tuple[Severity, ...] = ("breaking", "additive", "description")
# Keys that never change generated code: texts, examples, validation the client does not enforce.
NONCODE_KEYS = frozenset(
    {
        "description",
        "summary",
        "example",
        "examples",
        "externalDocs",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "pattern",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "propertyNames",
    }
)
# String formats that change the Python type openapi-python-client generates.
PY_FORMATS = frozenset({"date-time", "date", "binary", "uuid"})
# Enum value changes by side: (severity, note).  Removing a value breaks senders, and readers
# whose code names the generated member; error codes reach users as plain strings.
ENUM_REMOVED: dict[str, tuple[Severity, str]] = {
    "request": ("breaking", "callers sending it will fail"),
    "response": ("breaking", "generated member removed"),
    "error": ("additive", "error code no longer documented"),
}
ENUM_ADDED: dict[str, tuple[Severity, str]] = {
    "request": ("additive", ""),
    "response": ("additive", "; strict clients may reject it"),
    "error": ("additive", "; new error code"),
}
ENVELOPE_KEYS = frozenset({"ok", "meta", "pagination"})
MAX_DEPTH = 12


# ---------------------------------------------------------------------------- data model


@dataclass(frozen=True)
class Change:
    kind: str
    severity: Severity
    operation: str | None
    schema: str | None
    path: str
    detail: str

    @property
    def subject(self) -> str:
        return self.operation or (
            f"schema {self.schema}" if self.schema else "(error bodies, all operations)"
        )

    def sort_key(self) -> tuple[int, str, str, str, str, str]:
        return (
            SEVERITIES.index(self.severity),
            self.operation or "",
            self.schema or "",
            self.path,
            self.kind,
            self.detail,
        )


@dataclass(frozen=True)
class Report:
    old_label: str
    new_label: str
    old_operations: int
    new_operations: int
    changes: tuple[Change, ...] = field(default_factory=tuple)
    api: str = "app"

    @property
    def title(self) -> str:
        spec = _config.load().specs.get(self.api)
        return spec.title if spec else self.api

    def of(self, severity: Severity) -> list[Change]:
        return [c for c in self.changes if c.severity == severity]

    @property
    def breaking(self) -> list[Change]:
        return self.of("breaking")

    @property
    def additive(self) -> list[Change]:
        return self.of("additive")

    @property
    def descriptions(self) -> list[Change]:
        return self.of("description")

    def bump(self) -> str:
        if self.breaking:
            return "major"
        if self.additive:
            return "minor"
        if self.descriptions:
            return "patch"
        return "none"

    def summary(self) -> str:
        return (
            f"Operations: {self.old_operations} -> {self.new_operations}; "
            f"{len(self.breaking)} breaking, {len(self.additive)} additive, "
            f"{len(self.descriptions)} description-only; bump: {self.bump()}"
        )

    def to_text(self) -> str:
        lines = [f"Spec diff ({self.title}): {self.old_label} -> {self.new_label}", self.summary()]
        for severity, title in zip(SEVERITIES, ("Breaking", "Additive", "Description-only"), strict=True):
            items = self.of(severity)
            lines.append("")
            lines.append(f"{title} ({len(items)}):")
            lines.extend(_grouped_lines(items, "  ", "    - ") if items else ["  none"])
        return "\n".join(lines) + "\n"

    def to_markdown(self) -> str:
        lines = [self.summary() + "."]
        for severity, title in zip(SEVERITIES, ("Breaking", "Additive", "Description-only"), strict=True):
            items = self.of(severity)
            if items:
                lines += ["", f"{title} ({len(items)}):", ""]
                lines.extend(f"- `{c.subject}` {_line(c)}" for c in items)
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old_label,
            "new": self.new_label,
            "operations": {"old": self.old_operations, "new": self.new_operations},
            "bump": self.bump(),
            "counts": {s: len(self.of(s)) for s in SEVERITIES},
            "changes": [asdict(c) for c in self.changes],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"


def _line(c: Change) -> str:
    where = f" `{c.path}`" if c.path else ""
    return f"{c.kind}{where}: {c.detail}"


def _grouped_lines(items: list[Change], head: str, item: str) -> Iterator[str]:
    current: str | None = None
    for c in items:
        if c.subject != current:
            current = c.subject
            yield f"{head}{current}"
        yield f"{item}{_line(c)}"


# ---------------------------------------------------------------------------- $ref resolution


class Resolver:
    """Follows local `$ref`s; a reference cycle is reported, never followed forever."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec

    def lookup(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            return {}
        node: Any = self.spec
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                return {}
            node = node[part]
        return node

    def deref(self, node: Any) -> tuple[Any, str | None]:
        """The node behind a chain of `$ref`s, and the last component name on the way."""
        name: str | None = None
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                return {}, name
            seen.add(ref)
            name = ref.rsplit("/", 1)[-1]
            node = self.lookup(ref)
        return node, name

    def inline(self, node: Any, stack: tuple[str, ...] = ()) -> Any:
        """A copy with every `$ref` replaced by its target; a cycle becomes `{"$cycle": name}`."""
        if isinstance(node, list):
            return [self.inline(x, stack) for x in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            if ref in stack or len(stack) > MAX_DEPTH:
                return {"$cycle": ref.rsplit("/", 1)[-1]}
            return self.inline(self.lookup(ref), (*stack, ref))
        return {k: self.inline(v, stack) for k, v in node.items()}


# ---------------------------------------------------------------------------- schema views

# A type token: ("string", fmt, is_enum) | ("array", items) | ("object",) | ("null",) | ("any",) | ...
Token = tuple[Any, ...]


@dataclass
class View:
    """The parts of a (merged) schema the rules look at."""

    types: set[str] = field(default_factory=set)
    fmt: str | None = None
    enum: set[str] | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    items: list[Any] = field(default_factory=list)
    additional: list[Any] = field(default_factory=list)
    name: str | None = None
    cycle: bool = False
    closed: bool = False


def _json_types(schema: dict[str, Any]) -> set[str]:
    t = schema.get("type")
    types = (
        {t} if isinstance(t, str) else {x for x in t if isinstance(x, str)} if isinstance(t, list) else set()
    )
    if schema.get("nullable") is True:
        types.add("null")
    return types


def _enum_values(schema: dict[str, Any]) -> set[str] | None:
    if "const" in schema:
        return {json.dumps(schema["const"], sort_keys=True)}
    values = schema.get("enum")
    if isinstance(values, list):
        return {json.dumps(v, sort_keys=True) for v in values}
    return None


def view(r: Resolver, node: Any, stack: tuple[str, ...] = ()) -> View:
    target, name = r.deref(node)
    ref = node.get("$ref") if isinstance(node, dict) else None
    if isinstance(ref, str):
        if ref in stack:
            return View(types={"object"}, name=name, cycle=True)
        stack = (*stack, ref)
    if not isinstance(target, dict):
        return View(types={"any"}, name=name)
    v = View(types=_json_types(target), fmt=target.get("format"), enum=_enum_values(target), name=name)
    v.closed = target.get("additionalProperties") is False or target.get("unevaluatedProperties") is False
    v.properties = dict(target.get("properties") or {})
    v.required = set(target.get("required") or [])
    if "items" in target:
        v.items = [target["items"]]
    if isinstance(target.get("additionalProperties"), dict):
        v.additional = [target["additionalProperties"]]
    parts = [view(r, part, stack) for part in target.get("allOf") or []]
    for part in parts:
        _merge_all_of(v, part)
    named = [p.name for p in parts if p.name]
    if v.name is None and len(named) == 1:
        v.name = named[0]  # `allOf: [$ref X, {...}]` is X, for reporting
    variants = [view(r, p, stack) for p in (target.get("anyOf") or []) + (target.get("oneOf") or [])]
    if variants:
        _merge_any_of(v, variants)
    if not v.types:
        v.types = _infer_types(v)
    return v


def _merge_all_of(v: View, part: View) -> None:
    v.properties.update({k: s for k, s in part.properties.items() if k not in v.properties})
    v.required |= part.required
    v.items = v.items or part.items
    v.additional = v.additional or part.additional
    v.fmt = v.fmt or part.fmt
    if part.enum is not None:
        v.enum = part.enum if v.enum is None else v.enum & part.enum
    if part.types and part.types != {"any"}:
        v.types = part.types if not v.types else (v.types & part.types or v.types)
    v.cycle = v.cycle or part.cycle
    v.closed = v.closed or part.closed


def _merge_any_of(v: View, variants: list[View]) -> None:
    for part in variants:
        v.types |= part.types
        v.properties.update({k: s for k, s in part.properties.items() if k not in v.properties})
        v.items += part.items
        v.additional += part.additional
        v.fmt = v.fmt or part.fmt
    objects = [p for p in variants if p.properties]
    if objects:
        v.required |= set.intersection(*(p.required for p in objects))
    non_null = [p for p in variants if p.types != {"null"}]
    if v.enum is None and non_null and all(p.enum is not None for p in non_null):
        v.enum = set().union(*(p.enum or set() for p in non_null))
    if len(non_null) == 1 and v.name is None:
        v.name = non_null[0].name


def _infer_types(v: View) -> set[str]:
    if v.properties or v.additional:
        return {"object"}
    if v.items:
        return {"array"}
    if v.enum is not None:
        return {_json_type_of(json.loads(x)) for x in v.enum}
    return {"any"}


def _json_type_of(value: Any) -> str:
    if isinstance(value, bool):  # before int: bool is an int in Python
        return "boolean"
    names = {
        str: "string",
        int: "integer",
        float: "number",
        type(None): "null",
        list: "array",
        dict: "object",
    }
    return names.get(type(value), "any")


def tokens(r: Resolver, node: Any, stack: tuple[str, ...] = ()) -> frozenset[Token]:
    """The type of a schema as a set of tokens (a union); arrays carry their items' tokens."""
    v = view(r, node, stack)
    if v.cycle:
        return frozenset({("object",)})
    if isinstance(node, dict) and isinstance(node.get("$ref"), str):
        stack = (*stack, node["$ref"])
    out: set[Token] = set()
    for t in v.types:
        if t == "array":
            inner: frozenset[Token] = frozenset()
            for it in v.items:
                inner |= tokens(r, it, stack) if len(stack) <= MAX_DEPTH else frozenset({("any",)})
            out.add(("array", inner or frozenset({("any",)})))
        elif t in ("string", "integer", "number", "boolean"):
            fmt = v.fmt if t == "string" and v.fmt in PY_FORMATS else None
            out.add((t, fmt, v.enum is not None and t != "boolean"))
        else:
            out.add((t,))
    return frozenset(out)


def render(toks: frozenset[Token]) -> str:
    parts = []
    for tok in toks:
        if tok[0] == "array":
            parts.append(f"array<{render(tok[1])}>")
        elif len(tok) == 3:
            base = f"{tok[0]}({tok[1]})" if tok[1] else tok[0]
            parts.append(f"enum<{base}>" if tok[2] else base)
        else:
            parts.append(tok[0])
    return "|".join(sorted(parts, key=lambda p: (p == "null", p)))


def _covers(a: Token, b: Token) -> bool:
    """Does type `a` accept every value of type `b`?"""
    if a == b or a == ("any",):
        return True
    if a[0] == "array" and b[0] == "array":
        return covers_all(a[1], b[1])
    if len(a) == 3 and len(b) == 3:
        same_base = a[:2] == b[:2] or (a[0] == "number" and b[0] == "integer" and a[1] == b[1])
        return same_base and (not a[2] or b[2])
    return False


def covers_all(wide: frozenset[Token], narrow: frozenset[Token]) -> bool:
    return all(any(_covers(a, b) for a in wide) for b in narrow)


# ---------------------------------------------------------------------------- flattening


@dataclass(frozen=True)
class Field:
    types: frozenset[Token]
    required: bool
    enum: frozenset[str] | None
    # Where the field is defined, to report a shared schema once: (schema name, path inside it).
    home: tuple[str, str] | None
    # For objects: do they forbid unknown keys (additionalProperties / unevaluatedProperties false)?
    closed: bool | None = None


def flatten(r: Resolver, node: Any, required: bool = True) -> dict[str, Field]:
    """Every field under a schema by dotted path ("" is the schema itself, "[]" an array item)."""
    out: dict[str, Field] = {}
    _flatten(r, node, "", required, out, (), None)
    return out


def _flatten(
    r: Resolver,
    node: Any,
    path: str,
    required: bool,
    out: dict[str, Field],
    stack: tuple[str, ...],
    home: tuple[str, str] | None,
) -> None:
    v = view(r, node, stack)
    if v.name is not None and not v.cycle:
        home = (v.name, "")
    enum = frozenset(v.enum) if v.enum is not None else None
    closed = v.closed if "object" in v.types else None
    out[path] = Field(tokens(r, node, stack), required, enum, home, closed)
    ref = node.get("$ref") if isinstance(node, dict) else None
    if v.cycle or len(stack) > MAX_DEPTH:
        return
    if isinstance(ref, str):
        stack = (*stack, ref)
    for name in sorted(v.properties):
        child = f"{path}.{name}" if path else name
        sub_home = (home[0], f"{home[1]}.{name}" if home[1] else name) if home else None
        _flatten(r, v.properties[name], child, name in v.required, out, stack, sub_home)
    for suffix, subs in (("[]", v.items), ("{}", v.additional)):
        for sub in subs[:1]:
            sub_home = (home[0], f"{home[1]}{suffix}") if home else None
            _flatten(r, sub, f"{path}{suffix}", True, out, stack, sub_home)


# ---------------------------------------------------------------------------- operations


@dataclass
class Op:
    method: str
    path: str
    op: dict[str, Any]
    params: dict[tuple[str, str], dict[str, Any]]

    @property
    def operation_id(self) -> str | None:
        value = self.op.get("operationId")
        return value if isinstance(value, str) else None

    @property
    def route(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def label(self) -> str:
        return self.operation_id or self.route


def api_of(spec: dict[str, Any]) -> str:
    """The configured API a document describes (`app` when it shows no mark of any)."""
    try:
        return _config.recognise(spec).name
    except _config.ConfigError:
        return "app"


def operations(spec: dict[str, Any], api: str | None = None) -> list[Op]:
    """Every operation a generated client has: the surfaces of the document's API."""
    r = Resolver(spec)
    ops = []
    for path, method, op in iter_operations(select_spec(spec, api or api_of(spec))):
        params: dict[tuple[str, str], dict[str, Any]] = {}
        shared = spec["paths"][path].get("parameters") or []
        for raw in [*shared, *(op.get("parameters") or [])]:
            p, _ = r.deref(raw)
            if isinstance(p, dict) and "name" in p:
                params[(str(p.get("in")), str(p["name"]))] = p
        ops.append(Op(method, path, op, params))
    return ops


def _template(path: str) -> str:
    """The path with parameter names blanked, to match a route whose parameters were renamed."""
    out, depth = [], 0
    for ch in path:
        depth += ch == "{"
        if depth == 0:
            out.append(ch)
        elif ch == "}":
            depth -= 1
            out.append("{}")
    return "".join(out)


def match(old: list[Op], new: list[Op]) -> tuple[list[tuple[Op, Op]], list[Op], list[Op]]:
    """Pairs by operationId, then by route, then by route shape; the rest are removed/added."""
    pairs: list[tuple[Op, Op]] = []
    left, right = list(old), list(new)
    keys = (
        lambda o: o.operation_id,
        lambda o: o.route,
        lambda o: f"{o.method} {_template(o.path)}",
    )
    for key in keys:
        index = {key(o): o for o in right if key(o) is not None}
        for o in list(left):
            k = key(o)
            if k is not None and k in index and index[k] in right:
                pairs.append((o, index[k]))
                left.remove(o)
                right.remove(index[k])
    return pairs, left, right


# ---------------------------------------------------------------------------- the rules


class Differ:
    def __init__(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        self.old, self.new = Resolver(old), Resolver(new)
        self.changes: list[Change] = []
        # (schema, path, operation) -> side -> (added, removed, operations); a shared enum is
        # keyed by its schema (operation ""), so it is reported once however many operations use it.
        self.enums: dict[tuple[str, str, str], dict[str, tuple[set[str], set[str], set[str]]]] = {}
        # The same keying for objects that became closed or open: side -> (closed now?, operations).
        self.closures: dict[tuple[str, str, str], dict[str, tuple[bool, set[str]]]] = {}
        # Error body fields: (kind, schema, path, detail) -> operations.
        self.error_fields: dict[tuple[str, str, str, str], set[str]] = {}

    def add(self, kind: str, severity: Severity, op: Op | None, path: str, detail: str) -> None:
        self.changes.append(Change(kind, severity, op.label if op else None, None, path, detail))

    def run(self, old_ops: list[Op], new_ops: list[Op]) -> list[Change]:
        pairs, removed, added = match(old_ops, new_ops)
        for o in removed:
            self.add("operation-removed", "breaking", o, "", f"{o.route} is gone")
        for n in added:
            self.add("operation-added", "additive", n, "", f"{n.route}")
        for o, n in pairs:
            self.operation(o, n)
        self.emit_enums()
        self.emit_closures()
        self.emit_error_fields()
        return sorted(self.changes, key=Change.sort_key)

    def operation(self, o: Op, n: Op) -> None:
        before = len(self.changes)
        enum_marks = self._enum_marks()
        self.identity(o, n)
        self.parameters(o, n)
        self.request_body(o, n)
        self.responses(o, n)
        self.security(o, n)
        if not o.op.get("deprecated") and n.op.get("deprecated"):
            self.add("operation-deprecated", "additive", n, "", "marked deprecated")
        explained = len(self.changes) > before or self._enum_marks() != enum_marks
        self.leftovers(o, n, explained)

    def _enum_marks(self) -> int:
        enums = sum(len(ops) for sides in self.enums.values() for _, _, ops in sides.values())
        closures = sum(len(ops) for sides in self.closures.values() for _, ops in sides.values())
        return enums + closures + sum(len(ops) for ops in self.error_fields.values())

    def identity(self, o: Op, n: Op) -> None:
        if o.route != n.route:
            self.add("operation-moved", "breaking", n, "", f"{o.route} -> {n.route}")
        if o.operation_id != n.operation_id:
            if o.operation_id is None:
                self.add("operation-id-added", "additive", n, "", f"{n.route} now has an operationId")
            else:
                self.add(
                    "operation-id-changed",
                    "breaking",
                    n,
                    "",
                    f"{o.operation_id} -> {n.operation_id or '(none)'}: names derived from it may change",
                )

    def parameters(self, o: Op, n: Op) -> None:
        for key in sorted(set(o.params) | set(n.params)):
            where = f"{key[0]}:{key[1]}"
            p_old, p_new = o.params.get(key), n.params.get(key)
            if p_old is None and p_new is not None:
                req = bool(p_new.get("required"))
                sev: Severity = "breaking" if req else "additive"
                what = "required" if req else "optional"
                self.add("parameter-added", sev, n, where, f"{what} {self._t(self.new, p_new)}")
            elif p_new is None and p_old is not None:
                self.add("parameter-removed", "breaking", n, where, "callers passing it will fail")
            elif p_old is not None and p_new is not None:
                f_old = Field(self._tok(self.old, p_old), bool(p_old.get("required")), None, None)
                f_new = Field(self._tok(self.new, p_new), bool(p_new.get("required")), None, None)
                self.field_pair("parameter", "request", n, where, f_old, f_new)
                self.enum_pair(
                    "request", n, where, self._pfield(self.old, p_old), self._pfield(self.new, p_new)
                )

    def _tok(self, r: Resolver, param: dict[str, Any]) -> frozenset[Token]:
        return tokens(r, param.get("schema", {}))

    def _t(self, r: Resolver, param: dict[str, Any]) -> str:
        return render(self._tok(r, param))

    def _pfield(self, r: Resolver, param: dict[str, Any]) -> Field:
        return flatten(r, param.get("schema", {}))[""]

    def request_body(self, o: Op, n: Op) -> None:
        ct_old, s_old, req_old = self._body(self.old, o.op.get("requestBody"))
        ct_new, s_new, req_new = self._body(self.new, n.op.get("requestBody"))
        if ct_old and ct_new and ct_old != ct_new:
            self.add("request-content-type-changed", "breaking", n, "", f"{ct_old} -> {ct_new}")
        if not req_old and req_new and s_old is not None:
            self.add("request-body-required", "breaking", n, "(body)", "the request body became required")
        old_fields = flatten(self.old, s_old, req_old) if s_old is not None else {}
        new_fields = flatten(self.new, s_new, req_new) if s_new is not None else {}
        self.fields("request", n, old_fields, new_fields)

    def _body(self, r: Resolver, body: Any) -> tuple[str | None, Any, bool]:
        body, _ = r.deref(body)
        if not isinstance(body, dict) or not body.get("content"):
            return None, None, False
        ct, media = _pick_content(body["content"])
        return ct, (media or {}).get("schema", {}), bool(body.get("required"))

    def responses(self, o: Op, n: Op) -> None:
        code_old, ct_old, s_old = self._success(self.old, o.op)
        code_new, ct_new, s_new = self._success(self.new, n.op)
        if code_old != code_new:
            self.add("response-status-changed", "additive", n, "", f"success status {code_old} -> {code_new}")
        if ct_old and ct_new and ct_old != ct_new:
            self.add("response-content-type-changed", "breaking", n, "", f"{ct_old} -> {ct_new}")
        old_fields = flatten(self.old, s_old) if s_old is not None else {}
        new_fields = flatten(self.new, s_new) if s_new is not None else {}
        self.fields("response", n, old_fields, new_fields)
        errors_old, errors_new = _error_codes(o.op), _error_codes(n.op)
        for code in sorted(errors_new - errors_old):
            self.add("error-response-added", "additive", n, "", f"may now answer {code}")
        for code in sorted(errors_old - errors_new):
            self.add("error-response-removed", "additive", n, "", f"no longer documents {code}")
        for code in sorted(errors_old & errors_new):
            self.error_body(o, n, code)

    def error_body(self, o: Op, n: Op, code: str) -> None:
        """Error bodies are decoded by the runtime into `SendmuxError` (strings, no generated models),
        so their changes are noted as additive, once per schema."""
        old = self._error_fields(self.old, o.op, code)
        new = self._error_fields(self.new, n.op, code)
        for path in sorted(set(old) | set(new)):
            f_old, f_new = old.get(path), new.get(path)
            either = f_new or f_old
            assert either is not None
            # Shared across operations: keyed by schema, or by field path when the body is inline.
            home = either.home or ("", path)
            if f_old is None or f_new is None:
                parent = _parent(path)
                if parent is not None and parent not in (old if f_old is None else new):
                    continue  # reported with its parent
                kind = "error-field-added" if f_old is None else "error-field-removed"
                self._error_field(kind, home, n, render(either.types))
                continue
            if f_old.types != f_new.types:
                self._error_field(
                    "error-field-retyped", home, n, f"{render(f_old.types)} -> {render(f_new.types)}"
                )
            keyed = Field(f_new.types, f_new.required, f_new.enum, home)
            self.enum_pair("error", n, path, f_old, keyed)
            self.closure_pair("error", n, path, f_old, keyed)

    def _error_field(self, kind: str, home: tuple[str, str], n: Op, detail: str) -> None:
        self.error_fields.setdefault((kind, *home, detail), set()).add(n.label)

    def emit_error_fields(self) -> None:
        for (kind, schema, path, detail), ops in sorted(self.error_fields.items()):
            note = f"{detail} (error body; {len(ops)} operation(s))"
            self.changes.append(Change(kind, "additive", None, schema or None, path, note))

    def _error_fields(self, r: Resolver, op: dict[str, Any], code: str) -> dict[str, Field]:
        _, schema = _data_schema(r, op["responses"][code])
        return flatten(r, schema) if schema is not None else {}

    def _success(self, r: Resolver, op: dict[str, Any]) -> tuple[str | None, str | None, Any]:
        """(status, content type, data schema) of the first 2xx response; looks through the envelope."""
        codes = sorted(str(c) for c in (op.get("responses") or {}) if str(c).startswith("2"))
        for code in codes:
            ct, schema = _data_schema(r, op["responses"][code])
            if ct is not None:
                return code, ct, schema
        return (codes[0] if codes else None), None, None

    def fields(self, side: Side, n: Op, old: dict[str, Field], new: dict[str, Field]) -> None:
        prefix = "request" if side == "request" else "response"
        for path in sorted(set(old) | set(new), key=lambda p: (p.count("."), p)):
            label = path or ("(body)" if side == "request" else "(data)")
            if path not in old:
                parent = _parent(path)
                if parent is not None and parent not in old and parent != "":
                    continue  # reported with its parent
                if path == "":
                    continue  # a new body is reported field by field
                self._field_added(side, n, label, new[path], prefix)
            elif path not in new:
                parent = _parent(path)
                if parent is not None and parent not in new and parent != "":
                    continue
                if path == "":
                    self.add(f"{prefix}-body-removed", "breaking", n, label, f"the {prefix} body is gone")
                    continue
                self.add(
                    f"{prefix}-field-removed", "breaking", n, label, f"{render(old[path].types)} removed"
                )
            else:
                self.field_pair(f"{prefix}-field", side, n, label, old[path], new[path])
                self.enum_pair(side, n, label, old[path], new[path])
                self.closure_pair(side, n, label, old[path], new[path])

    def _field_added(self, side: Side, n: Op, label: str, f: Field, prefix: str) -> None:
        if side == "request" and f.required:
            self.add(f"{prefix}-field-added", "breaking", n, label, f"required {render(f.types)}")
        else:
            what = "optional " if side == "request" else ""
            self.add(f"{prefix}-field-added", "additive", n, label, f"{what}{render(f.types)}")

    def field_pair(self, kind: str, side: Side, n: Op, where: str, f_old: Field, f_new: Field) -> None:
        if f_old.types != f_new.types:
            ok = (
                covers_all(f_new.types, f_old.types)
                if side == "request"
                else covers_all(f_old.types, f_new.types)
            )
            how = ("widened" if side == "request" else "narrowed") if ok else "incompatible"
            detail = f"{render(f_old.types)} -> {render(f_new.types)} ({how})"
            self.add(f"{kind}-retyped", "additive" if ok else "breaking", n, where, detail)
        if f_old.required != f_new.required:
            # Requests: becoming required breaks callers; responses: becoming optional breaks readers.
            breaking = f_new.required if side == "request" else not f_new.required
            state = "required" if f_new.required else "optional"
            self.add(
                f"{kind}-required-changed", "breaking" if breaking else "additive", n, where, f"now {state}"
            )

    def enum_pair(self, side: Side, n: Op, where: str, f_old: Field, f_new: Field) -> None:
        if f_old.enum is None or f_new.enum is None or f_old.enum == f_new.enum:
            return
        key = (*f_new.home, "") if f_new.home else ("", where, n.label)
        added, removed, ops = self.enums.setdefault(key, {}).setdefault(side, (set(), set(), set()))
        added |= f_new.enum - f_old.enum
        removed |= f_old.enum - f_new.enum
        ops.add(n.label)

    def emit_enums(self) -> None:
        for (schema, path, op), sides in sorted(self.enums.items()):
            for side in sorted(sides):
                added, removed, ops = sides[side]
                used = f"{side}; {len(ops)} operation(s)" if not op else side
                for value in sorted(removed):
                    sev, note = ENUM_REMOVED[side]
                    self._enum("enum-value-removed", sev, op, schema, path, f"{value} ({used}; {note})")
                for value in sorted(added):
                    sev, note = ENUM_ADDED[side]
                    self._enum("enum-value-added", sev, op, schema, path, f"{value} ({used}{note})")

    def closure_pair(self, side: Side, n: Op, where: str, f_old: Field, f_new: Field) -> None:
        if f_old.closed is None or f_new.closed is None or f_old.closed == f_new.closed:
            return
        key = (*f_new.home, "") if f_new.home else ("", where, n.label)
        _, ops = self.closures.setdefault(key, {}).setdefault(side, (f_new.closed, set()))
        ops.add(n.label)

    def emit_closures(self) -> None:
        """Informational: generated models stop (or start) keeping unknown keys in `additional_properties`."""
        for (schema, path, op), sides in sorted(self.closures.items()):
            for side in sorted(sides):
                closed, ops = sides[side]
                used = f"{side}; {len(ops)} operation(s)" if not op else side
                kind, what = (
                    ("object-closed", "unknown keys now forbidden")
                    if closed
                    else ("object-opened", "unknown keys now allowed")
                )
                self._enum(kind, "additive", op, schema, path, f"{what} ({used})")

    def _enum(self, kind: str, severity: Severity, op: str, schema: str, path: str, detail: str) -> None:
        self.changes.append(Change(kind, severity, op or None, schema or None, path, detail))

    def security(self, o: Op, n: Op) -> None:
        old, new = _security(o.op), _security(n.op)
        for alt in sorted(old - new):
            self.add("permission-removed", "breaking", n, "", f"no longer accepts {alt}")
        for alt in sorted(new - old):
            self.add("permission-added", "additive", n, "", f"now accepts {alt}")

    def leftovers(self, o: Op, n: Op, explained: bool) -> None:
        """Differences no rule named: texts only (patch), or something unclassified (minor)."""
        a, b = _client_view(self.old, o.op), _client_view(self.new, n.op)
        if a == b:
            return
        other = list(_differences(_strip(a), _strip(b)))
        texts = [p for p in _differences(a, b) if _is_text(p) and p not in other]
        if texts:
            shown = ", ".join(texts[:3]) + (", ..." if len(texts) > 3 else "")
            self.add(
                "description-changed",
                "description",
                n,
                "",
                f"{len(texts)} text or constraint change(s) at {shown}",
            )
        if other and not explained:
            shown = ", ".join(other[:3]) + (", ..." if len(other) > 3 else "")
            self.add("other-changed", "additive", n, "", f"unclassified change at {shown}; review it")


def _data_schema(r: Resolver, response: Any) -> tuple[str | None, Any]:
    """(content type, schema) of a response; for a success envelope, the schema of its `data`."""
    resp, _ = r.deref(response)
    content = resp.get("content") if isinstance(resp, dict) else None
    if not content:
        return None, None
    ct, media = _pick_content(content)
    schema = (media or {}).get("schema")
    if schema is None:
        return ct, None
    v = view(r, schema)
    if "data" in v.properties and ENVELOPE_KEYS & set(v.properties):
        return ct, v.properties["data"]
    return ct, schema


def _client_view(r: Resolver, op: dict[str, Any]) -> Any:
    """The operation fully inlined, success bodies reduced to their `data` (the runtime owns the envelope)."""
    out = r.inline({k: v for k, v in op.items() if k != "responses"})
    responses: dict[str, Any] = {}
    for code, response in (op.get("responses") or {}).items():
        if str(code).startswith("2"):
            resp, _ = r.deref(response)
            ct, schema = _data_schema(r, response)
            rest = {k: v for k, v in resp.items() if k != "content"} if isinstance(resp, dict) else {}
            responses[str(code)] = {**r.inline(rest), "content-type": ct, "data": r.inline(schema)}
        else:
            responses[str(code)] = r.inline(response)
    out["responses"] = responses
    return out


def _pick_content(content: dict[str, Any]) -> tuple[str, Any]:
    for ct in sorted(content):
        if ct == "application/json" or ct.endswith("+json"):
            return ct, content[ct]
    ct = sorted(content)[0]
    return ct, content[ct]


def _error_codes(op: dict[str, Any]) -> set[str]:
    return {str(c) for c in op.get("responses") or {} if not str(c).startswith("2")}


def _security(op: dict[str, Any]) -> set[str]:
    out = set()
    for alt in op.get("security") or []:
        if isinstance(alt, dict):
            out.add(" + ".join(f"{k}{sorted(v) if v else ''}" for k, v in sorted(alt.items())))
    return out


def _parent(path: str) -> str | None:
    if not path:
        return None
    for sep in (".", "[]", "{}"):
        if path.endswith(sep):
            return path[: -len(sep)]
    cut = max(path.rfind("."), path.rfind("[]") + 1, path.rfind("{}") + 1)
    return path[:cut] if cut > 0 else ""


def _is_text(pointer: str) -> bool:
    """Does a JSON pointer end in a non-code keyword (not in a property that happens to share its name)?"""
    parts = pointer.split("/")
    return any(
        (seg in NONCODE_KEYS or seg == "format") and parts[i - 1] != "properties"
        for i, seg in enumerate(parts)
        if i
    )


def _strip(node: Any) -> Any:
    """Without the keys that cannot change generated code."""
    if isinstance(node, list):
        return [_strip(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if k in NONCODE_KEYS or (k == "format" and isinstance(v, str) and v not in PY_FORMATS):
            continue
        out[k] = _strip(v)
    return out


def _differences(a: Any, b: Any, at: str = "") -> Iterator[str]:
    """JSON pointers where `a` and `b` differ (lists of different lengths count as one)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            if a.get(k, _MISSING) != b.get(k, _MISSING):
                yield from _differences(a.get(k, _MISSING), b.get(k, _MISSING), f"{at}/{k}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from _differences(x, y, f"{at}/{i}")
    elif a != b:
        yield at or "/"


_MISSING = object()


# ---------------------------------------------------------------------------- entry points


def compare(
    old: dict[str, Any], new: dict[str, Any], old_label: str = "old", new_label: str = "new"
) -> Report:
    api = api_of(new)
    old_ops, new_ops = operations(old, api), operations(new, api)
    changes = Differ(old, new).run(old_ops, new_ops)
    return Report(old_label, new_label, len(old_ops), len(new_ops), tuple(changes), api)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generator diff",
        description="What changed for client users between two specs of one API (app or Sending).",
    )
    parser.add_argument("old", help="old spec: path or URL")
    parser.add_argument("new", help="new spec: path or URL")
    parser.add_argument("--json", action="store_true", help="machine-readable report")
    parser.add_argument("--fail-on-breaking", action="store_true", help="exit 1 when a change is breaking")
    args = parser.parse_args(argv)
    try:
        report = compare(fetch.load_spec(args.old), fetch.load_spec(args.new), args.old, args.new)
    except fetch.SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(report.to_json() if args.json else report.to_text())
    return 1 if args.fail_on_breaking and report.breaking else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
