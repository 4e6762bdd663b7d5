"""Python client for the Sendmux APIs: Management (`Sendmux`), Mailbox (`SendmuxMailbox`), Sending (`SendmuxSending`).

``import sendmux`` is cheap: names resolve on first use (module ``__getattr__``), so neither httpx nor any
generated module loads until you touch a client, an operation table or a runtime type.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sendmux._version import __version__

if TYPE_CHECKING:
    from sendmux._base_client import DEFAULT_TIMEOUT, AsyncAPIClient, SyncAPIClient, get_request_id
    from sendmux._batches import batch_failures
    from sendmux._decoding import ModelDecodeError
    from sendmux._errors import (
        APIConnectionError,
        APIResponseValidationError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
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
        SendmuxError,
        ServiceUnavailableError,
        UnprocessableEntityError,
        WebhookSignatureError,
    )
    from sendmux._generated.client import (
        AsyncSendmux,
        AsyncSendmuxMailbox,
        AsyncSendmuxSending,
        Sendmux,
        SendmuxMailbox,
        SendmuxSending,
    )
    from sendmux._generated.operations import OPERATIONS
    from sendmux._operation import Operation
    from sendmux._pagination import AsyncCursorPage, AsyncPaginator, PageMeta, SyncCursorPage
    from sendmux._rate_limit import RateLimit
    from sendmux._raw_response import RawResponse
    from sendmux._types import NOT_GIVEN, UNSET, NotGiven, Unset
    from sendmux.webhooks import WebhookPayloadError

    from ._events import AsyncEventStream, EventStream, ServerSentEvent
    from ._feeds import AsyncChangeFeed, ChangeFeed
    from ._files import FileInput
    from ._streaming import AsyncBinaryResponse, BinaryResponse, StreamConsumedError
    from ._surface import Surface

__all__ = [
    "__version__",
    "Sendmux",
    "AsyncSendmux",
    "SendmuxMailbox",
    "AsyncSendmuxMailbox",
    "SendmuxSending",
    "AsyncSendmuxSending",
    "OPERATIONS",
    "batch_failures",
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
    "WebhookPayloadError",
    "ModelDecodeError",
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
    "Sendmux": "sendmux._generated.client",
    "AsyncSendmux": "sendmux._generated.client",
    "SendmuxMailbox": "sendmux._generated.client",
    "AsyncSendmuxMailbox": "sendmux._generated.client",
    "SendmuxSending": "sendmux._generated.client",
    "AsyncSendmuxSending": "sendmux._generated.client",
    "OPERATIONS": "sendmux._generated.operations",
    "batch_failures": "sendmux._batches",
    "SyncAPIClient": "sendmux._base_client",
    "AsyncAPIClient": "sendmux._base_client",
    "DEFAULT_TIMEOUT": "sendmux._base_client",
    "get_request_id": "sendmux._base_client",
    "Operation": "sendmux._operation",
    "SyncCursorPage": "sendmux._pagination",
    "AsyncCursorPage": "sendmux._pagination",
    "AsyncPaginator": "sendmux._pagination",
    "PageMeta": "sendmux._pagination",
    "BinaryResponse": "sendmux._streaming",
    "AsyncBinaryResponse": "sendmux._streaming",
    "StreamConsumedError": "sendmux._streaming",
    "EventStream": "sendmux._events",
    "AsyncEventStream": "sendmux._events",
    "ServerSentEvent": "sendmux._events",
    "ChangeFeed": "sendmux._feeds",
    "AsyncChangeFeed": "sendmux._feeds",
    "FileInput": "sendmux._files",
    "Surface": "sendmux._surface",
    "RateLimit": "sendmux._rate_limit",
    "RawResponse": "sendmux._raw_response",
    "UNSET": "sendmux._types",
    "Unset": "sendmux._types",
    "NOT_GIVEN": "sendmux._types",
    "NotGiven": "sendmux._types",
    "SendmuxError": "sendmux._errors",
    "ConfigurationError": "sendmux._errors",
    "ClientClosedError": "sendmux._errors",
    "PaginationError": "sendmux._errors",
    "NotModifiedError": "sendmux._errors",
    "WebhookSignatureError": "sendmux._errors",
    "WebhookPayloadError": "sendmux.webhooks",
    "ModelDecodeError": "sendmux._decoding",
    "APIConnectionError": "sendmux._errors",
    "APITimeoutError": "sendmux._errors",
    "APIResponseValidationError": "sendmux._errors",
    "ErrorDetail": "sendmux._errors",
    "APIStatusError": "sendmux._errors",
    "BadRequestError": "sendmux._errors",
    "AuthenticationError": "sendmux._errors",
    "InsufficientCreditsError": "sendmux._errors",
    "PermissionDeniedError": "sendmux._errors",
    "NotFoundError": "sendmux._errors",
    "ConflictError": "sendmux._errors",
    "LimitExceededError": "sendmux._errors",
    "IdempotencyConflictError": "sendmux._errors",
    "PayloadTooLargeError": "sendmux._errors",
    "UnprocessableEntityError": "sendmux._errors",
    "RateLimitError": "sendmux._errors",
    "InternalServerError": "sendmux._errors",
    "ServiceUnavailableError": "sendmux._errors",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sendmux' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # resolve once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
