"""FakeSendmux's Mailbox API over real sockets (raw httpx): the event stream and its resumption, Range
downloads broken mid-body, uploads, change feeds, and which credentials it takes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

import httpx
import pytest
from support.fake_http import fake_http

from sendmux.testing import FakeSendmux
from sendmux.testing._mail_messages import _event_stream
from sendmux.testing._mail_store import store_for


@pytest.fixture
def fake() -> Iterator[FakeSendmux]:
    with FakeSendmux(sse_ping=0.02, sse_retry=0.25) as f:
        yield f


@pytest.fixture
def mb(fake: FakeSendmux) -> Iterator[httpx.Client]:
    with fake_http(fake, "mailbox") as c:
        yield c


def read_events(client: httpx.Client, last_id: str | None, seen: list[dict[str, str]]) -> None:
    """One connection's events (a minimal SSE parser), appended to `seen` as they complete."""
    headers = {"Last-Event-ID": last_id} if last_id is not None else {}
    with client.stream("GET", "/mailbox/events", headers=headers) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        fields: dict[str, str] = {}
        for line in r.iter_lines():
            if line == "":
                if "data" in fields:
                    seen.append(fields)
                fields = {}
            elif not line.startswith(":"):
                name, _, value = line.partition(":")
                fields[name] = fields.get(name, "") + value.strip()


def test_stream_broken_twice_resumes_with_last_event_id_each_event_once_in_order(
    fake: FakeSendmux, mb: httpx.Client
) -> None:
    ids = [fake.emit_mailbox_event(event_type="sync_required") for _ in range(300)]
    fake.close_event_streams()
    rule = fake.faults.add("drop_mid_stream", route="mailboxStreamEvents", times=2, after=110)
    seen: list[dict[str, str]] = []
    last: str | None = "0"
    breaks = 0
    while True:
        try:
            read_events(mb, last, seen)
            break
        except httpx.TransportError:  # dropped mid-event: resume after the last complete one
            breaks += 1
            last = seen[-1]["id"]
    assert breaks == 2 and rule.hits == 2
    assert [int(e["id"]) for e in seen] == ids
    assert all(json.loads(e["data"])["event_type"] == "sync_required" for e in seen)
    resumed = [
        r.headers.get("last-event-id") for r in fake.requests if r.operation_id == "mailboxStreamEvents"
    ]
    # A reset can discard bytes the client had not read yet, so a resume point is at most the drop point.
    assert resumed[0] == "0" and len(resumed) == 3
    assert ids[0] <= int(resumed[1]) < int(resumed[2]) <= ids[219]


def test_heartbeat_comments_retry_and_a_clean_end(fake: FakeSendmux, mb: httpx.Client) -> None:
    box = fake.mailbox_id
    with mb.stream("GET", "/mailbox/events") as r:
        lines = r.iter_lines()
        assert next(lines) == ": ping"  # nothing happened yet: a comment keeps the connection alive
        message = fake.add_message(box, subject="Live", attachments={"a.txt": b"hi"})
        block = []
        for line in lines:
            if line == "" and block and not block[0].startswith(":"):
                break
            if line and not line.startswith(":"):
                block.append(line)
        fake.close_event_streams()
        assert list(lines) == [] or all(x.startswith(":") or x == "" for x in lines)
    fields = dict(line.split(": ", 1) for line in block)
    assert fields["event"] == "message.received" and fields["retry"] == "250"
    data = json.loads(fields["data"])
    assert data["message_id"] == message["id"] and data["message"]["subject"] == "Live"
    assert data["message"]["attachments"][0]["filename"] == "a.txt"


def test_event_types_filter_and_new_subscribers_start_now(fake: FakeSendmux, mb: httpx.Client) -> None:
    fake.add_message(subject="before")
    spam = fake.add_message(subject="spam", spam=True)
    fake.emit_mailbox_event(event_type="sync_required")
    fake.close_event_streams()
    seen: list[dict[str, str]] = []
    read_events(mb, None, seen)
    assert seen == []  # no Last-Event-ID: only what happens after connecting
    with mb.stream(
        "GET",
        "/mailbox/events",
        params={"event_types": "message.received.spam"},
        headers={"Last-Event-ID": "0"},
    ) as r:
        text = r.read().decode()
    assert text.count("event: ") == 1 and spam["id"] in text


