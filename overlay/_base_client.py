"""The client core generated code builds on, under the name openai-python gives it.

The request path lives in small modules, in the order one call goes through them:
`_prepare` (arguments → `Prepared`: auth, headers, idempotency key, ETag, URL from `_urls`) →
`_sync_client` / `_async_client` (pace → send with retries; `_attempt` judges each attempt) →
`_parse` (envelope → ``cast``, pages, feeds, raw responses).  `_client_config` holds the options
both clients share, `_constants` their defaults.
"""

from __future__ import annotations

from ._async_client import AsyncAPIClient
from ._constants import DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_WAIT, DEFAULT_TIMEOUT
from ._parse import get_request_id
from ._sync_client import SyncAPIClient

__all__ = [
    "SyncAPIClient",
    "AsyncAPIClient",
    "DEFAULT_TIMEOUT",
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_MAX_RETRY_WAIT",
    "get_request_id",
]
