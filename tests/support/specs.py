"""The two pinned specs for tests: the app spec (Management + Mailbox) and the Sending spec.

The Sending spec is read from F's pin once it exists (`openapi/sending/pin.json`), else from the same
wheel by its known sha256 (cached next to the app spec).  Both are verified.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.fetch import CACHE_DIR, fetch_source, load_spec, parse, verify
from generator.surface import iter_operations

ROOT = Path(__file__).resolve().parents[2]
SENDING_SHA256 = "c1f82f9b8944026571d9e66ae84d4bef90e6c575cc8a57127afcdc6e90aa7b0e"
SENDING_SOURCE = {
    "kind": "pypi",
    "package": "sendmux-mcp",
    "version": "2.2.0",
    "member": "sendmux_mcp/openapi/openapi-sending.json",
}
MAILBOX_TAG = "Mailbox API"


def load_sending_spec() -> dict[str, Any]:
    pin_path = ROOT / "openapi" / "sending" / "pin.json"
    pin = json.loads(pin_path.read_text()) if pin_path.exists() else {}
    expected = str(pin.get("sha256", SENDING_SHA256))
    cached = CACHE_DIR / f"{expected}.json"
    if not cached.exists():
        data = fetch_source(pin.get("source", SENDING_SOURCE))
        verify(data, expected, "sending spec")
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(data)
    data = cached.read_bytes()
    verify(data, expected, str(cached))
    return parse(data, str(cached))


def surface_of(op: dict[str, Any]) -> str:
    return "mailbox" if MAILBOX_TAG in (op.get("tags") or []) else "management"


def all_operations() -> list[tuple[str, str, str, dict[str, Any], dict[str, Any]]]:
    """(surface, path, method, operation, its spec) for every operation of both pinned specs."""
    app, sending = load_spec(), load_sending_spec()
    out = [(surface_of(op), path, method, op, app) for path, method, op in iter_operations(app)]
    out += [("sending", path, method, op, sending) for path, method, op in iter_operations(sending)]
    return out