def test_download_broken_mid_body_resumes_with_range_and_is_identical(
    fake: FakeSendmux, mb: httpx.Client
) -> None:
    blob = hashlib.sha256(b"seed").digest() * 100_000  # 3.2 MB
    message = fake.add_message(attachments={"data.bin": blob})
    url = f"/mailbox/messages/{message['id']}/attachments/{message['attachments'][0]['id']}"
    fake.faults.add("drop_mid_stream", route="mailboxGetMessageAttachment", after=1_000_000)
    received = bytearray()
    etag = None
    with pytest.raises(httpx.TransportError):
        with mb.stream("GET", url) as r:
            assert r.status_code == 200 and r.headers["content-length"] == str(len(blob))
            etag = r.headers["etag"]
            assert r.headers["content-disposition"] == 'attachment; filename="data.bin"'
            for chunk in r.iter_raw():
                received += chunk
    assert 0 < len(received) < len(blob)
    headers = {"Range": f"bytes={len(received)}-", "If-Range": str(etag)}
    with mb.stream("GET", url, headers=headers) as r:
        assert r.status_code == 206
        assert r.headers["content-range"] == f"bytes {len(received)}-{len(blob) - 1}/{len(blob)}"
        received += r.read()
    assert bytes(received) == blob
    stale = mb.get(url, headers={"Range": "bytes=10-", "If-Range": '"other"'})
    assert stale.status_code == 200 and stale.content == blob  # a changed file comes back whole


def test_uploads_direct_and_presigned_feed_a_send(fake: FakeSendmux, mb: httpx.Client) -> None:
    octet = {"Content-Type": "application/octet-stream"}
    direct = mb.post(
        "/mailbox/attachments:upload", params={"filename": "notes.txt"}, content=b"notes", headers=octet
    )
    assert direct.status_code == 200, direct.text
    assert direct.json()["data"]["content_type"] == "text/plain" and direct.json()["data"]["size_bytes"] == 5
    intent = mb.post(
        "/mailbox/attachment-uploads",
        json={"filename": "a.pdf", "content_type": "application/pdf", "size_bytes": 4},
    ).json()["data"]
    assert intent["method"] == "PUT" and intent["headers"] == {
        "Content-Type": "application/pdf",
        "Content-Length": "4",
    }
    forged = httpx.put(
        intent["upload_url"].replace("signature=", "signature=x"),
        content=b"%PDF",
        headers={"Content-Type": "application/pdf"},
    )
    assert forged.status_code == 401
    put = httpx.put(intent["upload_url"], content=b"%PDF", headers={"Content-Type": "application/pdf"})
    assert put.status_code == 200, put.text
    again = httpx.put(intent["upload_url"], content=b"%PDF", headers={"Content-Type": "application/pdf"})
    assert again.status_code == 401  # a presigned URL works once
    attachments = [
        {"filename": "notes.txt", "content_type": "text/plain", "blob_id": direct.json()["data"]["blob_id"]},
        {"filename": "a.pdf", "content_type": "application/pdf", "blob_id": put.json()["data"]["blob_id"]},
    ]
    sent = mb.post(
        "/mailbox/messages/send",
        json={
            "to": [{"email": "bob@example.com", "name": None}],
            "subject": "Files",
            "attachments": attachments,
        },
    )
    assert sent.status_code == 200, sent.text
    message = mb.get(f"/mailbox/messages/{sent.json()['data']['message_id']}").json()["data"]
    assert [a["filename"] for a in message["attachments"]] == ["notes.txt", "a.pdf"]
    pdf = message["attachments"][1]["id"]
    assert mb.get(f"/mailbox/messages/{message['id']}/attachments/{pdf}").content == b"%PDF"


