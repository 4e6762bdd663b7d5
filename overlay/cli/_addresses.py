"""Email addresses as people type them on a command line (pure: no click, no I/O); the parser is the runtime's.

``bob@example.com``, ``Bob <bob@example.com>`` or ``"Smith, Bob" <bob@example.com>``; several at once separated by
commas. Parsed with `email.utils.getaddresses`, then checked: the standard parser is lenient and would turn
``bob@example.com extra`` into the address ``bob@example.comextra``.
"""

from __future__ import annotations

from .._addresses import address_objects, parse_addresses

__all__ = ["address_objects", "looks_like_json", "parse_addresses"]


def looks_like_json(text: str) -> bool:
    """Whether an address option's value is JSON (inline, ``@file``, ``-``) rather than address text."""
    stripped = text.lstrip()
    return stripped[:1] in ("{", "[", "@") or stripped == "-"
