"""The pinned specs as the Prism contract tests serve them, the credentials per client, and starting Prism.

Imported by name (`contract_specs`) rather than from `conftest`, which several test folders have.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prism_support import PRISM_BIN, ROOT, PrismServer

from generator import config, fetch, overlays, surface

# The event a stream operation serves through Prism (see `_serve_events_as_text`), one of each kind.
EVENT_FRAMES = (
    'id: 1\nevent: message.received\ndata: {"event_type": "message.received", "team_public_id": "team_1", '
    '"mailbox_id": "mbx_1", "message_id": "msg_1", "message_id_kind": "provider", "sender": "a@example.com", '
    '"recipients": ["agent@myagent.mx"], "is_spam": false, "occurred_at": "2026-05-01T10:00:00Z", '
    '"message": {"id": "msg_1", "thread_id": "thr_1", "folder_ids": ["fld_inbox"], "subject": "Invoice", '
    '"preview": "Please find", "from": {"email": "a@example.com", "name": null}, '
    '"to": [{"email": "agent@myagent.mx", "name": "Agent"}], "cc": [], "bcc": [], '
    '"received_at": "2026-05-01T10:00:00Z", "sent_at": null, "size_bytes": 2048, "has_attachments": false, '
    '"keywords": ["$seen"], "flags": {"seen": true, "flagged": false, "draft": false, "answered": false}, '
    '"rfc5322_message_id": null, "body": {"text": "Please find", "html": null, "is_truncated": false, '
    '"max_bytes": 16384}, "attachments": []}}\n\n'
    ": heartbeat\n\n"
    'id: 2\nevent: sync_required\ndata: {"event_type": "sync_required", "team_public_id": "team_1", '
    '"mailbox_id": "mbx_1", "message_id": null, "message_id_kind": null, "sender": null, "recipients": [], '
    '"is_spam": null, "message": null, "occurred_at": "2026-05-01T10:00:01Z"}\n\n'
)
TEST_TOKENS = {
    "management": "smx_root_test_contract_0123456789",
    "mailbox": "smx_mbx_test_contract_0123456789",
    "sending": "smx_mbx_test_contract_0123456789",
}


def serve_events_as_text(spec: dict[str, Any]) -> dict[str, Any]:
    """Prism cannot serialise an object schema as `text/event-stream` (500 NO_COMPLEX_OBJECT_TEXT):
    the Prism copy serves a fixed SSE text instead (two events and a heartbeat), in both modes."""
    for _path, _method, op in surface.iter_operations(spec):
        for response in (op.get("responses") or {}).values():
            media = (
                (response.get("content") or {}).get("text/event-stream")
                if isinstance(response, dict)
                else None
            )
            if isinstance(media, dict):
                media["schema"] = {"type": "string", "enum": [EVENT_FRAMES]}
    return spec


def contract_spec(api: str) -> dict[str, Any]:
    """One pinned spec (wire format, envelopes intact) reduced to its clients' operations.

    Our reviewed overlays are applied first.  They matter to Prism: the spec types ~30 timestamps
    as plain strings without examples, so Prism would serve `"string"` (static) or random words
    (dynamic) where the overlay — and the real API — promise RFC 3339; with `format: date-time`
    Prism generates real timestamps.  SENDMUX_PRISM_OVERLAYS=0 serves the bare subset instead.
    """
    cfg = config.load().specs[api]
    spec = fetch.load_pinned(cfg.pin)
    if os.environ.get("SENDMUX_PRISM_OVERLAYS", "1") != "0":
        spec = overlays.apply_overlays(spec, overlays.overlay_files(cfg.overlays))
    return serve_events_as_text(surface.prune(surface.select_spec(spec, api)))


def _require_prism() -> None:
    if PRISM_BIN.exists():
        return
    msg = f"{PRISM_BIN.relative_to(ROOT)} is missing: run `make prism` (npm ci) to install Prism"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{msg}; CI must install it, so the contract tests may not skip there", pytrace=False)
    pytest.skip(msg)


def serve(
    spec_path: Path, tmp_path_factory: pytest.TempPathFactory, *, dynamic: bool
) -> Iterator[PrismServer]:
    _require_prism()
    log_dir = tmp_path_factory.mktemp("prism-log")
    server = PrismServer(spec_path, log_dir / ("dynamic.log" if dynamic else "static.log"), dynamic=dynamic)
    server.start()
    try:
        yield server
    finally:
        server.stop()