def test_change_feed_follows_has_more_to_the_current_state(fake: FakeSendmux, mb: httpx.Client) -> None:
    messages = [fake.add_message(subject=f"m{i}", event=False) for i in range(5)]
    made = [m["id"] for m in messages]
    created: list[str] = []
    state = None
    pages = 0
    while True:
        params = {"limit": 2, **({"since_state": state} if state else {})}
        data = mb.get("/mailbox/changes", params=params).json()["data"]
        created += data["created"]
        state, pages = data["new_state"], pages + 1
        if not data["has_more"]:
            break
    assert created == made and pages == 3 and state == fake.mailbox_state()
    mb.patch(f"/mailbox/messages/{made[0]}", json={"seen": True})
    mb.delete(f"/mailbox/messages/{made[1]}", params={"permanent": "true"})
    after = mb.get("/mailbox/changes", params={"since_state": state}).json()["data"]
    assert after["updated"] == [made[0]] and after["destroyed"] == [made[1]] and after["created"] == []
    typed = mb.get("/mailbox/changes", params={"types": "threads", "threads_since_state": state}).json()[
        "data"
    ]
    assert typed["types"]["threads"]["updated"] == [messages[0]["thread_id"]]
    listed = mb.get("/mailbox/messages", params={"limit": 1}).json()
    assert listed["meta"]["sync_state"] == fake.mailbox_state() and listed["pagination"]["has_more"]


def test_credentials_per_api(fake: FakeSendmux) -> None:
    root = httpx.get(f"{fake.url}/mailbox/messages", headers={"Authorization": f"Bearer {fake.api_key}"})
    assert root.status_code == 401 and "smx_mbx_" in root.json()["error"]["message"]
    assert fake.api_key not in root.text
    mbx = httpx.get(f"{fake.url}/domains", headers={"Authorization": f"Bearer {fake.mailbox_api_key}"})
    assert mbx.status_code == 401 and "smx_root_" in mbx.json()["error"]["message"]
    token = fake.create_oauth_token(mailbox_ids=[fake.mailbox_id])
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{fake.url}/domains", headers=auth).status_code == 200
    assert httpx.get(f"{fake.url}/mailbox/messages", headers=auth).status_code == 200
    assert httpx.get(f"{fake.sending_url}/me", headers=auth).json()["data"]["credential"]["type"] == "oauth"
    second = fake.seed("mailboxes")[0]["id"]
    agent = {"Authorization": f"Bearer {fake.create_agent_key([fake.mailbox_id, second])}"}
    ambiguous = httpx.get(f"{fake.url}/mailbox/me", headers=agent)
    assert ambiguous.status_code == 400 and ambiguous.json()["error"]["param"] == "mailbox_id"
    assert (
        httpx.get(f"{fake.url}/mailbox/me", headers=agent, params={"mailbox_id": second}).json()["data"]["id"]
        == second
    )
    stranger = fake.seed("mailboxes")[0]["id"]
    assert (
        httpx.get(f"{fake.url}/mailbox/me", headers=agent, params={"mailbox_id": stranger}).status_code == 404
    )


def test_a_stream_ends_cleanly_after_close_after_with_pings_meanwhile(fake: FakeSendmux) -> None:
    """The generator behind `GET /mailbox/events`, run directly: `close_after` (30 s minimum over HTTP)
    ends it, and idle time is filled with comments, never events."""
    with fake._app.lock:
        store = store_for(fake._team(None), fake.mailbox_id)
    chunks = list(_event_stream(fake._app, store, 0, None, ping=0.01, close_after=0.2, retry_ms=500))
    assert chunks and set(chunks) == {b": ping\n\n"}


def test_seeded_mail_is_served(fake: FakeSendmux, mb: httpx.Client) -> None:
    seeded = fake.seed_mail(
        "messages", 3, each=lambda i: {"subject": f"seeded {i}"}, attachments={"a.txt": b"1"}
    )
    listed = mb.get("/mailbox/messages", params={"sort_direction": "asc"}).json()["data"]
    assert [m["id"] for m in listed] == [m["id"] for m in seeded]
    assert all(m["has_attachments"] for m in listed)
    with pytest.raises(ValueError, match="nme"):
        fake.seed_mail("folders", nme="typo")


