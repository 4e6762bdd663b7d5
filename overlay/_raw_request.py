"""Calls the generated methods do not cover: ``client.request(method, path)`` for a route newer than the pinned
spec, and ``client.download(url)`` for a presigned ``download_url``. Both become an `Operation` made on
the spot and take the client's one request path (auth, idempotency, retries, typed errors, spans)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ._attempt import Result
from ._envelope import parse_envelope
from ._errors import APIResponseValidationError, ConfigurationError
from ._operation import Operation
from ._urls import check_base_url

__all__ = ["request_operation", "download_operation", "presigned_upload_operation", "request_result"]

_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})


def request_operation(method: object, path: object, surface: str) -> Operation:
    """The operation for ``client.request(method, path)``; ValueError/TypeError naming the bad argument."""
    if not isinstance(method, str) or method.upper() not in _METHODS:
        raise ValueError(f"method must be one of {', '.join(sorted(_METHODS))}, got {method!r}")
    if not isinstance(path, str):
        raise TypeError(f"path must be a str, got {type(path).__name__}")
    if not path.startswith("/") or path.startswith("//") or "://" in path:
        # Relative to the client's base URL only: the credential must never go to another host.
        raise ValueError(f"path must start with '/' and be relative to the client's base URL, got {path!r}")
    if "?" in path or "#" in path:
        raise ValueError("path must not carry a query or fragment: pass query parameters as query={...}")
    if "{" in path or "}" in path:
        raise ValueError("path must be a concrete route: fill in its parameters (no '{...}' templates)")
    if any(segment in (".", "..") for segment in path.split("/")):
        raise ValueError("path must not contain '.' or '..' segments")
    verb = method.upper()
    return Operation(
        operation_id="request",
        http_method=verb,
        path=path,
        resource="",
        method="request",
        permission=None,
        idempotency_key=verb == "POST",  # a create gets a key, reused by every retry, as generated ones do
        surface=surface,
    )


def _presigned_url(url: object, base_url: str, allow_insecure_http: bool) -> str:
    """An absolute URL the API handed out (a path starting with ``/`` is on the base URL's host), held to
    the rules of a base URL: https, or http on loopback; no userinfo."""
    if not isinstance(url, str):
        raise TypeError(f"url must be a str, got {type(url).__name__}")
    if url.startswith("/") and not url.startswith("//"):
        base = urlsplit(base_url)
        url = f"{base.scheme}://{base.netloc}{url}"
    parts = urlsplit(url)
    try:
        # The same rules as a base URL (https, or http on loopback; no userinfo), the query aside.
        check_base_url(parts._replace(query="", fragment="").geturl(), allow_insecure_http)
    except ConfigurationError as exc:
        raise ValueError(f"url: {str(exc).replace('base_url', 'the URL')}") from None
    return url


def download_operation(url: object, base_url: str, surface: str, allow_insecure_http: bool) -> Operation:
    """The operation for ``client.download(url)``: a credential-less GET of a presigned URL."""
    return Operation(
        operation_id="download",
        http_method="GET",
        path=_presigned_url(url, base_url, allow_insecure_http),
        resource="",
        method="download",
        permission=None,
        response="binary",
        surface=surface,
        auth=False,  # a presigned URL authenticates itself; our key must not travel with it
    )


def presigned_upload_operation(
    url: object, base_url: str, surface: str, allow_insecure_http: bool
) -> Operation:
    """The PUT of an upload intent's ``upload_url``: the file's bytes, no credential (the URL is signed)."""
    return Operation(
        operation_id="presigned_upload",
        http_method="PUT",
        path=_presigned_url(url, base_url, allow_insecure_http),
        resource="",
        method="presigned_upload",
        permission=None,
        surface=surface,
        auth=False,
        request_body="binary",
    )


def request_result(result: Result) -> Any:
    """What ``client.request`` returns: the envelope's ``data`` as plain JSON (None for an empty answer)."""
    if result.status_code == 204:
        return None
    content_type = result.headers.get("content-type", "").partition(";")[0].strip().lower()
    if content_type and "json" not in content_type:
        raise APIResponseValidationError(
            f"client.request() reads JSON answers; this route answered {content_type!r} (use the generated "
            "method for downloads and event streams, or client.download(url) for a download_url)",
            status_code=result.status_code,
            request_id=result.headers.get("x-request-id"),
            headers=result.headers,
        )
    if not result.content:
        return None
    return parse_envelope(result.content, result.status_code, result.headers)["data"]
