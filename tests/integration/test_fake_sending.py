"""FakeSendmux's Sending API over real sockets (raw httpx): idempotent sends, batch partial failure, the
presigned upload that takes a token and no API key, 402, its own rate limit and its own `/me`."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from support.fake_http import fake_http

from sendmux.testing import FakeSendmux

EMAIL = {
    "from": {"email": "me@example.com"},
    "to": {"email": "bob@example.com"},
    "subject": "Hi",
    "html_body": "<p>Hi</p>",
}


@pytest.fixture
def snd(fake: FakeSendmux) -> Iterator[httpx.Client]:
    with fake_http(fake, "sending") as c:
        yield c


def test_send_reset_after_apply_then_retried_with_the_same_key_sends_once(
    fake: FakeSendmux, snd: httpx.Client
) -> None:
    fake.faults.add("reset_after_apply", route="sendingSendEmail")
    key = {"Idempotency-Key": "order-42"}
    with pytest.raises(httpx.TransportError):
        snd.post("/emails/send", json=EMAIL, headers=key)
    retried = snd.post("/emails/send", json=EMAIL, headers=key)
    assert retried.status_code == 200 and retried.headers["idempotent-replayed"] == "true"
    sent = fake.sent_emails()
    assert len(sent) == 1 and sent[0]["id"] == retried.json()["data"]["message_id"]
    assert fake.counters.replayed["POST /sending/emails/send"] == 1
    other = snd.post("/emails/send", json={**EMAIL, "subject": "Changed"}, headers=key)
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_conflict"


def test_batch_with_a_rejected_recipient_returns_per_item_results(
    fake: FakeSendmux, snd: httpx.Client
) -> None:
    fake.reject_recipients("Blocked@Example.com")
    batch = {"messages": [EMAIL, {**EMAIL, "to": {"email": "blocked@example.com"}}]}
    r = snd.post("/emails/send/batch", json=batch)
    assert r.status_code == 200
    data = r.json()["data"]
    assert data["summary"] == {"total": 2, "queued": 1, "failed": 1}
    ok, failed = data["results"]
    assert ok["status"] == "queued" and ok["message_id"].startswith("eml_") and "error" not in ok
    assert failed == {
        "index": 1,
        "message_id": None,
        "status": "failed",
        "error": {
            "code": "recipient_rejected",
            "message": "The recipient blocked@example.com is on the suppression list.",
            "param": "messages[1].to",
            "retryable": False,
        },
    }
    assert [e["id"] for e in fake.sent_emails()] == [ok["message_id"]]
    single = snd.post("/emails/send", json=batch["messages"][1])
    assert single.status_code == 422 and single.json()["error"]["param"] == "to"
    too_many = snd.post("/emails/send/batch", json={"messages": [EMAIL] * 101})
    assert too_many.status_code == 400


def test_presigned_upload_takes_the_token_and_refuses_an_api_key(
    fake: FakeSendmux, snd: httpx.Client
) -> None:
    created = snd.post(
        "/emails/attachment-uploads",
        json={"filename": "r.pdf", "size_bytes": 4, "content_type": "application/pdf"},
    )
    assert created.status_code == 201 and created.headers["location"].endswith(
        created.json()["data"]["upload_id"]
    )
    intent = created.json()["data"]
    assert intent["upload_url"].startswith(fake.sending_url)
    key_only = httpx.put(
        intent["upload_url"], content=b"%PDF", headers={"Authorization": f"Bearer {fake.mailbox_api_key}"}
    )
    assert key_only.status_code == 401 and key_only.json()["error"]["code"] == "authentication_required"
    wrong = httpx.put(intent["upload_url"], content=b"%PDF", headers={"X-Sendmux-Upload-Token": "upt_forged"})
    assert wrong.status_code == 401
    put = httpx.put(intent["upload_url"], content=b"%PDF", headers=intent["headers"])
    assert put.status_code == 201, put.text
    attachment = put.json()["data"]
    assert attachment["attachment_id"].startswith("att_") and attachment["size_bytes"] == 4
    assert fake.uploaded_attachment(attachment["attachment_id"]) == b"%PDF"
    last = fake.requests[-1]
    assert last.operation_id == "sendingCompleteAttachmentUpload" and "authorization" not in last.headers
    fetched = snd.get(f"/emails/attachments/{attachment['attachment_id']}").json()["data"]
    assert fetched == attachment
    mismatched = snd.post("/emails/attachment-uploads", json={"filename": "s.bin", "size_bytes": 9}).json()[
        "data"
    ]
    token = {"X-Sendmux-Upload-Token": mismatched["headers"]["X-Sendmux-Upload-Token"]}
    short = httpx.put(mismatched["upload_url"], content=b"1234", headers=token)
    assert short.status_code == 422


def test_direct_upload_then_send_with_it(fake: FakeSendmux, snd: httpx.Client) -> None:
    r = snd.post(
        "/emails/attachments",
        params={"filename": "a.csv", "content_type": "text/csv"},
        content=b"a,b\n",
        headers={"Content-Type": "application/octet-stream"},
    )
    assert r.status_code == 201
    att = r.json()["data"]["attachment_id"]
    sent = snd.post("/emails/send", json={**EMAIL, "attachments": [{"attachment_id": att}]})
    assert sent.status_code == 200
    missing = snd.post("/emails/send", json={**EMAIL, "attachments": [{"attachment_id": "att_" + "a" * 24}]})
    assert (
        missing.status_code == 422 and missing.json()["error"]["errors"][0]["code"] == "attachment_not_found"
    )


def test_insufficient_credits_is_402_and_applies_nothing(fake: FakeSendmux, snd: httpx.Client) -> None:
    fake.faults.add("insufficient_credits", route="sendingSendEmail")
    r = snd.post("/emails/send", json=EMAIL)
    assert r.status_code == 402
    assert r.json()["error"] | {"message": ""} == {
        "code": "insufficient_credits",
        "message": "",
        "doc_url": "https://sendmux.ai/docs/api/errors#insufficient_credits",
        "retryable": False,
    }
    assert fake.sent_emails() == []
    assert snd.post("/emails/send", json=EMAIL).status_code == 200


def test_own_rate_limit_me_and_public_spec(fake: FakeSendmux, snd: httpx.Client) -> None:
    me = snd.get("/me")
    assert me.headers["x-ratelimit-limit"] == "1800"
    assert me.json()["data"]["mailboxes"] == [
        {"id": fake.mailbox_id, "email": fake.get("mailboxes", fake.mailbox_id)["email"]}
    ]
    management_me = httpx.get(f"{fake.url}/me", headers={"Authorization": f"Bearer {fake.api_key}"})
    assert management_me.headers["x-ratelimit-limit"] == "600"
    assert management_me.json()["data"]["permissions"] == ["root:full"]
    assert me.json()["data"]["permissions"] == ["email.send", "mailbox.read", "mailbox.settings.update"]
    spec = httpx.get(f"{fake.sending_url}/openapi.json")
    assert spec.status_code == 200 and spec.json()["openapi"].startswith("3.1")
    root = snd.get("/me", headers={"Authorization": f"Bearer {fake.api_key}"})
    assert root.status_code == 401
    with FakeSendmux(sending_rate_limit=2) as tight:
        auth = {"Authorization": f"Bearer {tight.mailbox_api_key}"}
        statuses = [httpx.get(f"{tight.sending_url}/me", headers=auth).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        assert httpx.get(f"{tight.url}/mailbox/me", headers=auth).status_code == 200  # a separate window
