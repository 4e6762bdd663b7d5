"""Exit status per error class (documented in the README, "Command line"); pure, no imports of the runtime.

Classes are matched by name along the exception's MRO, most specific first, so a class another helper adds
later (say ``InsufficientCreditsError``) gets its own code as soon as it exists and its parent's until then.
"""

from __future__ import annotations

__all__ = ["EXIT_CODES", "EXIT_INTERRUPTED", "EXIT_USAGE", "exit_code_for"]

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

EXIT_CODES: dict[str, int] = {
    "SendmuxError": 1,
    "ConfigurationError": 3,  # no credential, bad base URL, key of the wrong kind
    "APIConnectionError": 4,
    "APITimeoutError": 5,
    "WebhookSignatureError": 6,
    "WebhookPayloadError": 6,
    "APIResponseValidationError": 7,
    "NotModifiedError": 8,  # 304 to an explicit --if-none-match: what you have is current
    "PaginationError": 7,
    "ModelDecodeError": 7,
    "APIStatusError": 9,  # a status without a class of its own
    "BadRequestError": 10,  # 400
    "AuthenticationError": 11,  # 401
    "InsufficientCreditsError": 12,  # 402
    "PermissionDeniedError": 13,  # 403
    "NotFoundError": 14,  # 404
    "ConflictError": 15,  # 409
    "IdempotencyConflictError": 16,  # 409 idempotency_key_reused / in-flight
    "LimitExceededError": 17,  # 409 limit_exceeded
    "PayloadTooLargeError": 18,  # 413
    "UnprocessableEntityError": 19,  # 422
    "RateLimitError": 20,  # 429
    "InternalServerError": 21,  # 5xx
    "ServiceUnavailableError": 22,  # 503
    "WaitTimeoutError": 23,  # `mailbox messages wait`: nothing matched within --timeout
}


def exit_code_for(exc: BaseException) -> int:
    """The code of the most specific known class of ``exc``; 1 for anything else."""
    for cls in type(exc).__mro__:
        code = EXIT_CODES.get(cls.__name__)
        if code is not None and cls.__module__.startswith("sendmux"):
            return code
    return 1
