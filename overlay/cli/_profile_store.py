"""Saved profiles (`sendmux profiles …`): one JSON file in the user's config directory, readable by its owner only.

Where: ``$SENDMUX_CONFIG_DIR/profiles.json`` if that variable is set, else ``$XDG_CONFIG_HOME/sendmux/`` (when
absolute), else ``~/.config/sendmux/``. The directory is made 0700 and the file written 0600 through a temporary
file in the same directory and a rename, so a reader sees the old file or the new one, never half of one.

A profile holds, per API (``management``, ``mailbox``, ``sending``), a key and optionally a base URL. Keys never
appear in a repr or a message here; `mask_key` is the only form of a key meant to be shown.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from ._errors import CLIConfigurationError

__all__ = [
    "CONFIG_DIR_ENV",
    "ApiSettings",
    "Profile",
    "ProfileFile",
    "check_profile_name",
    "config_dir",
    "load_profiles",
    "read_profiles",
    "mask_key",
    "save_profiles",
]

CONFIG_DIR_ENV = "SENDMUX_CONFIG_DIR"
FILE_NAME = "profiles.json"
_FORMAT_VERSION = 1
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_KEY_PREFIX = re.compile(r"smx_[a-z]+_")


@dataclass
class ApiSettings:
    """One API's settings in a profile."""

    api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None
    """None: the API's default base URL (never an environment variable: a profile's key goes where it says)."""

    def to_json(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.api_key is not None:
            out["api_key"] = self.api_key
        if self.base_url is not None:
            out["base_url"] = self.base_url
        return out


@dataclass
class Profile:
    name: str
    apis: dict[str, ApiSettings] = field(default_factory=dict)


@dataclass
class ProfileFile:
    """The whole file: profiles in the order they were first saved, and which one is the default."""

    path: Path
    profiles: dict[str, Profile] = field(default_factory=dict)
    default: str | None = None
    loose_mode: bool = False
    """The file as found was readable or writable by others than its owner (rewritten 0600 on save)."""

    def get(self, name: str) -> Profile | None:
        return self.profiles.get(name)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": _FORMAT_VERSION,
            "default": self.default,
            "profiles": {
                p.name: {api: s.to_json() for api, s in p.apis.items()} for p in self.profiles.values()
            },
        }


def config_dir(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    explicit = env.get(CONFIG_DIR_ENV)
    if explicit:
        return Path(explicit)
    xdg = env.get("XDG_CONFIG_HOME")
    if xdg and os.path.isabs(xdg):  # the XDG spec: a relative value is to be ignored
        return Path(xdg) / "sendmux"
    return Path.home() / ".config" / "sendmux"


def check_profile_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"invalid profile name {name!r}: letters, digits, '.', '_' and '-', starting with a letter or digit"
        )
    return name


def mask_key(key: str) -> str:
    """A key as it may be shown: its kind prefix and last four characters (``smx_root_…abcd``).

    Short keys show no characters at all, so a masked key never gives away much of a secret.
    """
    match = _KEY_PREFIX.match(key)
    prefix = match.group(0) if match else ""
    rest = key[len(prefix) :]
    return f"{prefix}…{rest[-4:]}" if len(rest) >= 16 else f"{prefix}…"


def _bad_file(path: Path, why: str) -> CLIConfigurationError:
    return CLIConfigurationError(
        f"profiles file {path}: {why} (fix or remove it; see `sendmux profiles --help`)"
    )


def _api_settings(path: Path, where: str, raw: object) -> ApiSettings:
    if not isinstance(raw, dict):
        raise _bad_file(path, f"{where} is not an object")
    values: dict[str, str | None] = {}
    for name in ("api_key", "base_url"):
        value = raw.get(name)
        if value is not None and not isinstance(value, str):
            raise _bad_file(path, f"{where}.{name} is not a string")
        values[name] = value
    return ApiSettings(api_key=values["api_key"], base_url=values["base_url"])


def _parse(path: Path, data: object) -> ProfileFile:
    if not isinstance(data, dict) or not isinstance(data.get("profiles", {}), dict):
        raise _bad_file(path, "not a profiles file")
    out = ProfileFile(path)
    for name, apis in data.get("profiles", {}).items():
        if not isinstance(apis, dict):
            raise _bad_file(path, f"profile {name!r} is not an object")
        out.profiles[name] = Profile(
            name, {api: _api_settings(path, f"{name}.{api}", raw) for api, raw in apis.items()}
        )
    default = data.get("default")
    out.default = default if isinstance(default, str) and default in out.profiles else None
    return out


def load_profiles(directory: Path | None = None) -> ProfileFile:
    """The saved profiles; an empty set when there is no file yet."""
    path = (config_dir() if directory is None else directory) / FILE_NAME
    try:
        with open(path, encoding="utf-8") as f:
            mode = os.fstat(f.fileno()).st_mode
            text = f.read()
    except FileNotFoundError:
        return ProfileFile(path)
    except OSError as exc:
        raise _bad_file(path, f"cannot read it ({exc.strerror})") from exc
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise _bad_file(path, "not valid JSON") from exc
    profiles = _parse(path, data)
    profiles.loose_mode = os.name == "posix" and bool(stat.S_IMODE(mode) & 0o077)
    return profiles


def read_profiles(directory: Path | None = None) -> ProfileFile:
    """`load_profiles`, with a warning on stderr when others may read the file (keys in it are secrets)."""
    profiles = load_profiles(directory)
    if profiles.loose_mode:
        click.echo(
            f"sendmux: warning: {profiles.path} is readable by other users; run: chmod 600 {profiles.path}",
            err=True,
        )
    return profiles


def save_profiles(profiles: ProfileFile) -> None:
    """Write the file atomically, mode 0600, in a directory made (or kept) 0700."""
    path = profiles.path
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(path.parent, 0o700)
    # mkstemp creates the file 0600 before anything is written to it.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{FILE_NAME}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(profiles.to_json(), f, indent=2)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    profiles.loose_mode = False
