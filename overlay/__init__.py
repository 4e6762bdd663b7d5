"""Python client for the Sendmux APIs: Management (`Sendmux`), Mailbox (`SendmuxMailbox`), Sending (`SendmuxSending`).

``import sendmux`` is cheap: names resolve on first use (module ``__getattr__``), so neither httpx nor any
generated module loads until you touch a client, an operation table or a runtime type.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from ._attachments import mailbox_attachment, sending_attachment
    from ._base_client import DEFAULT_TIMEOUT, AsyncAPIClient, SyncAPIClient, get_request_id
    from ._batches import batch_failures
    from ._decoding import ModelDecodeError
    from ._downloads import AsyncBinaryResponse, BinaryResponse, StreamConsumedError
    from ._errors import (
        APIConnectionError,
        APIResponseValidationError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        BatchChunkError,
        ClientClosedError,
        ConfigurationError,
        ConflictError,
        ErrorDetail,
        IdempotencyConflictError,
        InsufficientCreditsError,
        InternalServerError,
        LimitExceededError,
        NotFoundError,
        NotModifiedError,
        PaginationError,
        PayloadTooLargeError,
        PermissionDeniedError,
        RateLimitError,
        ResponseTooLargeError,
        SendmuxError,
        ServiceUnavailableError,
        UnprocessableEntityError,
        WaitTimeoutError,
        WebhookSignatureError,
    )
    from ._events import AsyncEventStream, EventStream, ServerSentEvent
    from ._feeds import AsyncChangeFeed, ChangeFeed
    from ._files import FileInput
    from ._generated.client import (
        AsyncSendmux,
        AsyncSendmuxMailbox,
        AsyncSendmuxSending,
        Sendmux,
        SendmuxMailbox,
        SendmuxSending,
    )
    from ._generated.operations import OPERATIONS
    from ._headers import Headers
    from ._model import present_fields
    from ._operation import Operation
    from ._pagination import AsyncCursorPage, AsyncPaginator, PageMeta, SyncCursorPage
    from ._rate_limit import RateLimit
    from ._raw_response import RawResponse
    from ._retry import RetryPolicy
    from ._surface import Surface
    from ._types import NOT_GIVEN, UNSET, NotGiven, Unset
    from .webhooks import WebhookPayloadError

__all__ = [
    "__version__",
    "Sendmux",
    "AsyncSendmux",
    "SendmuxMailbox",
    "AsyncSendmuxMailbox",
    "SendmuxSending",
    "AsyncSendmuxSending",
    "batch_failures",
    "sending_attachment",
    "mailbox_attachment",
    "OPERATIONS",
    "SyncAPIClient",
    "AsyncAPIClient",
    "DEFAULT_TIMEOUT",
    "get_request_id",
    "Operation",
    "SyncCursorPage",
    "AsyncCursorPage",
    "AsyncPaginator",
    "PageMeta",
    "BinaryResponse",
    "AsyncBinaryResponse",
    "EventStream",
    "AsyncEventStream",
    "ServerSentEvent",
    "ChangeFeed",
    "AsyncChangeFeed",
    "FileInput",
    "Surface",
    "StreamConsumedError",
    "RateLimit",
    "RawResponse",
    "Headers",
    "RetryPolicy",
    "ResponseTooLargeError",
    "BatchChunkError",
    "UNSET",
    "Unset",
    "NOT_GIVEN",
    "NotGiven",
    "SendmuxError",
    "ConfigurationError",
    "ClientClosedError",
    "PaginationError",
    "NotModifiedError",
    "WebhookSignatureError",
    "WaitTimeoutError",
    "WebhookPayloadError",
    "ModelDecodeError",
    "present_fields",
    "APIConnectionError",
    "APITimeoutError",
    "APIResponseValidationError",
    "ErrorDetail",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "InsufficientCreditsError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "LimitExceededError",
    "IdempotencyConflictError",
    "PayloadTooLargeError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "ServiceUnavailableError",
]

_LAZY: dict[str, str] = {
    "Sendmux": "._generated.client",
    "AsyncSendmux": "._generated.client",
    "SendmuxMailbox": "._generated.client",
    "AsyncSendmuxMailbox": "._generated.client",
    "SendmuxSending": "._generated.client",
    "AsyncSendmuxSending": "._generated.client",
    "OPERATIONS": "._generated.operations",
    "batch_failures": "._batches",
    "sending_attachment": "._attachments",
    "mailbox_attachment": "._attachments",
    "SyncAPIClient": "._base_client",
    "AsyncAPIClient": "._base_client",
    "DEFAULT_TIMEOUT": "._base_client",
    "get_request_id": "._base_client",
    "Operation": "._operation",
    "SyncCursorPage": "._pagination",
    "AsyncCursorPage": "._pagination",
    "AsyncPaginator": "._pagination",
    "PageMeta": "._pagination",
    "BinaryResponse": "._downloads",
    "AsyncBinaryResponse": "._downloads",
    "StreamConsumedError": "._downloads",
    "EventStream": "._events",
    "AsyncEventStream": "._events",
    "ServerSentEvent": "._events",
    "ChangeFeed": "._feeds",
    "AsyncChangeFeed": "._feeds",
    "FileInput": "._files",
    "Surface": "._surface",
    "RateLimit": "._rate_limit",
    "RawResponse": "._raw_response",
    "Headers": "._headers",
    "RetryPolicy": "._retry",
    "ResponseTooLargeError": "._errors",
    "BatchChunkError": "._errors",
    "UNSET": "._types",
    "Unset": "._types",
    "NOT_GIVEN": "._types",
    "NotGiven": "._types",
    "SendmuxError": "._errors",
    "ConfigurationError": "._errors",
    "ClientClosedError": "._errors",
    "PaginationError": "._errors",
    "NotModifiedError": "._errors",
    "WebhookSignatureError": "._errors",
    "WaitTimeoutError": "._errors",
    "WebhookPayloadError": ".webhooks",
    "ModelDecodeError": "._decoding",
    "present_fields": "._model",
    "APIConnectionError": "._errors",
    "APITimeoutError": "._errors",
    "APIResponseValidationError": "._errors",
    "ErrorDetail": "._errors",
    "APIStatusError": "._errors",
    "BadRequestError": "._errors",
    "AuthenticationError": "._errors",
    "InsufficientCreditsError": "._errors",
    "PermissionDeniedError": "._errors",
    "NotFoundError": "._errors",
    "ConflictError": "._errors",
    "LimitExceededError": "._errors",
    "IdempotencyConflictError": "._errors",
    "PayloadTooLargeError": "._errors",
    "UnprocessableEntityError": "._errors",
    "RateLimitError": "._errors",
    "InternalServerError": "._errors",
    "ServiceUnavailableError": "._errors",
}


def __getattr__(name: str) -> Any:
    if name == "types":  # the public models, a submodule
        return importlib.import_module(".types", __name__)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # resolve once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
