"""Any batch size: Mailbox batch calls with more ids than the spec's `maxItems` (100) go in chunks over
real HTTP to FakeSendmux and come back as one result of the operation's own type, sync and async."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from sendmux import (
    AsyncSendmuxMailbox,
    BadRequestError,
    BatchChunkError,
    InternalServerError,
    SendmuxMailbox,
    ServiceUnavailableError,
)
from sendmux._generated.operations import OP_MAILBOX_BATCH_UPDATE_MESSAGES
from sendmux.testing import FakeSendmux
from sendmux.types import MailboxBatchUpdateMessagesResult

UPDATE = "mailboxBatchUpdateMessages"


@pytest.fixture
def ids(fake: FakeSendmux) -> list[str]:
    return [str(m["id"]) for m in fake.seed_mail("messages", 250)]


@pytest.fixture
def mb(fake: FakeSendmux) -> Iterator[SendmuxMailbox]:
    with SendmuxMailbox(api_key=fake.mailbox_api_key, base_url=fake.url) as client:
        yield client


def sent_ids(fake: FakeSendmux, operation_id: str, since: int) -> list[list[str]]:
    """The `ids` of each request of `operation_id` the fake received after the first `since` requests."""
    return [json.loads(r.body)["ids"] for r in fake.requests[since:] if r.operation_id == operation_id]


def state(mb: SendmuxMailbox, some_id: str) -> str | None:
    """The mailbox's current state token (a one-id batch get reports it)."""
    return mb.messages.batch_get(ids=[some_id]).states.email_state


def test_the_spec_bound_is_on_the_operation_and_the_fake_enforces_it(
    fake: FakeSendmux, mb: SendmuxMailbox, ids: list[str]
) -> None:
    assert (OP_MAILBOX_BATCH_UPDATE_MESSAGES.batch_field, OP_MAILBOX_BATCH_UPDATE_MESSAGES.batch_max) == (
        "ids",
        100,
    )
    # client.request is not a generated method: it sends the body as given, and the fake answers 400.
    with pytest.raises(BadRequestError, match="at most 100"):
        mb.request("POST", "/mailbox/messages:batch-update", body={"ids": ids[:101], "seen": True})


def test_250_ids_update_in_three_chunks_as_one_result(
    fake: FakeSendmux, mb: SendmuxMailbox, ids: list[str]
) -> None:
    before = state(mb, ids[0])
    since = len(fake.requests)
    result = mb.messages.batch_update(ids=[*ids, "msg_missing"], seen=True)
    assert [len(chunk) for chunk in sent_ids(fake, UPDATE, since)] == [100, 100, 51]
    assert isinstance(result, MailboxBatchUpdateMessagesResult)
    assert result.updated == ids and result.not_found == ["msg_missing"] and result.failed == []
    # The mailbox's state before the first chunk and after the last one.
    assert result.states.old_state == before and result.states.new_state == state(mb, ids[0])
    assert result.states.old_state != result.states.new_state
    got = mb.messages.batch_get(ids=ids)  # every message was updated, not only reported
    assert all(item.message.flags.seen for item in got.messages) and len(got.messages) == 250


def test_batch_get_of_150_ids_returns_every_message_in_order(
    fake: FakeSendmux, mb: SendmuxMailbox, ids: list[str]
) -> None:
    wanted = list(reversed(ids[:150]))
    since = len(fake.requests)
    result = mb.messages.batch_get(ids=wanted)
    assert [len(c) for c in sent_ids(fake, "mailboxBatchGetMessages", since)] == [100, 50]
    assert [item.message.id for item in result.messages] == wanted and result.not_found == []


def test_batch_delete_merges_deleted(fake: FakeSendmux, mb: SendmuxMailbox, ids: list[str]) -> None:
    result = mb.messages.batch_delete(ids=ids[:120], permanent=True)
    assert result.deleted == ids[:120] and result.not_found == []
    assert mb.messages.batch_get(ids=ids[:120]).not_found == ids[:120]


