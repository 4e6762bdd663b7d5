"""`sendmux fake`: the embedded fake server as a command, in the foreground and detached for scripts."""

from __future__ import annotations

import signal
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from support.cli import BIN, COMMAND, clean_env, run_cli

EXPORTED = [
    "SENDMUX_BASE_URL",
    "SENDMUX_API_KEY",
    "SENDMUX_MAILBOX_BASE_URL",
    "SENDMUX_MAILBOX_API_KEY",
    "SENDMUX_SENDING_BASE_URL",
    "SENDMUX_SENDING_API_KEY",
]


def _exports(text: str) -> dict[str, str]:
    pairs = [line.removeprefix("export ").split("=", 1) for line in text.splitlines()]
    return {name: value for name, value in pairs}


def _listening(url: str) -> bool:
    parts = urlsplit(url)
    with socket.socket() as sock:
        return sock.connect_ex((parts.hostname or "", parts.port or 80)) == 0


def test_help_names_the_command_it_was_run_as() -> None:
    assert run_cli("fake", "--help", env=clean_env()).stdout.startswith("usage: sendmux fake ")
    module = subprocess.run(
        [sys.executable, "-m", "sendmux.testing", "--help"], capture_output=True, text=True, timeout=60
    )
    assert module.stdout.startswith("usage: python -m sendmux.testing ")


@pytest.fixture
def foreground(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    proc = subprocess.Popen(
        [*COMMAND, "fake", "--port", "0", "--seed-demo", "--env-file", str(tmp_path / "fake.env")],
        stdout=subprocess.PIPE,
        text=True,
        env=clean_env(),
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(7)]
        yield proc, lines
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


def test_foreground_prints_what_the_readme_says_and_serves_the_api(
    foreground: tuple[subprocess.Popen[str], list[str]], tmp_path: Path
) -> None:
    proc, lines = foreground
    first, *exports = lines
    settings = _exports("".join(exports))
    assert list(settings) == EXPORTED  # the six `export` lines the README describes
    assert first == f"FakeSendmux listening on {settings['SENDMUX_BASE_URL']} (Ctrl-C to stop)\n"
    env_file = tmp_path / "fake.env"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert _exports(env_file.read_text()) == {**settings, "SENDMUX_FAKE_PID": str(proc.pid)}

    listed = run_cli("domains", "list", "-o", "jsonl", env=clean_env(**settings))
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.splitlines()) == 2  # --seed-demo made two domains

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    assert not env_file.exists()  # removed as the server stopped
    assert not _listening(settings["SENDMUX_BASE_URL"])


SCRIPT = """
sendmux fake --port 0 --seed-demo --detach --env-file fake.env > started.env
stat -c %a fake.env > mode.txt
. ./fake.env
sendmux domains list -o jsonl | wc -l > domains.txt
sendmux mailbox messages list -o jsonl | wc -l > messages.txt
echo "$SENDMUX_BASE_URL" > url.txt
sendmux fake --stop --env-file fake.env
test ! -e fake.env
"""


def test_a_shell_script_starts_uses_and_stops_a_detached_fake(tmp_path: Path) -> None:
    env = clean_env(PATH=f"{BIN}:{clean_env().get('PATH', '')}")
    result = subprocess.run(
        ["bash", "-e", "-c", SCRIPT], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "mode.txt").read_text().strip() == "600"
    assert (tmp_path / "domains.txt").read_text().strip() == "2"
    assert (tmp_path / "messages.txt").read_text().strip() == "3"
    started = _exports((tmp_path / "started.env").read_text())  # --detach prints the env file too
    assert list(started) == [*EXPORTED, "SENDMUX_FAKE_PID"]
    url = (tmp_path / "url.txt").read_text().strip()
    assert started["SENDMUX_BASE_URL"] == url
    assert not _listening(url)  # --stop returned after the server had stopped


def test_detach_and_stop_need_an_env_file_and_stop_says_when_nothing_runs(tmp_path: Path) -> None:
    for flag in ("--detach", "--stop"):
        result = run_cli("fake", flag, env=clean_env())
        assert result.returncode == 2
        assert f"sendmux fake: error: {flag} needs --env-file PATH" in result.stderr
    stale = tmp_path / "stale.env"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    stale.write_text(f"export SENDMUX_FAKE_PID={dead.stdout.strip()}\n")  # a process that has exited
    result = run_cli("fake", "--stop", "--env-file", str(stale), env=clean_env())
    assert result.returncode == 1
    assert "is running; removed" in result.stderr
    assert not stale.exists()
    assert "Traceback" not in result.stderr


def test_a_taken_port_and_a_missing_directory_are_one_line_errors(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        foreground = run_cli("fake", "--port", port, env=clean_env())
        detached = run_cli(
            "fake", "--port", port, "--detach", "--env-file", str(tmp_path / "f.env"), env=clean_env()
        )
    assert foreground.returncode == 1
    assert foreground.stderr.startswith(f"sendmux fake: cannot listen on 127.0.0.1:{port} (")
    assert detached.returncode == 1  # the server's own message, then why the command failed
    assert f"cannot listen on 127.0.0.1:{port}" in detached.stderr
    assert detached.stderr.endswith("sendmux fake: the server did not start\n")
    assert not (tmp_path / "f.env").exists()
    missing = run_cli("fake", "--env-file", str(tmp_path / "no" / "f.env"), env=clean_env())
    assert missing.returncode == 2
    assert f"--env-file: {tmp_path / 'no'} is not a directory" in missing.stderr
    assert "Traceback" not in foreground.stderr + detached.stderr + missing.stderr
