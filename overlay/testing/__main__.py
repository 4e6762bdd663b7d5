"""Serve a FakeSendmux on 127.0.0.1 until Ctrl-C (or SIGTERM).

It prints where it listens and six `export SENDMUX_…=…` lines: the base URL and key of the Management, Mailbox
and Sending APIs. For scripts, --env-file PATH writes those lines (and SENDMUX_FAKE_PID) to PATH, mode 0600, once
the server listens, and removes the file when it stops; --detach runs the server in the background and returns
once it listens; --stop --env-file PATH stops the server that wrote PATH.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any

from ._fake import FakeSendmux

__all__ = ["main"]

PID_VARIABLE = "SENDMUX_FAKE_PID"
_START_TIMEOUT = 60.0
_STOP_TIMEOUT = 30.0


def _parser(prog: str) -> argparse.ArgumentParser:
    # No abbreviations: --detach re-runs the same arguments without --detach, so it must be spelled out.
    parser = argparse.ArgumentParser(
        prog=prog,
        description=__doc__,
        allow_abbrev=False,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument(
        "--rate-limit", type=int, default=600, help="requests per key per window (0: unlimited)"
    )
    parser.add_argument("--seed-demo", action="store_true", help="preload a few objects of each kind")
    parser.add_argument(
        "--env-file",
        type=Path,
        metavar="PATH",
        help="write the `export SENDMUX_…=…` lines and SENDMUX_FAKE_PID here once listening (for `. PATH`)",
    )
    parser.add_argument(
        "--detach",
        action="store_true",
        help="run in the background; return once listening, printing the env file (needs --env-file)",
    )
    parser.add_argument(
        "--stop", action="store_true", help="stop the server that wrote --env-file PATH, and wait for it"
    )
    return parser


def settings(fake: FakeSendmux) -> dict[str, str]:
    """The environment a client (or the `sendmux` command) needs to talk to ``fake``."""
    return {
        "SENDMUX_BASE_URL": fake.url,
        "SENDMUX_API_KEY": fake.api_key,
        "SENDMUX_MAILBOX_BASE_URL": fake.url,
        "SENDMUX_MAILBOX_API_KEY": fake.mailbox_api_key,
        "SENDMUX_SENDING_BASE_URL": fake.sending_url,
        "SENDMUX_SENDING_API_KEY": fake.mailbox_api_key,
    }


def export_lines(values: dict[str, str]) -> str:
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in values.items())


def read_env_file(path: Path) -> dict[str, str]:
    """The variables of an env file this module wrote (`export NAME=value` lines)."""
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        words = shlex.split(line)
        if len(words) == 2 and words[0] == "export" and "=" in words[1]:
            name, _, value = words[1].partition("=")
            values[name] = value
    return values


def _write_atomically(path: Path, text: str) -> None:
    # A script polling for the file never reads half of it: write a 0600 temporary file, then rename.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _remove_if_ours(path: Path) -> None:
    """Remove the env file unless another server has written its own there since."""
    with contextlib.suppress(OSError):
        if read_env_file(path).get(PID_VARIABLE) == str(os.getpid()):
            path.unlink()


def _stop_on_sigterm() -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)


def _seed_demo(fake: FakeSendmux) -> None:
    fake.seed("sending_accounts", 3)
    fake.seed("domains", 2, verification_status="verified")
    fake.seed("email_logs", 5)
    fake.seed("transactions", 3)
    for i in range(3):
        fake.add_message(subject=f"Demo message {i}", attachments={"hello.txt": b"hello"} if i == 0 else None)


def _serve(args: argparse.Namespace, prog: str) -> int:
    fake = FakeSendmux(port=args.port, rate_limit=args.rate_limit or None)
    if args.seed_demo:
        _seed_demo(fake)
    try:
        fake.start()
    except OSError as exc:  # the port is taken, or not ours to take
        sys.stderr.write(f"{prog}: cannot listen on 127.0.0.1:{args.port} ({exc.strerror})\n")
        return 1
    _stop_on_sigterm()
    try:
        with fake:
            values = settings(fake)
            if args.env_file is not None:  # before printing: whoever reads the lines may look for the file
                _write_atomically(args.env_file, export_lines({**values, PID_VARIABLE: str(os.getpid())}))
            print(f"FakeSendmux listening on {fake.url} (Ctrl-C to stop)", flush=True)
            print(export_lines(values), end="", flush=True)
            threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        if args.env_file is not None:
            _remove_if_ours(args.env_file)
    return 0


def _detach(env_file: Path, argv: list[str], prog: str) -> int:
    with contextlib.suppress(FileNotFoundError):
        env_file.unlink()  # a file left by an earlier server must not pass for this one
    command = [sys.executable, "-m", __package__ or "sendmux.testing", *(a for a in argv if a != "--detach")]
    options: dict[str, Any] = {}
    if sys.platform == "win32":
        options["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.DETACHED_PROCESS
    else:
        options["start_new_session"] = True  # Ctrl-C in this terminal does not reach the server
    with tempfile.TemporaryFile() as log:
        child = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, **options
        )
        deadline = time.monotonic() + _START_TIMEOUT
        while not env_file.exists():
            if child.poll() is not None or time.monotonic() > deadline:
                if child.poll() is None:
                    child.terminate()
                log.seek(0)
                sys.stderr.write(log.read().decode("utf-8", "replace"))
                sys.stderr.write(f"{prog}: the server did not start\n")
                return 1
            time.sleep(0.05)
    sys.stdout.write(env_file.read_text(encoding="utf-8"))
    sys.stdout.flush()
    return 0


def _stop(env_file: Path, prog: str) -> int:
    try:
        pid = int(read_env_file(env_file)[PID_VARIABLE])
    except (OSError, KeyError, ValueError):
        sys.stderr.write(f"{prog}: {env_file} names no running server ({PID_VARIABLE})\n")
        return 1
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        env_file.unlink(missing_ok=True)  # the server is gone without cleaning up (killed)
        sys.stderr.write(f"{prog}: no server with pid {pid} is running; removed {env_file}\n")
        return 1
    # The server removes the file as the last thing it does, after its socket is closed.
    deadline = time.monotonic() + _STOP_TIMEOUT
    while env_file.exists():
        if time.monotonic() > deadline:
            sys.stderr.write(f"{prog}: pid {pid} did not stop within {_STOP_TIMEOUT:.0f} s\n")
            return 1
        time.sleep(0.05)
    return 0


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    """Run the fake server command (``prog`` names it in help and messages); the exit status."""
    arguments = sys.argv[1:] if argv is None else argv
    prog = prog or f"python -m {__package__}"
    parser = _parser(prog)
    args = parser.parse_args(arguments)
    if (args.detach or args.stop) and args.env_file is None:
        parser.error(f"--{'detach' if args.detach else 'stop'} needs --env-file PATH")
    if args.env_file is not None and not args.env_file.parent.is_dir():
        parser.error(f"--env-file: {args.env_file.parent} is not a directory")
    if args.stop:
        return _stop(args.env_file, prog)
    if args.detach:
        return _detach(args.env_file, arguments, prog)
    return _serve(args, prog)


if __name__ == "__main__":
    sys.exit(main())