def test_if_in_state_with_more_than_100_ids_is_refused_before_anything_is_sent(
    fake: FakeSendmux, mb: SendmuxMailbox, ids: list[str]
) -> None:
    token = state(mb, ids[0])
    since = len(fake.requests)
    with pytest.raises(ValueError, match="if_in_state") as caught:
        mb.messages.batch_update(ids=ids, seen=True, if_in_state=token)
    assert "250 ids" in str(caught.value) and "100" in str(caught.value)
    assert len(fake.requests) == since
    # Within the limit, the precondition goes as one request, as always.
    result = mb.messages.batch_update(ids=ids[:100], seen=True, if_in_state=token)
    assert result.updated == ids[:100] and result.states.old_state == token
    assert [len(c) for c in sent_ids(fake, UPDATE, since)] == [100]


def test_with_raw_response_refuses_to_chunk(fake: FakeSendmux, mb: SendmuxMailbox, ids: list[str]) -> None:
    since = len(fake.requests)
    with pytest.raises(ValueError, match="with_raw_response"):
        mb.messages.with_raw_response.batch_update(ids=ids, seen=True)
    assert len(fake.requests) == since
    raw = mb.messages.with_raw_response.batch_update(ids=ids[:100], seen=True)
    assert raw.parse().updated == ids[:100]


def test_a_failed_chunk_names_its_ids_the_pending_ones_and_the_completed_part(
    fake: FakeSendmux, mb: SendmuxMailbox, ids: list[str]
) -> None:
    fake.faults.add("server_error", route=UPDATE, skip=1, body="json")
    with pytest.raises(BatchChunkError) as caught:
        mb.messages.batch_update(ids=ids, seen=True, max_retries=0)
    err = caught.value
    assert (err.chunk, err.chunks) == (2, 3)
    assert err.failed_ids == ids[100:200] and err.pending_ids == ids[200:]
    assert isinstance(err.completed, MailboxBatchUpdateMessagesResult)
    assert err.completed.updated == ids[:100]
    assert isinstance(err.error, InternalServerError) and err.__cause__ is err.error
    message = str(err)
    assert "chunk 2 of 3" in message and "100 ids" in message and "50 ids not sent" in message
    assert ids[100] in message and ids[150] not in message  # a few ids, not all of them
    # Retrying what is left finishes the batch.
    rest = mb.messages.batch_update(ids=err.failed_ids + err.pending_ids, seen=True)
    assert rest.updated == ids[100:]


def test_a_rate_limited_chunk_is_retried_and_the_call_succeeds(
    fake: FakeSendmux, mb: SendmuxMailbox, ids: list[str]
) -> None:
    # A chunk is retried like any call of its operation: a POST with an Idempotency-Key (each chunk gets
    # its own, `key:n`) is retried after a 429; the fake applies it once.
    rule = fake.faults.add("rate_limit", route=UPDATE, skip=1, retry_after=0)
    since = len(fake.requests)
    result = mb.messages.batch_update(ids=ids, seen=False, extra_headers={"Idempotency-Key": "unread-all"})
    assert rule.hits == 1 and result.updated == ids
    assert [len(c) for c in sent_ids(fake, UPDATE, since)] == [100, 100, 100, 50]  # chunk 2 twice
    keys = [r.headers.get("idempotency-key") for r in fake.requests[since:]]
    assert keys == ["unread-all:1", "unread-all:2", "unread-all:2", "unread-all:3"]


def test_without_a_key_a_rate_limited_chunk_is_resent_but_a_failed_one_is_not(
    fake: FakeSendmux, mb: SendmuxMailbox, ids: list[str]
) -> None:
    # A 429 applied nothing: resent even without a key. A 503 may have been applied: a POST without a
    # key is not repeated (the README's rule), so that chunk fails by name.
    fake.faults.add("rate_limit", route=UPDATE, skip=1, retry_after=0, times=1)
    since = len(fake.requests)
    assert mb.messages.batch_update(ids=ids, seen=False).updated == ids
    assert [len(c) for c in sent_ids(fake, UPDATE, since)] == [100, 100, 100, 50]
    fake.faults.add("unavailable", route=UPDATE, skip=1, retry_after=0, times=1)
    with pytest.raises(BatchChunkError) as caught:
        mb.messages.batch_update(ids=ids, seen=False)
    assert isinstance(caught.value.error, ServiceUnavailableError) and caught.value.failed_ids == ids[100:200]


