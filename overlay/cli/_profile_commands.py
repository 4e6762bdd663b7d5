"""`sendmux profiles set | list | show | remove`: saved keys and base URLs per API (see `_profile_store`).

A key is read from stdin only (a hidden prompt on a terminal), never from the command line, where it would stay
in the shell's history; it is shown masked (``smx_root_…abcd``) and nowhere else.
"""

from __future__ import annotations

import sys
from typing import Any, cast

import click

from .._auth import check_secret
from .._errors import ConfigurationError
from ._clients import surfaces
from ._credentials import apis_for_key, key_refusal
from ._errors import CLIError
from ._output import Format, Writer, format_record, format_table
from ._profile_store import (
    ApiSettings,
    Profile,
    ProfileFile,
    check_profile_name,
    mask_key,
    read_profiles,
    save_profiles,
)
from ._settings import CONTEXT_SETTINGS, FORMATS, OUTPUT_HELP, Settings, default_format
from ._tree import SURFACE_CLIENTS
from ._words import cli_words

__all__ = ["profiles_group"]

PROFILES_HELP = """Saved keys and base URLs, one per API, in profiles.json (mode 0600) in $SENDMUX_CONFIG_DIR, else
$XDG_CONFIG_HOME/sendmux, else ~/.config/sendmux.

\b
  sendmux profiles set work --api-key-stdin < key.txt      the key's prefix picks its APIs
  sendmux --profile work domains list                      or SENDMUX_PROFILE=work
  sendmux profiles list / show work / remove work

A command uses the first credential found: --api-key, --profile, the API's SENDMUX_…_API_KEY variable,
SENDMUX_PROFILE, the default profile. Keys are shown masked, never in full.
"""

_API_HELP = (
    "The API the key and base URL are for (repeatable): management, mailbox or sending. Default: the APIs the "
    "key serves by its prefix (smx_root_: management; smx_mbx_ / smx_agent_: mailbox and sending; an OAuth "
    "token: all three)."
)


@click.group(
    "profiles", context_settings=CONTEXT_SETTINGS, help=PROFILES_HELP, short_help="Saved keys per API."
)
def profiles_group() -> None:
    pass


def _read_key() -> str:
    if sys.stdin.isatty():
        key = str(click.prompt("API key", hide_input=True, err=True)).strip()
    else:
        lines = [line.strip() for line in sys.stdin.read().splitlines() if line.strip()]
        if len(lines) != 1:
            raise CLIError(f"--api-key-stdin: expected one key on stdin, got {len(lines)} lines")
        key = lines[0]
    try:
        return check_secret(key, "key from stdin")
    except ConfigurationError as exc:
        raise CLIError(f"--api-key-stdin: {exc}") from exc


def _check_base_url(url: str) -> str:
    from .._urls import check_base_url  # imports httpx: only when a URL is being saved

    try:
        return check_base_url(url, allow_insecure_http=False)
    except ConfigurationError as exc:
        raise CLIError(f"--base-url: {cli_words(str(exc))}") from exc


def _targets(apis: tuple[str, ...], key: str | None, profile: Profile | None, name: str) -> list[str]:
    """The APIs a `set` applies to: --api, else those the key serves, else those the profile holds."""
    known = surfaces()
    for api in apis:
        if api not in known:
            raise CLIError(f"--api {api}: this version of sendmux has no {api} API")
    if apis:
        targets = list(dict.fromkeys(apis))
    elif key is not None:
        targets = apis_for_key(known, key)
    else:
        targets = list(profile.apis) if profile is not None else []
    if not targets:
        raise CLIError(f"say which API with --api (profile {name!r} holds none yet)")
    for api in targets:
        refusal = key_refusal(api, known[api], key) if key is not None else None
        if refusal is not None:
            raise CLIError(f"--api {api}: the key from stdin is {refusal}")
    return targets


def _note(text: str) -> None:
    click.echo(f"sendmux: {text}", err=True)


def _summary(profile: Profile) -> str:
    parts = [
        f"{api} {mask_key(s.api_key) if s.api_key else '(no key)'}"
        + (f" at {s.base_url}" if s.base_url else "")
        for api, s in profile.apis.items()
    ]
    return ", ".join(parts) or "nothing"


