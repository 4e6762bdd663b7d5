"""The operation-name overlays of the Mailbox and Sending surfaces (contract item 9) name every operation of
their surface once, with valid Python names, and apply strictly to their own pinned spec."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from generator.fetch import load_spec
from generator.naming import METHOD_KEY, RESOURCE_KEY
from generator.overlays import OVERLAY_DIR, apply_overlays, overlay_files
from generator.surface import iter_operations
from tests.support.specs import load_sending_spec, surface_of

IDENT = re.compile(r"^[a-z][a-z0-9_]*$")
MAILBOX_NAMES = OVERLAY_DIR / "11-mailbox-names.yaml"
SENDING_NAMES = OVERLAY_DIR / "sending" / "10-names.yaml"


def names(spec: dict[str, Any], surface: str) -> dict[str, tuple[str, str]]:
    out = {}
    for _, _, op in iter_operations(spec):
        if surface_of(op) == surface or surface == "sending":
            out[op["operationId"]] = (op.get(RESOURCE_KEY), op.get(METHOD_KEY))
    return out


@pytest.mark.parametrize(
    ("overlay", "load", "surface", "count"),
    [(MAILBOX_NAMES, load_spec, "mailbox", 42), (SENDING_NAMES, load_sending_spec, "sending", 8)],
)
def test_every_operation_of_the_surface_gets_one_valid_unique_name(
    overlay: Path, load: Any, surface: str, count: int
) -> None:
    named = names(apply_overlays(load(), [overlay]), surface)  # strict: every action must match
    assert len(named) == count
    unnamed = sorted(op for op, (resource, method) in named.items() if not resource or not method)
    assert unnamed == []
    for op, (resource, method) in named.items():
        assert all(IDENT.match(part) for part in resource.split(".")), (op, resource)
        assert IDENT.match(method), (op, method)
    clashes = [name for name, n in Counter(named.values()).items() if n > 1]
    assert clashes == []


def test_the_names_read_as_the_api_nouns() -> None:
    mailbox = names(apply_overlays(load_spec(), [MAILBOX_NAMES]), "mailbox")
    sending = names(apply_overlays(load_sending_spec(), [SENDING_NAMES]), "sending")
    assert mailbox["mailboxListMessages"] == ("messages", "list")
    assert mailbox["mailboxGetMessageAttachment"] == ("attachments", "download")
    assert mailbox["mailboxStreamEvents"] == ("events", "stream")
    assert mailbox["mailboxBatchGetMessages"] == ("messages", "batch_get")
    assert sending["sendingSendEmailBatch"] == ("emails", "send_batch")
    assert sending["sendingCompleteAttachmentUpload"] == ("attachments", "complete_upload")
    assert sending["sendingGetConnection"] == ("connection", "get")
    resources = {resource for resource, _ in mailbox.values()}
    assert resources == {
        "messages",
        "threads",
        "folders",
        "identities",
        "identity",
        "submissions",
        "quotas",
        "usage",
        "changes",
        "events",
        "attachments",
        "session",
        "me",
        "connection",
        "mailboxes",
    }


def test_app_overlays_still_apply_together_and_leave_management_names_alone() -> None:
    spec = load_spec()
    before = names(apply_overlays(spec, [p for p in overlay_files() if p != MAILBOX_NAMES]), "management")
    after = names(apply_overlays(spec), "management")
    assert SENDING_NAMES not in overlay_files()  # the Sending overlays are that spec's alone
    assert before == after and len(after) == 54
