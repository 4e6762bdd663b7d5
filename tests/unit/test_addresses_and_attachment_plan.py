"""Pure parts of issue 20's send journeys: address strings at body paths, and which files go inline."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from sendmux._addresses import coerce_addresses
from sendmux._attachment_files import AttachmentLimits, AttachmentPlan, guess_content_type

MAILBOX = (("to[]", True), ("from", True))
BATCH = (("messages[].to", False), ("messages[].cc[]", False))


def test_strings_become_objects_in_the_apis_shape() -> None:
    body = {"to": "Bob <bob@x.org>, a@y.org", "from": "me@x.org", "subject": "s"}
    assert coerce_addresses(body, MAILBOX) == {
        "to": [{"email": "bob@x.org", "name": "Bob"}, {"email": "a@y.org", "name": None}],
        "from": {"email": "me@x.org", "name": None},
        "subject": "s",
    }
    assert body["to"] == "Bob <bob@x.org>, a@y.org"  # the caller's dict is untouched


def test_nested_paths_and_objects_pass_through() -> None:
    obj = {"email": "q@r.st"}
    body = {"messages": [{"to": "Ann <a@b.cd>", "cc": ["c@d.ef", obj]}, {"subject": "no to"}]}
    out = coerce_addresses(body, BATCH)
    assert out["messages"][0] == {"to": {"email": "a@b.cd", "name": "Ann"}, "cc": [{"email": "c@d.ef"}, obj]}
    assert out["messages"][1] is body["messages"][1]


def test_unchanged_bodies_are_the_same_object() -> None:
    body = {"to": [{"email": "a@b.cd", "name": None}]}
    assert coerce_addresses(body, MAILBOX) is body


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"to": ["ok@x.org", "bad"]}, r"^to\[1\]: 'bad' is not an email address"),
        ({"from": "a@b.cd, e@f.gh"}, r"^from_: expected one address, got 2"),
        ({"to": "bob@example.com extra"}, r"^to: .* is not an email address"),
        ({"to": ""}, r"^to: no address given"),
    ],
)
def test_bad_strings_name_the_argument(body: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        coerce_addresses(body, MAILBOX)


def test_batch_items_are_named_by_index() -> None:
    with pytest.raises(ValueError, match=r"^messages\[1\]\.to: expected one address"):
        coerce_addresses({"messages": [{}, {"to": "a@b.cd, e@f.gh"}]}, BATCH)


def test_plan_splits_by_the_limits_and_keeps_order(tmp_path: Path) -> None:
    small, big = tmp_path / "a.png", tmp_path / "b.pdf"
    small.write_bytes(b"x" * 10)
    big.write_bytes(b"y" * 100)
    body = {"attachments": [big, {"blob_id": "b1"}, ("c.txt", b"z"), small]}
    plan = AttachmentPlan(body, ["attachments"], max_bytes=None)
    assert [(f.where, f.filename, f.content_type, f.size) for f in plan.files] == [
        ("attachments[0]", "b.pdf", "application/pdf", 100),
        ("attachments[2]", "c.txt", "text/plain", 1),
        ("attachments[3]", "a.png", "image/png", 10),
    ]
    inline, upload = plan.split(AttachmentLimits(inline_max=50, upload_max=1000))
    assert [f.filename for f in inline] == ["c.txt", "a.png"] and [f.filename for f in upload] == ["b.pdf"]
    out = plan.body({0: {"blob_id": "B"}, 1: {"inline": 1}, 2: {"inline": 2}})
    assert out["attachments"] == [{"blob_id": "B"}, {"blob_id": "b1"}, {"inline": 1}, {"inline": 2}]
    assert body["attachments"][0] == big


def test_plan_refuses_a_file_over_the_upload_limit_and_a_nameless_one() -> None:
    plan = AttachmentPlan({"attachments": [("big.iso", b"0" * 11)]}, ["attachments"], max_bytes=None)
    with pytest.raises(ValueError, match=r"attachments\[0\]: 'big.iso' is 11 bytes, over the API's 10-byte"):
        plan.split(AttachmentLimits(inline_max=5, upload_max=10))
    with pytest.raises(TypeError, match=r"attachments\[0\]: this file has no name"):
        AttachmentPlan({"attachments": [io.BytesIO(b"x")]}, ["attachments"], max_bytes=None)
    with pytest.raises(FileNotFoundError):
        AttachmentPlan({"attachments": [Path("/nonexistent/x.txt")]}, ["attachments"], max_bytes=None)


def test_guessed_types() -> None:
    assert guess_content_type("chart.png") == "image/png"
    assert guess_content_type("noext") == "application/octet-stream"
    assert guess_content_type(None) == "application/octet-stream"
