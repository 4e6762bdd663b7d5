"""`sendmux._chunking`, pure: how a long batch splits into chunks and how the chunks' data merge."""

from __future__ import annotations

from typing import Any

import pytest

from sendmux._chunking import merge_data, plan_chunks
from sendmux._errors import BatchChunkError, InternalServerError
from sendmux._generated.operations import OP_MAILBOX_BATCH_GET_MESSAGES, OP_MAILBOX_BATCH_UPDATE_MESSAGES
from sendmux._request_options import RequestOptions

OP = OP_MAILBOX_BATCH_UPDATE_MESSAGES


def options(ids: list[str], **body: Any) -> RequestOptions:
    return RequestOptions(query={"mailbox_id": "mbx_1"}, body={"ids": ids, "seen": True, **body}, timeout=3.0)


def test_ids_split_in_order_other_parts_kept() -> None:
    ids = [f"m{i}" for i in range(250)]
    chunks = plan_chunks(OP, options(ids), raw=False)
    assert chunks is not None
    assert [c.number for c in chunks] == [1, 2, 3]
    assert [c.ids for c in chunks] == [ids[:100], ids[100:200], ids[200:]]
    for chunk in chunks:
        assert chunk.options.body == {"ids": chunk.ids, "seen": True}
        assert chunk.options.query == {"mailbox_id": "mbx_1"} and chunk.options.timeout == 3.0


def test_within_the_limit_or_not_a_list_no_chunks() -> None:
    assert plan_chunks(OP, options([f"m{i}" for i in range(100)]), raw=False) is None
    assert plan_chunks(OP, RequestOptions(body={"ids": "m" * 500}), raw=False) is None
    assert plan_chunks(OP_MAILBOX_BATCH_GET_MESSAGES, RequestOptions(), raw=False) is None
    # A tuple is a list of ids too.
    many = tuple(f"m{i}" for i in range(101))
    chunks = plan_chunks(OP, RequestOptions(body={"ids": many}), raw=False)
    assert chunks is not None and [len(c.ids) for c in chunks] == [100, 1]


def test_refusals_name_the_reason() -> None:
    ids = [f"m{i}" for i in range(101)]
    with pytest.raises(ValueError, match="if_in_state cannot hold across chunks"):
        plan_chunks(OP, options(ids, if_in_state="s1"), raw=False)
    with pytest.raises(ValueError, match="with_raw_response returns one HTTP response"):
        plan_chunks(OP, options(ids), raw=True)
    # if_in_state left out (None) is no precondition.
    assert plan_chunks(OP, options(ids, if_in_state=None), raw=False) is not None


def test_a_given_idempotency_key_is_made_one_per_chunk() -> None:
    opts = RequestOptions(
        body={"ids": [f"m{i}" for i in range(201)]},
        headers={"Idempotency-Key": "k"},
        extra_headers={"idempotency-key": "x", "X-Other": "1"},
    )
    chunks = plan_chunks(OP, opts, raw=False)
    assert chunks is not None
    assert [c.options.headers for c in chunks] == [{"Idempotency-Key": f"k:{n}"} for n in (1, 2, 3)]
    assert chunks[2].options.extra_headers == {"idempotency-key": "x:3", "X-Other": "1"}
    plain = plan_chunks(OP, options([f"m{i}" for i in range(101)]), raw=False)
    assert plain is not None and plain[1].options.headers is None


def test_merge_lists_concatenate_states_span_the_batch() -> None:
    parts = [
        {
            "updated": ["a", "b"],
            "not_found": [],
            "failed": [{"id": "x", "code": "c", "message": "m"}],
            "states": {"old_state": "s1", "new_state": "s2"},
        },
        {
            "updated": ["c"],
            "not_found": ["z"],
            "failed": [],
            "states": {"old_state": "s2", "new_state": "s3"},
        },
    ]
    assert merge_data(parts) == {
        "updated": ["a", "b", "c"],
        "not_found": ["z"],
        "failed": [{"id": "x", "code": "c", "message": "m"}],
        "states": {"old_state": "s1", "new_state": "s3"},
    }
    assert parts[0]["updated"] == ["a", "b"]  # the inputs are left as they were


def test_merge_unknown_shapes_sensibly() -> None:
    parts: list[Any] = [
        {"count": 2, "done": False, "note": "a", "extra": {"n": 1, "old_x": 1}, "first_only": [1]},
        {"count": 3, "done": True, "note": None, "extra": {"n": 4, "old_x": 9}, "later": "new"},
        {"count": 1.5, "done": True, "note": "c", "extra": "changed shape"},
    ]
    assert merge_data(parts) == {
        "count": 6.5,  # numbers sum
        "done": True,  # booleans are not numbers: the last chunk's
        "note": "c",
        "extra": "changed shape",  # a type that changed: the last chunk's
        "first_only": [1],
        "later": "new",
    }
    assert merge_data([{"email_state": "s1"}, {"email_state": "s2"}]) == {"email_state": "s2"}
    assert merge_data([[1], [2, 3]]) == [1, 2, 3]
    with pytest.raises(ValueError):
        merge_data([])


def test_batch_chunk_error_pickles_with_its_parts() -> None:
    import pickle

    cause = InternalServerError("500 internal_error", status_code=500)
    err = BatchChunkError(
        "chunk 2 of 3 failed",
        error=cause,
        failed_ids=["b"],
        pending_ids=["c"],
        completed=None,
        chunk=2,
        chunks=3,
    )
    back = pickle.loads(pickle.dumps(err))
    assert (back.failed_ids, back.pending_ids, back.chunk, back.chunks, str(back)) == (
        ["b"],
        ["c"],
        2,
        3,
        "chunk 2 of 3 failed",
    )
