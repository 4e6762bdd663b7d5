"""What must never reach a message, a log line or an exception: credential headers and token query values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import unquote_plus

__all__ = ["REDACTED", "SECRET_HEADERS", "redact_url", "scrub", "scrub_bytes", "secrets_of"]

REDACTED = "[redacted]"

# Request credentials (the API key, the Sending upload token) and cookies, by lower-case header name.
SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-sendmux-upload-token"}
)

# A query parameter whose name ends in `token` or `secret` (the Mailbox `download_token`, a user's
# `extra_query={"access_token": ...}`): group 1 keeps the name, the value goes.
_SECRET_QUERY = re.compile(r"([?&][^=&#]*(?:token|secret)=)([^&#]*)", re.IGNORECASE)


def redact_url(url: str | None) -> str | None:
    """``url`` with the values of token-like query parameters replaced; path and other parameters kept."""
    if url is None or "?" not in url:
        return url
    return _SECRET_QUERY.sub(lambda m: m[1] + REDACTED, url)


def scrub(text: str, headers: Mapping[str, str], url: str) -> str:
    """``text`` (say, a transport error's message) without any credential this request carried."""
    for secret in secrets_of(headers, url):
        text = text.replace(secret, REDACTED)
    return text


def scrub_bytes(content: bytes, secrets: list[str]) -> bytes:
    """A response body without any of ``secrets`` (a server that echoes the key in an error message)."""
    for secret in secrets:
        encoded = secret.encode("utf-8", "replace")
        if encoded in content:
            content = content.replace(encoded, REDACTED.encode())
    return content


def secrets_of(headers: Mapping[str, str], url: str) -> list[str]:
    """Every credential this request carried (header values, the key inside `Bearer <key>`, token
    query values raw and decoded), longest first, so a whole value goes before a part of it."""
    secrets: list[str] = []
    for name, value in headers.items():
        if name.lower() in SECRET_HEADERS and value:
            secrets.append(value)
            scheme, _, credential = value.partition(" ")
            if credential and scheme.isalpha():
                secrets.append(credential)  # "Bearer <key>": the key alone too
    if "?" in url:
        for match in _SECRET_QUERY.finditer(url):
            if match[2]:
                secrets.extend((match[2], unquote_plus(match[2])))
    return sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)
