"""Credentials: an API key or OAuth access token, static or a zero-argument callable (called per request)."""

from __future__ import annotations

import os
from collections.abc import Callable

from ._errors import ConfigurationError
from ._surface import DEFAULT_SURFACE, Surface

__all__ = ["Credential", "CredentialSource", "resolve_credential", "check_secret"]

CredentialSource = str | Callable[[], str]


def check_secret(value: object, kind: str) -> str:
    """Refuse anything that is not printable ASCII without spaces; never echo the value."""
    if not isinstance(value, str):
        raise ConfigurationError(f"the {kind} must be a str, got {type(value).__name__}")
    if not value:
        raise ConfigurationError(f"the {kind} is empty")
    if value[:7].lower() == "bearer ":
        # The whole header value pasted in; the stray-newline hint below would mislead.
        raise ConfigurationError(
            f"the {kind} starts with 'Bearer ': pass the key or token alone, the client adds 'Bearer '"
        )
    # Printable ASCII minus space: whitespace/control chars would split or smuggle headers.
    if not value.isascii() or not value.isprintable() or " " in value:
        raise ConfigurationError(
            f"the {kind} contains whitespace, control or non-ASCII characters; check for a stray newline"
        )
    return value


class Credential:
    """Holds the secret; its repr and str never show it."""

    __slots__ = ("_source", "kind", "_static_header", "_check")

    def __init__(
        self, source: CredentialSource, kind: str, check: Callable[[str, str], None] | None = None
    ) -> None:
        self.kind = kind
        self._source = source
        self._check = check
        """Refuses a key of the wrong kind for the client (see `Surface.check_key`)."""
        self._static_header: str | None = None
        if isinstance(source, str):
            secret = check_secret(source, kind)
            if check is not None:
                check(secret, kind)
            self._static_header = "Bearer " + secret
        elif not callable(source):
            raise ConfigurationError(f"the {kind} must be a str or a zero-argument callable returning one")

    @property
    def is_static(self) -> bool:
        return self._static_header is not None

    def header_value(self) -> str:
        """``Bearer <secret>``; a callable source is called now (tokens may refresh)."""
        static = self._static_header
        if static is not None:
            return static
        source = self._source
        assert callable(source)
        try:
            value = source()
        except Exception as exc:  # the provider's own error may be anything; keep its type, not its args
            raise ConfigurationError(f"the {self.kind} provider raised {type(exc).__name__}") from exc
        kind = f"{self.kind} returned by the provider"
        secret = check_secret(value, kind)
        if self._check is not None:
            self._check(secret, kind)
        return "Bearer " + secret

    def __repr__(self) -> str:
        return f"<Credential {self.kind} {'static' if self.is_static else 'callable'} [redacted]>"

    __str__ = __repr__

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("credentials are not picklable")


def resolve_credential(
    api_key: CredentialSource | None,
    access_token: CredentialSource | None,
    surface: Surface = DEFAULT_SURFACE,
) -> Credential:
    """api_key, else access_token, else the surface's env variable; both given is an error.

    Keys of a kind the surface refuses (a Management key on the Mailbox client, ...) fail here.
    """
    if api_key is not None and access_token is not None:
        raise ConfigurationError("pass either api_key or access_token, not both")
    check = surface.check_key if surface.refused_prefixes else None
    if access_token is not None:
        return Credential(access_token, "access_token", check)
    if api_key is None:
        name = surface.api_key_env
        env = os.environ.get(name)
        if env is None or not env.strip():
            raise ConfigurationError(
                f"no credential: pass api_key=... (or access_token=...) or set the {name} environment variable"
            )
        return Credential(env, f"api_key (from {name})", check)
    return Credential(api_key, "api_key", check)