@profiles_group.command("set", context_settings=CONTEXT_SETTINGS)
@click.argument("name")
@click.option("--api", "apis", multiple=True, type=click.Choice(list(SURFACE_CLIENTS)), help=_API_HELP)
@click.option(
    "--api-key-stdin",
    is_flag=True,
    help="Read the key (or OAuth token) from stdin; on a terminal, a prompt that does not echo.",
)
@click.option("--base-url", metavar="URL", help="Base URL for the same APIs (default: each API's own).")
@click.option(
    "--default",
    "make_default",
    is_flag=True,
    help="Make this the default profile (the first profile saved is the default until another is chosen).",
)
@click.pass_context
def set_command(
    ctx: click.Context,
    name: str,
    apis: tuple[str, ...],
    api_key_stdin: bool,
    base_url: str | None,
    make_default: bool,
) -> None:
    """Save a key and/or base URL for one or more APIs in profile NAME (what is not given is kept).

    \b
    echo "$SENDMUX_API_KEY" | sendmux profiles set work --api-key-stdin
    sendmux profiles set work --api sending --api-key-stdin --base-url https://smtp.example.test/api/v1
    sendmux profiles set work --default
    """
    settings = ctx.find_object(Settings)
    if settings is not None and settings.api_key:
        raise CLIError("profiles set reads the key from stdin (--api-key-stdin), not --api-key")
    try:
        check_profile_name(name)
    except ValueError as exc:
        raise CLIError(f"NAME: {exc}") from exc
    if not (api_key_stdin or base_url or make_default):
        raise CLIError("nothing to save: give --api-key-stdin, --base-url or --default")
    profiles = read_profiles()
    profile = profiles.get(name)
    if profile is None and not (api_key_stdin or base_url):
        raise CLIError(f"no profile named {name!r} to make the default; save a key first")
    key = _read_key() if api_key_stdin else None
    url = _check_base_url(base_url) if base_url else None
    if key is not None or url is not None:
        profile = profiles.profiles.setdefault(name, profile or Profile(name))
        for api in _targets(apis, key, profile, name):
            entry = profile.apis.setdefault(api, ApiSettings())
            entry.api_key = key if key is not None else entry.api_key
            entry.base_url = url if url is not None else entry.base_url
    if make_default or profiles.default is None:
        profiles.default = name
    save_profiles(profiles)
    assert profile is not None
    default = " (the default)" if profiles.default == name else ""
    _note(f"saved profile {name!r}{default} in {profiles.path}: {_summary(profile)}")


def _writer(ctx: click.Context, output: str | None) -> Writer:
    settings = ctx.find_object(Settings) or Settings()
    fmt = output or settings.output or default_format(sys.stdout)
    return Writer(cast(Format, fmt), sys.stdout, sys.stderr)


def _masked(settings: ApiSettings | None) -> str | None:
    return mask_key(settings.api_key) if settings is not None and settings.api_key else None


@profiles_group.command("list", context_settings=CONTEXT_SETTINGS)
@click.option("-o", "--output", type=click.Choice(FORMATS), help=OUTPUT_HELP)
@click.pass_context
def list_command(ctx: click.Context, output: str | None) -> None:
    """List the saved profiles with their keys masked."""
    profiles = read_profiles()
    rows: list[dict[str, Any]] = [
        {
            "name": p.name,
            "default": p.name == profiles.default,
            **{api: _masked(p.apis.get(api)) for api in SURFACE_CLIENTS},
        }
        for p in profiles.profiles.values()
    ]
    _writer(ctx, output).value(rows)
    if not rows:
        _note(f"no profiles in {profiles.path}; save one: sendmux profiles set NAME --api-key-stdin")


def _find(profiles: ProfileFile, name: str | None) -> Profile:
    if name is None:
        if profiles.default is None:
            raise CLIError("no default profile: name one (sendmux profiles list shows them)")
        name = profiles.default
    profile = profiles.get(name)
    if profile is None:
        raise CLIError(f"no profile named {name!r} in {profiles.path}")
    return profile


@profiles_group.command("show", context_settings=CONTEXT_SETTINGS)
@click.argument("name", required=False)
@click.option("-o", "--output", type=click.Choice(FORMATS), help=OUTPUT_HELP)
@click.pass_context
def show_command(ctx: click.Context, name: str | None, output: str | None) -> None:
    """Show one profile (default: the default one): per API, its key masked and its base URL."""
    profiles = read_profiles()
    profile = _find(profiles, name)
    apis = [{"api": api, "key": _masked(s), "base_url": s.base_url} for api, s in profile.apis.items()]
    writer = _writer(ctx, output)
    record = {"name": profile.name, "default": profile.name == profiles.default, "path": str(profiles.path)}
    if writer.fmt == "table":
        click.echo(format_record(record))
        click.echo("")
        click.echo(format_table(apis))
    else:
        writer.value({**record, "apis": apis})


@profiles_group.command("remove", context_settings=CONTEXT_SETTINGS)
@click.argument("name")
def remove_command(name: str) -> None:
    """Delete profile NAME and its keys."""
    profiles = read_profiles()
    if profiles.profiles.pop(name, None) is None:
        raise CLIError(f"no profile named {name!r} in {profiles.path}")
    was_default = profiles.default == name
    if was_default:
        profiles.default = None
    save_profiles(profiles)
    _note(f"removed profile {name!r}")
    if was_default and profiles.profiles:
        _note("it was the default; choose another with: sendmux profiles set NAME --default")
