"""URLs: the base URL's checks, route templates filled with checked path parameters."""

from __future__ import annotations

import enum
import ipaddress
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from ._encoding import encode_path_param
from ._errors import ConfigurationError
from ._operation import Operation
from ._types import Unset

__all__ = ["format_path", "check_base_url"]

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_PATH_PARTS: dict[str, tuple[list[str], list[str]]] = {}
_PLAIN_ID = re.compile(r"[A-Za-z0-9_~-]+").fullmatch  # non-empty and dot-free, so never a dot segment


def format_path(op: Operation, params: Sequence[object]) -> str:
    template = op.path
    cached = _PATH_PARTS.get(template)
    if cached is None:
        pieces = _PLACEHOLDER.split(template)  # literal, name, literal, name, ..., literal
        cached = _PATH_PARTS[template] = (pieces[0::2], pieces[1::2])
    literals, names = cached
    if len(names) != len(params):
        raise TypeError(f"{op.qualified_name}() takes {len(names)} path parameter(s), got {len(params)}")
    if not names:
        return template
    out = [literals[0]]
    for value, name, literal in zip(params, names, literals[1:], strict=True):
        # Typical ids (`mdom_abc123`) need no escaping: skip the general checks.
        out.append(value if type(value) is str and _PLAIN_ID(value) else _path_segment(op, name, value))
        out.append(literal)
    return "".join(out)


def _path_segment(op: Operation, name: str, value: object) -> str:
    """One checked, percent-encoded path segment; the value itself never reaches a message (it may be secret)."""
    where = f"{op.qualified_name}(): path parameter `{name}`"
    if value is None or isinstance(value, Unset):
        raise ValueError(f"{where} is required")
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        hint = "; pass its `.id`" if hasattr(value, "id") else ""
        # Never serialised: a model here would put every field (a webhook secret, say) into the URL and logs.
        raise TypeError(f"{where} must be a str id, got {type(value).__name__}{hint}")
    if isinstance(value, str):
        if not value:
            raise ValueError(f"{where} must not be empty")
        if value in (".", ".."):
            # Dot segments would be normalised away by URL handling; refuse rather than hit another route.
            raise ValueError(f"{where} must not be a dot segment ({value!r})")
    return encode_path_param(value)


def _is_loopback(host: str) -> bool:
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(base_url: str, allow_insecure_http: bool) -> str:
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"base_url must be an http(s) URL with a host, got {base_url!r}")
    if parts.username is not None or parts.password is not None:
        # Never echo it: the userinfo may be a secret.
        raise ConfigurationError("base_url must not contain credentials (user:password@)")
    if parts.query or parts.fragment:
        raise ConfigurationError("base_url must not have a query or fragment")
    if parts.scheme == "http" and not allow_insecure_http and not _is_loopback(parts.hostname):
        raise ConfigurationError(
            f"refusing plain-HTTP base_url {base_url!r}: the credential would travel in clear text; "
            "use https, a loopback host, or allow_insecure_http=True"
        )
    return base_url.rstrip("/")
