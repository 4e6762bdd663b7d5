"""Email addresses as people write them: ``"bob@example.com"`` or ``"Bob <bob@example.com>"``.

Parsed with `email.utils.getaddresses`, then checked: the standard parser is lenient and would turn
``bob@example.com extra`` into the address ``bob@example.comextra``. The generated operation table names
the body fields that take address objects (`Operation.address_fields`); `coerce_addresses` turns the
strings found there into the API's ``{"email", "name"}`` objects before the body is encoded, so every
call takes them alike (the command line parses with the same rules).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from email.utils import getaddresses
from typing import Any

from ._body_paths import map_field

__all__ = ["address_objects", "coerce_addresses", "parse_addresses"]

_ADDR = re.compile(r"[^\s@<>()\[\],;:\"]+@[^\s@<>()\[\],;:\"]+")


def parse_addresses(text: str) -> list[tuple[str, str]]:
    """``(name, address)`` pairs of a comma-separated list; ValueError naming the part that is no address."""
    pairs = getaddresses([text])
    if not pairs or not text.strip():
        raise ValueError("no address given")
    for _name, addr in pairs:
        # An address the parser glued together from pieces does not occur in the text as typed.
        if not _ADDR.fullmatch(addr) or addr not in text:
            raise ValueError(f"{text!r} is not an email address (expected 'addr' or 'Name <addr>')")
    return pairs


def address_objects(text: str, *, null_name: bool) -> list[dict[str, Any]]:
    """The API's address objects: ``{"email": …, "name": …}``; a missing name is left out, or JSON null where
    the API wants the field present (``null_name``)."""
    out: list[dict[str, Any]] = []
    for name, addr in parse_addresses(text):
        item: dict[str, Any] = {"email": addr}
        if name or null_name:
            item["name"] = name or None
        out.append(item)
    return out


def _one(text: str, null_name: bool, where: str) -> dict[str, Any]:
    try:
        found = address_objects(text, null_name=null_name)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    if len(found) != 1:
        raise ValueError(f"{where}: expected one address, got {len(found)} in {text!r}")
    return found[0]


def _turn(value: Any, where: str, *, many: bool, null_name: bool) -> Any:
    return _leaf(value, many, null_name, where)


def _leaf(value: Any, many: bool, null_name: bool, where: str) -> Any:
    if many:
        if isinstance(value, str):
            # One string may list several: "Ann <a@x.org>, b@y.org".
            try:
                return address_objects(value, null_name=null_name)
            except ValueError as exc:
                raise ValueError(f"{where}: {exc}") from None
        if isinstance(value, Sequence) and any(isinstance(v, str) for v in value):
            return [
                _one(v, null_name, f"{where}[{i}]") if isinstance(v, str) else v for i, v in enumerate(value)
            ]
        return value
    return _one(value, null_name, where) if isinstance(value, str) else value


def coerce_addresses(body: Mapping[str, Any], fields: Sequence[tuple[str, bool]]) -> Mapping[str, Any]:
    """``body`` with address strings at ``fields`` turned into address objects.

    Each field is ``(path, name required)``: a path of body keys joined by ``.``, where ``[]`` marks a list
    (``to[]`` is a list of addresses, ``messages[].from`` the sender of each message). A list position takes a
    list of strings and objects, or one string of comma-separated addresses. Anything but a string is left as
    given; an unparsable string is a ValueError naming the argument, raised before anything is sent.
    """
    for path, null_name in fields:
        many = path.endswith("[]")
        body = map_field(body, path, functools.partial(_turn, many=many, null_name=null_name))
    return body
