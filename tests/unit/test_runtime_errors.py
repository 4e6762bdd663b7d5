"""Pure error mapping: classes, fields and the one-line str()."""

from __future__ import annotations

import sendmux
from sendmux._errors import (
    APIStatusError,
    ConflictError,
    IdempotencyConflictError,
    InternalServerError,
    LimitExceededError,
    RateLimitError,
    ServiceUnavailableError,
    error_class,
    make_status_error,
)


def test_error_class_by_status_and_code() -> None:
    assert error_class(409, "limit_exceeded") is LimitExceededError
    assert error_class(409, "idempotency_conflict") is IdempotencyConflictError
    assert error_class(409, None) is ConflictError
    assert error_class(429, "limit_exceeded") is RateLimitError  # codes only pick within 409
    assert error_class(503, None) is ServiceUnavailableError
    assert issubclass(ServiceUnavailableError, InternalServerError)
    assert error_class(599, None) is InternalServerError
    assert error_class(451, "x") is APIStatusError


def test_hierarchy_exported() -> None:
    for name in (
        "APIConnectionError APITimeoutError APIResponseValidationError APIStatusError BadRequestError "
        "AuthenticationError PermissionDeniedError NotFoundError ConflictError LimitExceededError "
        "IdempotencyConflictError PayloadTooLargeError UnprocessableEntityError RateLimitError "
        "InternalServerError ServiceUnavailableError WebhookSignatureError"
    ).split():
        assert issubclass(getattr(sendmux, name), sendmux.SendmuxError)
    assert issubclass(sendmux.APITimeoutError, sendmux.APIConnectionError)
    assert issubclass(sendmux.WebhookSignatureError, ValueError)


def test_one_line_even_with_newlines_in_message() -> None:
    err = make_status_error(400, {}, b'{"error": {"code": "invalid_parameter", "message": "a\\nb"}}')
    assert "\n" not in str(err) and "request_id=None" in str(err)


def test_request_id_from_header_when_meta_missing() -> None:
    err = make_status_error(500, {"x-request-id": "req_h"}, b"{}")
    assert err.request_id == "req_h" and err.code is None


def test_auth_headers_redacted() -> None:
    err = make_status_error(400, {"authorization": "Bearer sk_x", "x-a": "1"}, b"")
    assert (
        err.headers is not None and err.headers["authorization"] == "[redacted]" and err.headers["x-a"] == "1"
    )


def test_garbage_fields_ignored() -> None:
    body = b'{"error": {"code": 5, "message": ["x"], "retryable": "yes", "errors": "nope"}, "meta": []}'
    err = make_status_error(422, {}, body, reason="Unprocessable")
    assert err.code is None and err.retryable is None and err.errors == () and err.message == "Unprocessable"


def test_errors_pickle_round_trip() -> None:
    import pickle

    from sendmux._errors import APIConnectionError, NotModifiedError, WebhookSignatureError

    err = make_status_error(
        409,
        {"x-request-id": "r"},
        b'{"error": {"code": "limit_exceeded", "message": "m", "errors": [{"field": "f"}]}}',
        permission="p",
    )
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is type(err) and str(back) == str(err) and back.errors == err.errors
    assert back.headers is not None and back.headers["x-request-id"] == "r"
    for e in (
        APIConnectionError("boom", method="GET", url="u"),
        NotModifiedError(etag="e", request_id="r"),
        WebhookSignatureError("bad"),
    ):
        b = pickle.loads(pickle.dumps(e))
        assert type(b) is type(e) and str(b) == str(e) and vars(b) == vars(e)
