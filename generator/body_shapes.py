"""Where a JSON request body takes email addresses and attachments, found by shape in the resolved schema.

The runtime turns address strings into address objects at `address_fields`, and files into inline or
uploaded attachments at `attachment_fields` (both on `Operation`). Paths are body keys joined by `.`,
with `[]` after a key that holds a list: `to[]`, `messages[].from`, `messages[].attachments`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["address_fields", "attachment_fields", "is_address"]

_DEPTH = 3  # bodies nest messages in a batch at most; deeper shapes are not walked


def _merged(parts: list[Any]) -> dict[str, Any]:
    """An `allOf` as one schema: its members' properties and required keys together."""
    out: dict[str, Any] = {"properties": {}, "required": []}
    for part in parts:
        if isinstance(part, dict):
            out["properties"].update(part.get("properties") or {})
            out["required"] += part.get("required") or []
            if "type" in part:
                out["type"] = part["type"]
            if "items" in part:
                out["items"] = part["items"]
    return out


def _branches(schema: Any) -> list[Any]:
    if not isinstance(schema, dict):
        return []
    if isinstance(schema.get("allOf"), list):
        return _branches(_merged(schema["allOf"]))
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list):
            return [b for b in schema[key] if isinstance(b, dict) and b.get("type") != "null"]
    return [schema]


def is_address(schema: Any) -> bool:
    """An object of `email` (required) and at most `name`: the API's address shape in every spec."""
    if not isinstance(schema, dict):
        return False
    props = schema.get("properties")
    return (
        isinstance(props, dict)
        and "email" in props
        and set(props) <= {"email", "name"}
        and "email" in (schema.get("required") or [])
    )


def _name_required(schema: dict[str, Any]) -> bool:
    return "name" in (schema.get("required") or [])


def _walk(schema: Any, prefix: str, depth: int, out: list[tuple[str, bool]]) -> None:
    if depth > _DEPTH or not isinstance(schema, dict):
        return
    for name, prop in (schema.get("properties") or {}).items():
        for branch in _branches(prop):
            if is_address(branch):
                out.append((f"{prefix}{name}", _name_required(branch)))
                break
            items = branch.get("items") if branch.get("type") == "array" else None
            if items is not None:
                found = [b for b in _branches(items) if is_address(b)]
                if found:
                    out.append((f"{prefix}{name}[]", _name_required(found[0])))
                    break
                for item in _branches(items):
                    _walk(item, f"{prefix}{name}[].", depth + 1, out)
            elif branch.get("properties"):
                _walk(branch, f"{prefix}{name}.", depth + 1, out)


def address_fields(body: dict[str, Any] | None) -> list[tuple[str, bool]]:
    """(path, whether the API requires the `name` key) of every address position of a body, in order."""
    out: list[tuple[str, bool]] = []
    _walk(body, "", 0, out)
    return list(dict.fromkeys(out))


def _attachments(schema: Any, prefix: str, depth: int, out: list[str]) -> None:
    if depth > _DEPTH or not isinstance(schema, dict):
        return
    for name, prop in (schema.get("properties") or {}).items():
        for branch in _branches(prop):
            if branch.get("type") != "array":
                continue
            if name == "attachments":
                out.append(f"{prefix}{name}")
                continue
            for item in _branches(branch.get("items")):
                _attachments(item, f"{prefix}{name}[].", depth + 1, out)


def attachment_fields(body: dict[str, Any] | None) -> list[str]:
    """Paths of the `attachments` lists of a body (the message's own, or each message's of a batch)."""
    out: list[str] = []
    _attachments(body, "", 0, out)
    return list(dict.fromkeys(out))
