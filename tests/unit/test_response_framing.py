"""`ResponseFraming`: which delivered bytes belong to the response in progress (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendmux._framing import ResponseFraming


def _framing(method: bytes = b"GET") -> ResponseFraming:
    f = ResponseFraming()
    f.request(method + b" /x HTTP/1.1\r\n")
    return f


EXTRA = b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged"

RESPONSES = [
    b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n",
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    b"HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n",
    b'HTTP/1.1 304 Not Modified\r\nETag: W/"1"\r\n\r\n',
    b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
]


@pytest.mark.parametrize("response", RESPONSES)
def test_the_response_is_taken_and_what_follows_is_not(response: bytes) -> None:
    f = _framing()
    assert f.take(response + EXTRA) == len(response) and not f.lost


@given(st.sampled_from(RESPONSES), st.lists(st.integers(min_value=1, max_value=7), min_size=1))
def test_any_split_into_reads_gives_the_same_boundary(response: bytes, sizes: list[int]) -> None:
    f = _framing()
    data = response + EXTRA
    taken, at = 0, 0
    while at < len(data):
        size = sizes[at % len(sizes)]
        piece = data[at : at + size]
        used = f.take(piece)
        taken += used
        at += size
        if used < len(piece):
            break
    assert taken == len(response)


def test_a_head_request_has_no_body_whatever_the_length_says() -> None:
    f = _framing(b"HEAD")
    response = b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n"
    assert f.take(response + EXTRA) == len(response)


def test_a_body_without_framing_runs_to_the_end_of_the_connection() -> None:
    f = _framing()
    data = b"HTTP/1.1 200 OK\r\n\r\n" + b"x" * 100 + EXTRA
    assert f.take(data) == len(data)


def test_the_next_request_starts_the_next_response() -> None:
    f = _framing()
    first = RESPONSES[0]
    assert f.take(first) == len(first)
    f.request(b"GET /y HTTP/1.1\r\n")
    assert f.take(first) == len(first)


@pytest.mark.parametrize(
    "garbage",
    [
        b"SSH-2.0-OpenSSH\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
)
def test_bytes_that_are_not_http_are_passed_on_for_the_parser_to_refuse(garbage: bytes) -> None:
    f = _framing()
    assert f.take(garbage + EXTRA) == len(garbage + EXTRA) and f.lost