def test_uploads_need_a_content_length(fake: FakeSendmux, mb: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"no length "
        yield b"known"

    chunked = mb.post(
        "/mailbox/attachments:upload",
        params={"filename": "a.txt"},
        content=chunks(),
        headers={"Content-Type": "application/octet-stream"},
    )
    assert chunked.status_code == 400 and chunked.json()["error"]["param"] == "Content-Length"
    assert fake.requests[-1].headers.get("transfer-encoding") == "chunked"


def test_send_idempotency_keys_are_per_mailbox(fake: FakeSendmux) -> None:
    second = fake.seed("mailboxes")[0]["id"]
    agent = {
        "Authorization": f"Bearer {fake.create_agent_key([fake.mailbox_id, second])}",
        "Idempotency-Key": "k",
    }
    sends = [
        httpx.post(
            f"{fake.url}/mailbox/messages/send",
            params={"mailbox_id": box},
            headers=agent,
            json={"to": [{"email": "bob@example.com", "name": None}], "subject": f"from {box}"},
        )
        for box in (fake.mailbox_id, second)
    ]
    assert [r.status_code for r in sends] == [200, 200]
    assert sends[0].json()["data"]["message_id"] != sends[1].json()["data"]["message_id"]
    again = httpx.post(
        f"{fake.url}/mailbox/messages/send",
        params={"mailbox_id": second},
        headers=agent,
        json={"to": [{"email": "bob@example.com", "name": None}], "subject": "changed"},
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "idempotency_conflict"


def test_simulated_inbound_mail_lands_in_the_mailbox(fake: FakeSendmux, mb: httpx.Client) -> None:
    log, _ = fake.simulate_inbound(fake.mailbox_id, subject="From outside", spam=True)
    messages = mb.get("/mailbox/messages", params={"q": "outside"}).json()["data"]
    junk = next(f for f in mb.get("/mailbox/folders").json()["data"] if f["role"] == "junk")
    assert len(messages) == 1 and messages[0]["folder_ids"] == [junk["id"]]
    assert log["subject"] == "From outside"


def test_download_url_works_without_an_api_key(fake: FakeSendmux) -> None:
    message = fake.add_message(attachments={"a.txt": b"token bytes"})
    url = message["attachments"][0]["download_url"]
    base = fake.url.removesuffix("/api/v1")
    assert httpx.get(base + url).content == b"token bytes"
    assert httpx.get(base + url, headers={"Range": "bytes=6-"}).content == b"bytes"
    forged = httpx.get(base + url.rsplit("=", 1)[0] + "=dl_forged")
    assert forged.status_code == 401
    bare = httpx.get(base + url.split("?", 1)[0])
    assert bare.status_code == 401


def test_a_message_created_and_destroyed_between_two_states_is_not_reported(
    fake: FakeSendmux, mb: httpx.Client
) -> None:
    start = fake.mailbox_state()
    kept = fake.add_message(subject="kept", event=False)["id"]
    gone = fake.add_message(subject="gone", event=False)["id"]
    assert mb.delete(f"/mailbox/messages/{gone}", params={"permanent": "true"}).status_code == 200
    data = mb.get("/mailbox/changes", params={"since_state": start}).json()["data"]
    assert (data["created"], data["updated"], data["destroyed"]) == ([kept], [], [])
    future = mb.get("/mailbox/changes", params={"since_state": "s99999"})
    assert future.status_code == 400 and future.json()["error"]["param"] == "since_state"


def test_list_filters_by_received_at_after_and_before(fake: FakeSendmux, mb: httpx.Client) -> None:
    old = fake.seed_mail("messages", subject="Old", received_at="2026-01-01T09:00:00.000Z")[0]
    new = fake.seed_mail("messages", subject="New", received_at="2026-01-02T09:00:00.000Z")[0]

    def ids(**params: str) -> list[str]:
        return [m["id"] for m in mb.get("/mailbox/messages", params=params).json()["data"]]

    assert ids(after="2026-01-01T09:00:00.000Z") == [new["id"]]  # exclusive
    assert ids(after="2026-01-01T08:59:59.999Z", sort_direction="asc") == [old["id"], new["id"]]
    assert ids(before="2026-01-02T09:00:00+00:00") == [old["id"]]
    bad = mb.get("/mailbox/messages", params={"after": "yesterday"})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "after"
