"""`sendmux profiles` and the credential order, run as subprocesses against FakeSendmux over loopback.

Which key a command used is read off the request the fake received (its Authorization header), so every
precedence case is checked end to end; no output of any command may contain a key.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from support.cli import clean_env, run_cli

from sendmux.testing import FakeSendmux

Run = Callable[..., subprocess.CompletedProcess[str]]
DEAD_URL = "http://127.0.0.1:9/api/v1"  # nothing listens on port 9: a request there fails at once


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return tmp_path / "home" / "sendmux"  # made by the first `profiles set`


@pytest.fixture
def cli(config: Path) -> Run:
    def cli(*args: str, input: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, input=input, env=clean_env(SENDMUX_CONFIG_DIR=str(config), **env))

    return cli


def _key_used(fake: FakeSendmux) -> str:
    return fake.requests[-1].headers["authorization"].removeprefix("Bearer ")


def _never_shown(key: str, *results: subprocess.CompletedProcess[str]) -> None:
    for result in results:
        text = result.stdout + result.stderr
        assert key not in text
        assert key[-5:] not in text  # a masked key shows four characters at most


def test_a_profile_is_stored_0600_used_by_profile_and_never_printed(
    fake: FakeSendmux, cli: Run, config: Path
) -> None:
    key = fake.create_key(["root:full"])
    saved = cli("profiles", "set", "work", "--api-key-stdin", "--base-url", fake.url, input=f"{key}\n")
    assert saved.returncode == 0, saved.stderr
    path = config / "profiles.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(config.stat().st_mode) == 0o700
    assert [p.name for p in config.iterdir()] == ["profiles.json"]  # no temporary file left behind
    stored = json.loads(path.read_text())
    assert stored["default"] == "work"
    assert stored["profiles"]["work"] == {"management": {"api_key": key, "base_url": fake.url}}

    used = cli("--profile", "work", "-v", "connection", "get", SENDMUX_BASE_URL=DEAD_URL)
    assert used.returncode == 0, used.stderr
    assert _key_used(fake) == key
    assert "credential from profile 'work' (--profile)" in used.stderr
    after = cli("domains", "list", "--profile", "work")  # after the command, as every global option
    assert after.returncode == 0, after.stderr
    assert _key_used(fake) == key

    listed = cli("profiles", "list", "-o", "json")
    assert json.loads(listed.stdout) == [
        {
            "name": "work",
            "default": True,
            "management": f"smx_root_…{key[-4:]}",
            "mailbox": None,
            "sending": None,
        }
    ]
    shown = cli("profiles", "show", "work", "-o", "json")
    assert json.loads(shown.stdout)["apis"] == [
        {"api": "management", "key": f"smx_root_…{key[-4:]}", "base_url": fake.url}
    ]
    table = cli("profiles", "show", "-o", "table")  # the default profile
    assert f"smx_root_…{key[-4:]}" in table.stdout
    denied = cli("--profile", "work", "domains", "get", "mdom_missing")
    assert denied.returncode == 14
    _never_shown(key, saved, used, after, listed, shown, table, denied)


@pytest.fixture
def keys(fake: FakeSendmux, cli: Run) -> dict[str, str]:
    """Five Management keys, saved as a profile each but for `flag` and `env`; `default` is the default."""
    keys = {
        name: fake.create_key(["root:full"]) for name in ("flag", "profile", "env", "env_profile", "default")
    }
    for name in ("profile", "env_profile", "default"):
        args = ["profiles", "set", name, "--api-key-stdin", "--base-url", fake.url]
        saved = cli(*args, *(["--default"] if name == "default" else []), input=keys[name])
        assert saved.returncode == 0, saved.stderr
    return keys


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (("--api-key", "{flag}", "--profile", "profile"), ("env", "env_profile"), "flag"),
        (("--profile", "profile"), ("env", "env_profile"), "profile"),
        ((), ("env", "env_profile"), "env"),
        ((), ("env_profile",), "env_profile"),
        ((), (), "default"),
    ],
    ids=["api-key-flag", "profile-flag", "key-variable", "profile-variable", "default-profile"],
)
def test_credential_order(
    fake: FakeSendmux,
    cli: Run,
    keys: dict[str, str],
    args: tuple[str, ...],
    env: tuple[str, ...],
    expected: str,
) -> None:
    variables = {"SENDMUX_BASE_URL": fake.url}
    if "env" in env:
        variables["SENDMUX_API_KEY"] = keys["env"]
    if "env_profile" in env:
        variables["SENDMUX_PROFILE"] = "env_profile"
    result = cli(*(a.format(**keys) for a in args), "-v", "connection", "get", **variables)
    assert result.returncode == 0, result.stderr
    assert _key_used(fake) == keys[expected]
    for key in keys.values():
        _never_shown(key, result)


def test_base_url_order(fake: FakeSendmux, cli: Run) -> None:
    key = fake.create_key(["root:full"])
    assert cli("profiles", "set", "p", "--api-key-stdin", "--base-url", DEAD_URL, input=key).returncode == 0
    # A profile's key never goes to a base URL from the environment; --base-url overrides the profile's.
    via_profile = cli("--profile", "p", "connection", "get", SENDMUX_BASE_URL=fake.url)
    assert via_profile.returncode == 4  # the profile's (dead) URL, not $SENDMUX_BASE_URL
    overridden = cli("--profile", "p", "--base-url", fake.url, "connection", "get", SENDMUX_BASE_URL=DEAD_URL)
    assert overridden.returncode == 0, overridden.stderr
    assert _key_used(fake) == key


def test_one_mailbox_key_serves_mailbox_and_sending(fake: FakeSendmux, cli: Run) -> None:
    key = fake.mailbox_api_key
    mailbox = cli("profiles", "set", "agent", "--api-key-stdin", "--base-url", fake.url, input=key)
    assert mailbox.returncode == 0, mailbox.stderr
    sending = cli(
        "profiles", "set", "agent", "--api", "sending", "--base-url", fake.sending_url, input=""
    )  # a base URL alone updates the named API and keeps its key
    assert sending.returncode == 0, sending.stderr
    stored = json.loads(cli("profiles", "show", "agent", "-o", "json").stdout)["apis"]
    assert [(a["api"], a["base_url"]) for a in stored] == [
        ("mailbox", fake.url),
        ("sending", fake.sending_url),
    ]

    fake.add_message(subject="For the agent", event=False)
    listed = cli("mailbox", "messages", "list", "-o", "jsonl")
    assert listed.returncode == 0, listed.stderr
    assert [json.loads(line)["subject"] for line in listed.stdout.splitlines()] == ["For the agent"]
    assert _key_used(fake) == key
    me = cli("sending", "connection", "get")
    assert me.returncode == 0, me.stderr
    assert fake.requests[-1].path == "/sending/api/v1/me" and _key_used(fake) == key
    management = cli("domains", "list")
    assert management.returncode == 3
    assert "profile 'agent' (the default profile) has no key for the Management API" in management.stderr
    assert "sendmux profiles set agent --api management --api-key-stdin" in management.stderr
    _never_shown(key, mailbox, sending, listed, me, management)


def test_a_management_key_is_refused_for_mailbox_and_sending(
    fake: FakeSendmux, cli: Run, config: Path
) -> None:
    key = fake.api_key
    for api in ("mailbox", "sending"):
        refused = cli("profiles", "set", "x", "--api", api, "--api-key-stdin", input=key)
        assert refused.returncode == 2
        assert (
            f"--api {api}: the key from stdin is a smx_root_… key, which the {api.title()} API"
            in refused.stderr
        )
        _never_shown(key, refused)
    assert not config.exists()  # nothing written
    # Without --api the key's prefix picks its API: Management only.
    saved = cli("profiles", "set", "x", "--api-key-stdin", input=key)
    assert saved.returncode == 0, saved.stderr
    assert [a["api"] for a in json.loads(cli("profiles", "show", "x", "-o", "json").stdout)["apis"]] == [
        "management"
    ]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("set", "work", "--api-key-stdin"), "", "expected one key on stdin, got 0 lines"),
        (("set", "work", "--api-key-stdin"), "a\nb\n", "expected one key on stdin, got 2 lines"),
        (("set", "work", "--api-key-stdin"), "smx_root_ab cd", "contains whitespace"),
        (("set", "no good", "--api-key-stdin"), "smx_root_abcd", "NAME: invalid profile name 'no good'"),
        (("set", "work", "--base-url", "https://api.example.test"), "", "say which API with --api"),
        (
            ("set", "work", "--api-key-stdin", "--base-url", "http://api.example.test"),
            "k",
            "--base-url: refusing",
        ),
        (("set", "work"), "", "nothing to save"),
        (("set", "work", "--default"), "", "no profile named 'work'"),
        (("show", "work"), "", "no profile named 'work'"),
        (("show",), "", "no default profile"),
        (("remove", "work"), "", "no profile named 'work'"),
    ],
)
def test_bad_profile_commands_are_usage_errors(
    cli: Run, config: Path, args: tuple[str, ...], stdin: str, message: str
) -> None:
    result = cli("profiles", *args, input=stdin)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert not config.exists()


def test_a_key_on_the_command_line_is_refused_by_set(cli: Run, config: Path) -> None:
    key = "smx_root_" + "c" * 40
    result = cli("--api-key", key, "profiles", "set", "work", "--api-key-stdin", input=key)
    assert result.returncode == 2
    assert "reads the key from stdin (--api-key-stdin), not --api-key" in result.stderr
    assert not config.exists()


def test_remove_and_defaults(fake: FakeSendmux, cli: Run) -> None:
    first, second = fake.create_key(["root:full"]), fake.create_key(["root:full"])
    assert (
        cli("profiles", "set", "first", "--api-key-stdin", "--base-url", fake.url, input=first).returncode
        == 0
    )
    assert (
        cli("profiles", "set", "second", "--api-key-stdin", "--base-url", fake.url, input=second).returncode
        == 0
    )
    assert cli("connection", "get").returncode == 0 and _key_used(fake) == first  # the first saved
    assert cli("profiles", "set", "second", "--default").returncode == 0
    assert cli("connection", "get").returncode == 0 and _key_used(fake) == second

    removed = cli("profiles", "remove", "second")
    assert removed.returncode == 0
    assert "it was the default" in removed.stderr
    rows = json.loads(cli("profiles", "list").stdout)
    assert [(r["name"], r["default"]) for r in rows] == [("first", False)]
    none = cli("connection", "get")
    assert none.returncode == 3
    assert (
        "no credential for the Management API: set SENDMUX_API_KEY, use --api-key or --profile" in none.stderr
    )
    assert "pass api_key" not in none.stderr


def test_a_file_others_can_read_is_warned_about_and_a_broken_one_named(
    fake: FakeSendmux, cli: Run, config: Path
) -> None:
    assert cli("profiles", "set", "w", "--api-key-stdin", input=fake.api_key).returncode == 0
    path = config / "profiles.json"
    os.chmod(path, 0o644)
    listed = cli("profiles", "list")
    assert listed.returncode == 0
    assert f"{path} is readable by other users; run: chmod 600 {path}" in listed.stderr
    assert cli("profiles", "set", "w", "--default").returncode == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # rewritten 0600

    path.write_text("{not json")
    broken = cli("connection", "get")
    assert broken.returncode == 3
    assert f"profiles file {path}: not valid JSON" in broken.stderr


def test_help_states_the_credential_order(cli: Run) -> None:
    root = " ".join(cli("--help").stdout.split())
    assert (
        "Credentials, first found wins: --api-key, --profile NAME, the API's variable (SENDMUX_API_KEY, "
        "SENDMUX_MAILBOX_API_KEY, SENDMUX_SENDING_API_KEY), SENDMUX_PROFILE, the default profile" in root
    )
    profiles = " ".join(cli("profiles", "--help").stdout.split())
    assert (
        "A command uses the first credential found: --api-key, --profile, the API's SENDMUX_…_API_KEY "
        "variable, SENDMUX_PROFILE, the default profile." in profiles
    )
