"""Spec-valid canned bodies: one provider (`ProviderItem`) and cursor pages of `ProviderListItem`.

Deterministic and varied (every provider type, nulls and non-nulls) so decoders take every branch.
Pure and stdlib-only: the server builds its responses from here.
"""

from __future__ import annotations

import json
from typing import Any

PROVIDER_ID = "dprov_clbench0000000000000000001"
PAGE_LIMIT = 100
#: Items behind the plain `/providers` route, so its first page says `has_more` like a real account's.
DEFAULT_TOTAL = 10_000

_TYPES = ("smtp", "gmail_api", "outlook_api", "amazon_ses")
_STATUSES = ("active", "active", "inactive", "error", "pending")


def _ts(i: int, base_day: int = 1) -> str:
    return f"2026-05-{base_day + i % 27:02d}T{i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d}Z"


def provider_list_item(i: int) -> dict[str, Any]:
    kind = _TYPES[i % len(_TYPES)]
    status = _STATUSES[i % len(_STATUSES)]
    smtp = kind == "smtp"
    oauth = kind in ("gmail_api", "outlook_api")
    shared = kind == "amazon_ses"
    rng = {"min": 1 + i % 5, "max": 10 + i % 50}
    return {
        "id": f"dprov_clbench{i:018d}",
        "name": f"Sending account {i}",
        "type": kind,
        "status": status,
        "status_reason": None if status == "active" else "Connection test failed: authentication rejected",
        "is_active": status == "active",
        "is_shared": shared,
        "is_editable": not shared,
        "allowed_actions": {
            "update": not shared,
            "update_variables": True,
            "delete": not shared,
            "activate": status != "active",
            "deactivate": status == "active",
            "test": True,
        },
        "smtp_host": "smtp.example.com" if smtp else None,
        "smtp_port": 587 if smtp else None,
        "smtp_protocol": "starttls" if smtp else None,
        "smtp_username": f"user{i}@example.com" if smtp else None,
        "has_smtp_password": smtp,
        "from_email": None if shared else f"sender{i}@example.com",
        "from_name": None if shared else f"Sender {i}",
        "reply_to_email": f"reply{i}@example.com" if i % 3 == 0 else None,
        "reply_to_name": f"Reply {i}" if i % 3 == 0 else None,
        "oauth_email": f"owner{i}@example.com" if oauth else None,
        "has_refresh_token": oauth,
        "quotas": {
            "per_second": rng if i % 2 == 0 else None,
            "per_minute": {"min": 60, "max": 120},
            "per_hour": None,
            "per_day": {"min": 1000, "max": 2000 + i},
        },
        "percentage": 100 - i % 100 if i % 4 else None,
        "tracking_domain": f"track{i % 10}.example.com" if i % 2 else None,
        "created_at": _ts(i),
        "updated_at": _ts(i + 1),
        "last_tested_at": _ts(i + 2) if i % 3 else None,
        "last_used_at": _ts(i + 3) if i % 2 else None,
    }


def provider_item(i: int) -> dict[str, Any]:
    item = provider_list_item(i)
    item["id"] = PROVIDER_ID
    item["variables"] = {"signature_url": "https://example.com/signature", "team": f"team-{i}"}
    return item


def _meta(n: int) -> dict[str, str]:
    return {"request_id": f"req_clbench{n:018d}"}


def provider_envelope(i: int = 1) -> dict[str, Any]:
    return {"ok": True, "data": provider_item(i), "meta": _meta(i)}


def cursor(offset: int) -> str:
    return f"c{offset}"


def parse_cursor(value: str | None) -> int:
    """Offset named by a cursor from `cursor()`; no or a foreign cursor means the start."""
    if value and value.startswith("c") and value[1:].isdigit():
        return int(value[1:])
    return 0


def page_envelope(offset: int, limit: int, total: int) -> dict[str, Any]:
    end = min(offset + limit, total)
    pagination: dict[str, Any] = {"has_more": end < total}
    if end < total:
        # `next_cursor` is a plain string in the spec (not nullable), so the last page omits it.
        pagination["next_cursor"] = cursor(end)
    return {
        "ok": True,
        "data": [provider_list_item(i) for i in range(offset, end)],
        "meta": _meta(offset),
        "pagination": pagination,
    }


def realtime_event(i: int) -> dict[str, Any]:
    """One `MailboxRealtimeEvent`-shaped event (a received message), as the Mailbox stream sends them."""
    return {
        "event_type": "message.received",
        "team_public_id": "team_clbench",
        "mailbox_id": "mbx_clbench",
        "message_id": f"msg_clbench{i:018d}",
        "message_id_kind": "provider",
        "sender": f"sender{i % 50}@example.com",
        "recipients": ["inbox@example.com"],
        "is_spam": False,
        "message": {
            "id": f"msg_clbench{i:018d}",
            "subject": f"Invoice {i}",
            "preview": "Please find attached",
        },
        "occurred_at": _ts(i),
    }


def event_stream_body(n: int) -> bytes:
    """n events with ids, a heartbeat comment every 50 events (as a live stream sends them)."""
    parts = []
    for i in range(1, n + 1):
        if i % 50 == 0:
            parts.append(b": heartbeat\n\n")
        parts.append(b"event: message.received\nid: %d\ndata: %s\n\n" % (i, dumps(realtime_event(i))))
    return b"".join(parts)


def file_body(size: int) -> bytes:
    """Deterministic, non-repeating-looking bytes for the download scenario."""
    block = bytes((i * 131 + 7) % 256 for i in range(65536))
    return (block * (size // len(block) + 1))[:size]


def dumps(doc: Any) -> bytes:
    return json.dumps(doc, separators=(",", ":")).encode()


def validate_against_spec(spec: dict[str, Any]) -> None:
    """Raise if the canned bodies are not valid for the spec's response schemas (needs jsonschema)."""
    import jsonschema  # type: ignore[import-untyped,unused-ignore]  # typed only with types-jsonschema

    def check(component: str, doc: Any) -> None:
        schema = {"$ref": f"#/components/schemas/{component}", "components": spec["components"]}
        jsonschema.Draft202012Validator(schema).validate(doc)

    check("ProviderItemResponse", provider_envelope())
    check("ProviderItemCursorListResponse", page_envelope(0, PAGE_LIMIT, DEFAULT_TOTAL))
    check("ProviderItemCursorListResponse", page_envelope(900, PAGE_LIMIT, 1000))
