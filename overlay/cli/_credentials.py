"""Which key (and base URL) a command uses, in the documented order, and which APIs a key may serve.

Order, first found wins, for the API the command calls:

1. ``--api-key`` (its base URL: ``--base-url``, else the API's ``SENDMUX_…_BASE_URL``, else the default);
2. ``--profile NAME``;
3. the API's key variable (``SENDMUX_API_KEY``, ``SENDMUX_MAILBOX_API_KEY``, ``SENDMUX_SENDING_API_KEY``), with its
   base URL variable;
4. ``SENDMUX_PROFILE``;
5. the default profile (``sendmux profiles set NAME --default``; the first profile saved is the default until
   another is chosen).

A profile's key goes to ``--base-url`` if given, else the profile's base URL for that API, else the API's
default base URL, never to a base URL from the environment: a key saved for one server is not sent to another
one a shell variable happens to name.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .._auth import check_secret
from ._errors import CLIConfigurationError
from ._profile_store import ProfileFile, read_profiles

if TYPE_CHECKING:
    from .._surface import Surface

__all__ = ["PROFILE_ENV", "Credentials", "apis_for_key", "api_title", "check_key", "key_refusal", "resolve"]

PROFILE_ENV = "SENDMUX_PROFILE"


def api_title(api: str) -> str:
    return api.capitalize()


def key_refusal(api: str, surface: Surface, key: str) -> str | None:
    """Why ``surface`` never takes ``key`` (its kind prefix), in command-line words; None when it may."""
    for prefix in surface.refused_prefixes:
        if key.startswith(prefix):
            takes = " or ".join(f"{p}…" for p in surface.key_prefixes)
            also = f"{takes} keys or an OAuth token" if takes else "other keys"
            return f"a {prefix}… key, which the {api_title(api)} API does not take (it takes {also})"
    return None


def apis_for_key(surfaces: Mapping[str, Surface], key: str) -> list[str]:
    """The APIs a key serves by its prefix; a key of no known kind (an OAuth token) every API that allows it."""
    matching = [name for name, s in surfaces.items() if s.key_prefixes and key.startswith(s.key_prefixes)]
    if matching:
        return matching
    return [name for name, s in surfaces.items() if key_refusal(name, s, key) is None]


@dataclass(frozen=True)
class Credentials:
    api_key: str | None = field(repr=False)
    """None: none given, the client class decides (only for a client without a `Surface`)."""
    base_url: str | None
    """None: the client reads its base URL variable, else its default."""
    source: str
    """Where the key came from, for ``-v`` and messages: never any part of the key."""


def check_key(api: str, surface: Surface, credentials: Credentials) -> None:
    """Refuse a malformed key or one of a kind the API never takes, naming where it came from."""
    key = credentials.api_key
    if key is None:
        return
    check_secret(key, f"key from {credentials.source}")
    refusal = key_refusal(api, surface, key)
    if refusal is not None:
        raise CLIConfigurationError(f"the key from {credentials.source} is {refusal}")


def _from_profile(
    profiles: ProfileFile, name: str, how: str, api: str, surface: Surface, base_url: str | None
) -> Credentials:
    profile = profiles.get(name)
    where = f"profile {name!r}{how}"
    if profile is None:
        raise CLIConfigurationError(
            f"no {where} in {profiles.path}; `sendmux profiles list` shows the saved ones"
        )
    settings = profile.apis.get(api)
    if settings is None or settings.api_key is None:
        raise CLIConfigurationError(
            f"{where} has no key for the {api_title(api)} API; add one: "
            f"sendmux profiles set {name} --api {api} --api-key-stdin"
        )
    return Credentials(settings.api_key, base_url or settings.base_url or surface.default_base_url, where)


def resolve(
    api: str,
    surface: Surface | None,
    *,
    api_key: str | None,
    profile: str | None,
    base_url: str | None,
    environ: Mapping[str, str] | None = None,
    load: Callable[[], ProfileFile] = read_profiles,
) -> Credentials:
    """The credential for one command on ``api``, in the order the module docstring gives."""
    env = os.environ if environ is None else environ
    if api_key:
        return Credentials(api_key, base_url, "--api-key")
    if surface is None:  # a client class that reads no surface settings: flags only
        if profile:
            raise CLIConfigurationError(f"--profile: the {api_title(api)} API has no profile settings")
        return Credentials(None, base_url, "the client's defaults")
    if profile:
        return _from_profile(load(), profile, " (--profile)", api, surface, base_url)
    env_key = env.get(surface.api_key_env, "")
    if env_key.strip():  # passed as set: a stray newline is reported by `check_key`, not silently cut
        return Credentials(env_key, base_url, f"${surface.api_key_env}")
    env_profile = env.get(PROFILE_ENV, "").strip()
    if env_profile:
        return _from_profile(load(), env_profile, f" (${PROFILE_ENV})", api, surface, base_url)
    profiles = load()
    if profiles.default is not None:
        return _from_profile(profiles, profiles.default, " (the default profile)", api, surface, base_url)
    raise CLIConfigurationError(
        f"no credential for the {api_title(api)} API: set {surface.api_key_env}, use --api-key or "
        "--profile, or save a profile: sendmux profiles set NAME --api-key-stdin"
    )
