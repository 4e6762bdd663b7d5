"""Where request bodies take addresses and attachments, found by shape (not by name) in a schema."""

from __future__ import annotations

from generator.body_shapes import address_fields, attachment_fields

ADDR = {
    "type": "object",
    "properties": {"email": {"type": "string"}, "name": {"type": "string"}},
    "required": ["email"],
}
ADDR_NAMED = {**ADDR, "required": ["email", "name"]}
MESSAGE = {
    "type": "object",
    "properties": {
        "from": {"allOf": [ADDR, {}]},
        "to": {"type": "array", "items": ADDR_NAMED},
        "reply_to": {"anyOf": [ADDR, {"type": "null"}]},
        "attachments": {"type": "array", "items": {"type": "object"}},
        "owner": {"type": "object", "properties": {"email": {"type": "string"}, "role": {"type": "string"}}},
    },
}


def test_addresses_by_shape() -> None:
    assert address_fields(MESSAGE) == [("from", False), ("to[]", True), ("reply_to", False)]


def test_batches_nest_their_messages() -> None:
    batch = {"type": "object", "properties": {"messages": {"type": "array", "items": MESSAGE}}}
    assert address_fields(batch) == [
        ("messages[].from", False),
        ("messages[].to[]", True),
        ("messages[].reply_to", False),
    ]
    assert attachment_fields(batch) == ["messages[].attachments"]


def test_no_body_no_fields() -> None:
    assert address_fields(None) == [] and attachment_fields(None) == []
