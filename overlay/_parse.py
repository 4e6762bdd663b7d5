"""A call's final response read into what the caller gets: the envelope's data cast to its model,
a page's parts, a feed step, a raw response; the request id attached to the value."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from ._attempt import Result
from ._envelope import envelope_request_id, parse_envelope, parse_pagination
from ._errors import APIResponseValidationError, SendmuxError
from ._pagination import AsyncCursorPage, PageMeta, SyncCursorPage
from ._rate_limit import parse_rate_limit
from ._raw_response import RawResponse

__all__ = ["ResponseParsing", "get_request_id"]

T = TypeVar("T")

# What a generated `from_dict` (or a cast over a list) raises on a body of the wrong shape.
_DECODE_ERRORS = (SendmuxError, LookupError, TypeError, ValueError, AttributeError, RecursionError)


def _attach_request_id(value: object, request_id: str | None) -> None:
    # Generated models declare a private `_request_id` attribute (never an API field name, out of
    # to_dict()/eq); a text response's str simply has nowhere to put it.
    try:
        object.__setattr__(value, "_request_id", request_id)
    except (AttributeError, TypeError):
        pass


def get_request_id(value: object) -> str | None:
    """The request id of the response a returned model or page came from (None if unknown)."""
    rid = getattr(value, "request_id", None) if isinstance(value, (SyncCursorPage, AsyncCursorPage)) else None
    if rid is None:
        rid = getattr(value, "_request_id", None)
    return rid if isinstance(rid, str) else None


def _result_request_id(result: Result, envelope: Mapping[str, Any]) -> str | None:
    if result.from_cache:
        # The body is the cached one; this exchange is the 304's.
        rid: str | None = result.headers.get("x-request-id")
        if rid is not None:
            return rid
    return envelope_request_id(envelope, result.headers)


class ResponseParsing:
    """The client's half that reads a final `Result` into the caller's value (no I/O)."""

    _strict_response_validation: bool  # set by the client's constructor

    def _raw(self, result: Result, parse: Callable[[], T]) -> RawResponse[T]:
        return RawResponse(
            status_code=result.status_code,
            headers=result.headers,
            content=result.content,
            elapsed_ms=result.elapsed_ms,
            from_cache=result.from_cache,
            rate_limit=parse_rate_limit(result.headers, result.seen_at),
            parse=parse,
        )

    def _parse(self, result: Result, cast_to: Callable[[Any], T]) -> T:
        op = result.prep.op
        kind = op.response
        if kind == "empty":
            return cast(T, None)
        headers = result.headers
        if kind == "text":
            value = self._cast(
                result, cast_to, result.content.decode("utf-8", "replace"), headers.get("x-request-id")
            )
            return value
        envelope = parse_envelope(result.content, result.status_code, headers)
        request_id = _result_request_id(result, envelope)
        value = self._cast(result, cast_to, envelope["data"], request_id)
        _attach_request_id(value, request_id)
        return value

    def _chunk_data(self, result: Result) -> tuple[Any, str | None]:
        """One chunk's envelope `data`, undecoded (chunks merge before decoding), and its request id."""
        envelope = parse_envelope(result.content, result.status_code, result.headers)
        return envelope["data"], _result_request_id(result, envelope)

    def _parse_chunks(
        self, last: Result, request_id: str | None, parts: list[Any], cast_to: Callable[[Any], T]
    ) -> T:
        """Chunks' `data` merged (`sendmux._chunking.merge_data`) and decoded once, like one response's;
        the value carries the last chunk's request id."""
        from ._chunking import merge_data

        value = self._cast(last, cast_to, merge_data(parts), request_id)
        _attach_request_id(value, request_id)
        return value

    def _parse_feed(self, result: Result, cast_to: Callable[[Any], T]) -> tuple[T, Mapping[str, Any]]:
        """A feed step's typed value and its raw `data` (where the state token and has_more are read)."""
        envelope = parse_envelope(result.content, result.status_code, result.headers)
        request_id = _result_request_id(result, envelope)
        data = envelope["data"]
        value = self._cast(result, cast_to, data, request_id)
        _attach_request_id(value, request_id)
        return value, data if isinstance(data, Mapping) else {}

    def _tolerant(self, cast_to: Callable[[Any], T]) -> Callable[[Any], T]:
        """`cast_to`, decoding leniently when it fails and the client is not strict (event data)."""
        if self._strict_response_validation:
            return cast_to

        def decode(data: Any) -> T:
            try:
                return cast_to(data)
            except _DECODE_ERRORS:
                from ._model import lenient_decoding

                with lenient_decoding(None):
                    return cast_to(data)

        return decode

    def _cast(self, result: Result, cast_to: Callable[[Any], T], data: Any, request_id: str | None) -> T:
        try:
            return cast_to(data)
        except _DECODE_ERRORS as exc:
            # ModelDecodeError (a SendmuxError) or a generated from_dict tripping over a wrong shape.
            error: BaseException = exc
        if not self._strict_response_validation:
            # Decode again, field by field where needed: odd fields keep their raw value. A body of the
            # wrong shape altogether (not an object, not a list) still fails below.
            from ._model import lenient_decoding  # only on this rare path: keeps attrs out of client import

            try:
                with lenient_decoding(request_id):
                    return cast_to(data)
            except _DECODE_ERRORS as exc:
                error = exc
        raise APIResponseValidationError(
            f"the response data does not match the documented shape: {error}",
            status_code=result.status_code,
            request_id=request_id,
            body=data,
            headers=result.headers,
        ) from error

    def _page_parts(
        self, result: Result, cast_to: Callable[[Any], T]
    ) -> tuple[list[T], bool, str | None, str | None, PageMeta]:
        headers = result.headers
        envelope = parse_envelope(result.content, result.status_code, headers)
        request_id = _result_request_id(result, envelope)
        data, has_more, cursor = parse_pagination(envelope, result.status_code, headers)
        items = self._cast(result, lambda d: [cast_to(x) for x in d], data, request_id)
        meta = envelope.get("meta")
        page_meta = PageMeta(meta if type(meta) is dict else {})
        if request_id is not None and page_meta.get("request_id") != request_id:
            page_meta = PageMeta({**page_meta, "request_id": request_id})
        return items, has_more, cursor, request_id, page_meta
