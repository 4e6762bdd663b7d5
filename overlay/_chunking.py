"""Any batch size: a batch call with more ids than one request takes, split into chunks and merged back.

An operation with `Operation.batch_field` (a body's required `ids` array with `maxItems`, found by the
generator) takes at most `Operation.batch_max` ids per request.  Given more, the client sends the ids in
order, `batch_max` at a time, each chunk through the same `_prepare`/`_send` as any call (its own retries,
rate-limit pacing, deadline and span), and merges the chunks' envelope `data` before decoding it once, so
the caller gets the operation's own result type.  Pure: no I/O here; the clients run the chunks.

How the chunks' `data` merge (`merge_data`), field by field, in chunk order:
- lists are concatenated (`updated`, `deleted`, `not_found`, `failed`, `messages`): request order;
- mappings merge recursively by the same rules (`states`);
- a field named `old_*` keeps the first chunk's value and every other scalar the last chunk's: so
  `states.old_state` is the mailbox's state before the first chunk and `states.new_state` (and a batch
  get's `states.email_state`) its state after the last one;
- numbers (not booleans) are summed (counts);
- anything else, including a field whose type differs between chunks: the last chunk's value.
These rules name no operation, so a newer spec's fields merge sensibly too.

Refused before anything is sent: a body with `if_in_state` (a state precondition; the first chunk changes
the state, so every later chunk would fail as stale), and `with_raw_response` (it returns one HTTP
response, and a chunked call has several).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._errors import BatchChunkError, SendmuxError
from ._operation import Operation
from ._request_options import RequestOptions

__all__ = ["Chunk", "chunk_error", "merge_data", "plan_chunks", "PRECONDITION_FIELD"]

PRECONDITION_FIELD = "if_in_state"
_IDEMPOTENCY_KEY = "idempotency-key"
_SHOWN_IDS = 5  # how many ids an error message names before "…"


@dataclass(frozen=True, slots=True)
class Chunk:
    """One request of a chunked batch call."""

    number: int
    """From 1."""
    ids: list[Any]
    options: RequestOptions


def _ids_of(op: Operation, options: RequestOptions) -> list[Any] | None:
    body = options.body
    if op.batch_field is None or op.batch_max is None or body is None:
        return None
    ids = body.get(op.batch_field)
    if isinstance(ids, (str, bytes)) or not isinstance(ids, Sequence):
        return None  # not a list: the server says what is wrong with it
    return list(ids)


def plan_chunks(op: Operation, options: RequestOptions, *, raw: bool) -> list[Chunk] | None:
    """The chunks of a call with more ids than `op.batch_max`; None when it fits in one request.

    Raises ValueError (nothing sent) for a body with `if_in_state`, or under `with_raw_response`.
    """
    ids = _ids_of(op, options)
    limit = op.batch_max
    if ids is None or limit is None or len(ids) <= limit:
        return None
    assert op.batch_field is not None and options.body is not None
    many = f"{len(ids)} ids is more than one request of {op.qualified_name} takes ({limit})"
    if options.body.get(PRECONDITION_FIELD) is not None:
        raise ValueError(
            f"{many}, and {PRECONDITION_FIELD} cannot hold across chunks: the first chunk changes the "
            f"state, so every later one would be refused as stale. Pass at most {limit} ids with "
            f"{PRECONDITION_FIELD}, or leave {PRECONDITION_FIELD} out to have the ids sent in chunks"
        )
    total = -(-len(ids) // limit)
    if raw:
        raise ValueError(
            f"{many}: with_raw_response returns one HTTP response, and this call would take "
            f"{total}. Pass at most {limit} ids per raw call, or call without "
            "with_raw_response to have the ids sent in chunks and the results merged"
        )
    chunks = []
    for n in range(total):
        part = ids[n * limit : (n + 1) * limit]
        body = {**options.body, op.batch_field: part}
        chunk_options = options.replace(
            body=body,
            headers=_keyed(options.headers, n + 1),
            extra_headers=_keyed(options.extra_headers, n + 1),
        )
        chunks.append(Chunk(n + 1, part, chunk_options))
    return chunks


def _keyed(headers: Mapping[str, Any] | None, number: int) -> Mapping[str, Any] | None:
    """`headers` with a given Idempotency-Key made this chunk's own (`{key}:{number}`).

    One key names one request body: reused across chunks, the server would answer every chunk with the
    first one's stored result (or refuse the different body). Derived, so a retried call reuses them.
    """
    if not headers or not any(name.lower() == _IDEMPOTENCY_KEY for name in headers):
        return headers
    return {
        name: f"{value}:{number}"
        if name.lower() == _IDEMPOTENCY_KEY and isinstance(value, str) and value.strip()
        else value
        for name, value in headers.items()
    }


def _merge(first: Any, last: Any, name: str | None) -> Any:
    if isinstance(first, list) and isinstance(last, list):
        return [*first, *last]
    if isinstance(first, Mapping) and isinstance(last, Mapping):
        out = dict(first)
        for key, value in last.items():
            out[key] = _merge(out[key], value, key) if key in out else value
        return out
    if name is not None and name.startswith("old_"):
        return first
    numbers = (int, float)
    if (
        isinstance(first, numbers)
        and isinstance(last, numbers)
        and not isinstance(first, bool)
        and not isinstance(last, bool)
    ):
        return first + last
    return last


def merge_data(parts: Sequence[Any]) -> Any:
    """The chunks' envelope `data`, in chunk order, merged into one (rules in the module docstring)."""
    if not parts:
        raise ValueError("merge_data needs at least one chunk's data")
    merged = parts[0]
    for part in parts[1:]:
        merged = _merge(merged, part, None)
    return merged


def _some(ids: list[Any]) -> str:
    shown = ", ".join(str(i) for i in ids[:_SHOWN_IDS])
    return shown + (", …" if len(ids) > _SHOWN_IDS else "")


def chunk_error(
    op: Operation, chunks: list[Chunk], failed: Chunk, error: SendmuxError, completed: Any
) -> BatchChunkError:
    """The error a chunked call raises when `failed` raised `error` (raise it `from error`)."""
    pending = [i for chunk in chunks[failed.number :] for i in chunk.ids]
    done = failed.number - 1
    message = (
        f"{op.qualified_name}: chunk {failed.number} of {len(chunks)} failed "
        f"({len(failed.ids)} ids: {_some(failed.ids)}); {len(pending)} ids not sent"
        + (f" ({_some(pending)})" if pending else "")
        + f"; {done} chunk{'' if done == 1 else 's'} applied (see .completed): {error}"
    )
    return BatchChunkError(
        message,
        error=error,
        failed_ids=list(failed.ids),
        pending_ids=pending,
        completed=completed,
        chunk=failed.number,
        chunks=len(chunks),
    )
