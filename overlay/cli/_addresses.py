"""Email addresses as people type them on a command line (pure: no click, no I/O).

``bob@example.com``, ``Bob <bob@example.com>`` or ``"Smith, Bob" <bob@example.com>``; several at once separated by
commas. Parsed with `email.utils.getaddresses`, then checked: the standard parser is lenient and would turn
``bob@example.com extra`` into the address ``bob@example.comextra``.
"""

from __future__ import annotations

import re
from email.utils import getaddresses
from typing import Any

__all__ = ["address_objects", "looks_like_json", "parse_addresses"]

_ADDR = re.compile(r"[^\s@<>()\[\],;:\"]+@[^\s@<>()\[\],;:\"]+")


def parse_addresses(text: str) -> list[tuple[str, str]]:
    """``(name, address)`` pairs of a comma-separated list; ValueError naming the part that is no address."""
    pairs = getaddresses([text])
    if not pairs or not text.strip():
        raise ValueError("no address given")
    for _name, addr in pairs:
        # An address the parser glued together from pieces does not occur in the text as typed.
        if not _ADDR.fullmatch(addr) or addr not in text:
            raise ValueError(f"{text!r} is not an email address (expected addr or 'Name <addr>')")
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


def looks_like_json(text: str) -> bool:
    """Whether an address option's value is JSON (inline, ``@file``, ``-``) rather than address text."""
    stripped = text.lstrip()
    return stripped[:1] in ("{", "[", "@") or stripped == "-"