def test_chunks_wait_out_an_exhausted_rate_limit_window() -> None:
    # The client paces by X-RateLimit-*: the third chunk waits for the window instead of drawing a 429.
    with FakeSendmux(rate_limit=2, rate_window=1.0) as paced:
        mine = [str(m["id"]) for m in paced.seed_mail("messages", 250)]
        with SendmuxMailbox(api_key=paced.mailbox_api_key, base_url=paced.url) as client:
            assert client.messages.batch_update(ids=mine, seen=True).updated == mine
        assert paced.counters.statuses == {200: 3}


def test_a_given_idempotency_key_becomes_one_per_chunk(
    fake: FakeSendmux, mb: SendmuxMailbox, ids: list[str]
) -> None:
    since = len(fake.requests)
    mb.messages.batch_update(ids=ids, seen=True, extra_headers={"Idempotency-Key": "tidy-up"})
    keys = [r.headers.get("idempotency-key") for r in fake.requests[since:]]
    assert keys == ["tidy-up:1", "tidy-up:2", "tidy-up:3"]


# ---- async ---------------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_250_ids_update_in_three_chunks_as_one_result(fake: FakeSendmux, ids: list[str]) -> None:
    async with AsyncSendmuxMailbox(api_key=fake.mailbox_api_key, base_url=fake.url) as amb:
        before = (await amb.messages.batch_get(ids=[ids[0]])).states.email_state
        since = len(fake.requests)
        result = await amb.messages.batch_update(ids=ids, flagged=True)
        assert [len(c) for c in sent_ids(fake, UPDATE, since)] == [100, 100, 50]
        assert isinstance(result, MailboxBatchUpdateMessagesResult) and result.updated == ids
        after = (await amb.messages.batch_get(ids=[ids[0]])).states.email_state
        assert (result.states.old_state, result.states.new_state) == (before, after)
        got = await amb.messages.batch_get(ids=ids[:150])
        assert [item.message.id for item in got.messages] == ids[:150]


@pytest.mark.anyio
async def test_async_refusals_failed_chunk_and_rate_limit(fake: FakeSendmux, ids: list[str]) -> None:
    async with AsyncSendmuxMailbox(api_key=fake.mailbox_api_key, base_url=fake.url) as amb:
        since = len(fake.requests)
        with pytest.raises(ValueError, match="if_in_state"):
            await amb.messages.batch_update(ids=ids, seen=True, if_in_state="s1")
        with pytest.raises(ValueError, match="with_raw_response"):
            await amb.messages.with_raw_response.batch_update(ids=ids, seen=True)
        assert len(fake.requests) == since

        rule = fake.faults.add("rate_limit", route=UPDATE, skip=1, retry_after=0)
        key = {"Idempotency-Key": "seen-all"}
        assert (await amb.messages.batch_update(ids=ids, seen=True, extra_headers=key)).updated == ids
        assert rule.hits == 1

        fake.faults.add("server_error", route=UPDATE, skip=2, body="json")
        with pytest.raises(BatchChunkError) as caught:
            await amb.messages.batch_update(ids=ids, seen=False, max_retries=0)
        err = caught.value
        assert (err.chunk, err.failed_ids, err.pending_ids) == (3, ids[200:], [])
        assert err.completed is not None and err.completed.updated == ids[:200]
        assert isinstance(err.__cause__, InternalServerError)


@pytest.mark.anyio
async def test_async_chunks_wait_out_an_exhausted_rate_limit_window() -> None:
    with FakeSendmux(rate_limit=2, rate_window=1.0) as paced:
        mine = [str(m["id"]) for m in paced.seed_mail("messages", 250)]
        async with AsyncSendmuxMailbox(api_key=paced.mailbox_api_key, base_url=paced.url) as client:
            assert (await client.messages.batch_delete(ids=mine)).deleted == mine
        assert paced.counters.statuses == {200: 3}
