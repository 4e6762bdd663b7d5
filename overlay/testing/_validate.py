"""A small JSON Schema checker for request bodies and query values (the subset the spec's request schemas use).

Stdlib only, so the fake stays dependency-free.  Issues are collected, not raised, because the API reports
every problem of a body at once in `error.errors[]`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class Issue:
    field: str
    code: str
    message: str


@lru_cache(maxsize=256)
def _pattern(source: str) -> re.Pattern[str]:
    return re.compile(source)


def _type_ok(value: Any, type_name: str) -> bool:
    if type_name == "null":
        return value is None
    if type_name == "boolean":
        return isinstance(value, bool)
    if type_name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if type_name == "string":
        return isinstance(value, str)
    if type_name == "array":
        return isinstance(value, list)
    if type_name == "object":
        return isinstance(value, dict)
    return True


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def check(schema: dict[str, Any], value: Any, path: str = "") -> list[Issue]:
    """Every way `value` breaks `schema`; an empty list means valid."""
    field = path or "body"
    types = schema.get("type")
    if types is not None:
        names = types if isinstance(types, list) else [types]
        if not any(_type_ok(value, t) for t in names):
            return [Issue(field, "invalid_type", f"Expected {' or '.join(names)}.")]
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(str(v) for v in schema["enum"])
        return [Issue(field, "invalid_enum", f"Must be one of: {allowed}.")]
    for sub in schema.get("allOf", []):
        issues = check(sub, value, path)
        if issues:
            return issues
    if "anyOf" in schema and not any(not check(sub, value, path) for sub in schema["anyOf"]):
        return [Issue(field, "invalid_value", "Does not match any allowed form.")]
    if isinstance(value, str):
        return _check_string(schema, value, field)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _check_number(schema, value, field)
    if isinstance(value, list):
        return _check_array(schema, value, path)
    if isinstance(value, dict):
        return _check_object(schema, value, path)
    return []


def _check_string(schema: dict[str, Any], value: str, field: str) -> list[Issue]:
    if "minLength" in schema and len(value) < schema["minLength"]:
        return [Issue(field, "too_short", f"Must be at least {schema['minLength']} characters.")]
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        return [Issue(field, "too_long", f"Must be at most {schema['maxLength']} characters.")]
    if "pattern" in schema and not _pattern(schema["pattern"]).search(value):
        return [Issue(field, "invalid_format", "Has an invalid format.")]
    fmt = schema.get("format")
    if fmt == "email" and not _EMAIL.match(value):
        return [Issue(field, "invalid_format", "Must be an email address.")]
    if fmt == "uri" and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://\S+$", value):
        return [Issue(field, "invalid_format", "Must be an absolute URI.")]
    return []


def _check_number(schema: dict[str, Any], value: float, field: str) -> list[Issue]:
    if "minimum" in schema and value < schema["minimum"]:
        return [Issue(field, "too_small", f"Must be at least {schema['minimum']}.")]
    if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
        return [Issue(field, "too_small", f"Must be greater than {schema['exclusiveMinimum']}.")]
    if "maximum" in schema and value > schema["maximum"]:
        return [Issue(field, "too_big", f"Must be at most {schema['maximum']}.")]
    return []


def _check_array(schema: dict[str, Any], value: list[Any], path: str) -> list[Issue]:
    field = path or "body"
    if "minItems" in schema and len(value) < schema["minItems"]:
        return [Issue(field, "too_short", f"Must have at least {schema['minItems']} items.")]
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        return [Issue(field, "too_long", f"Must have at most {schema['maxItems']} items.")]
    issues: list[Issue] = []
    items = schema.get("items")
    if isinstance(items, dict):
        for i, item in enumerate(value):
            issues.extend(check(items, item, _join(path, i)))
    return issues


def _check_object(schema: dict[str, Any], value: dict[str, Any], path: str) -> list[Issue]:
    issues: list[Issue] = []
    props: dict[str, Any] = schema.get("properties", {})
    for name in schema.get("required", []):
        if name not in value:
            issues.append(Issue(_join(path, name), "required", "This field is required."))
    if "maxProperties" in schema and len(value) > schema["maxProperties"]:
        issues.append(Issue(path or "body", "too_long", f"At most {schema['maxProperties']} entries."))
    extra = schema.get("additionalProperties", True)
    names = schema.get("propertyNames")
    for name, sub in value.items():
        if names is not None:
            issues.extend(Issue(_join(path, name), "invalid_key", i.message) for i in check(names, name))
        if name in props:
            issues.extend(check(props[name], sub, _join(path, name)))
        elif extra is False:
            issues.append(Issue(_join(path, name), "unknown_field", "Unknown field."))
        elif isinstance(extra, dict):
            issues.extend(check(extra, sub, _join(path, name)))
    return issues
