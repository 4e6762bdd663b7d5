"""A webhook event body as Sendmux delivers it (a `message.bounced`), for the tests that sign and verify one."""

from __future__ import annotations

from typing import Any


def event_body(**overrides: Any) -> dict[str, Any]:
    """A fresh `message.bounced` event body; top-level keys in `overrides` replace the defaults."""
    body: dict[str, Any] = {
        "id": "evt_clabc123",
        "type": "message.bounced",
        "team_public_id": "team_clxyz",
        "occurred_at": "2026-05-21T09:12:00Z",
        "data": {
            "bounce_subtype": "General",
            "bounce_type": "Permanent",
            "complaint_subtype": None,
            "complaint_type": None,
            "delay_expires_at": None,
            "delay_type": None,
            "is_spam": None,
            "mailbox_id": None,
            "message_id": "0100018f2a3b4c5d-provider-id",
            "message_id_kind": "provider",
            "recipients": ["inbox@example.com"],
            "reject_reason": None,
            "sender": "sender@example.com",
            "sendmux_message_id": "msg_cl123",
            "webhook_id": None,
        },
    }
    body.update(overrides)
    return body
