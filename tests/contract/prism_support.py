"""Start and stop a Prism mock server, and read the violations it reports.

Prism reports what it found wrong in the `sl-violations` response header: a JSON list of
`{"location": [...], "severity": ..., "code": ..., "message": ...}`.  A location starting with
"request" is our fault (the client sent something the spec does not allow); one starting with
"response" is the spec's fault (its own examples do not match its schemas).  When a request is
invalid and the spec has no 4xx response to show, Prism answers 422 `application/problem+json`
with the violations in the body's `validation` list instead of the header.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
PRISM_BIN = ROOT / "node_modules" / ".bin" / "prism"
# Generous: a cold `node` start plus spec parsing; this guards a hang, it is not a performance check.
STARTUP_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 10.0
TEST_API_KEY = "smx_root_test_contract_0123456789"


@dataclass(frozen=True)
class Violation:
    location: tuple[str | int, ...]
    severity: str
    code: str | int
    message: str

    @property
    def is_request(self) -> bool:
        return bool(self.location) and self.location[0] == "request"

    def __str__(self) -> str:
        where = ".".join(str(part) for part in self.location)
        return f"[{self.severity}] {where}: {self.message} ({self.code})"


def _violation(raw: Mapping[str, Any]) -> Violation:
    return Violation(
        location=tuple(raw.get("location") or ()),
        severity=str(raw.get("severity", "")),
        code=raw.get("code", ""),
        message=str(raw.get("message", "")),
    )


TRUNCATED_MARK = "Too many violations! "


def parse_violations(headers: Mapping[str, str]) -> list[Violation]:
    """The violations of one response's `sl-violations` header (none when absent).

    Over ~8 KiB Prism sends `Too many violations! ` and a JSON list cut mid-way; we keep every
    complete entry.  That loses no request violation: Prism lists the request's before the
    response's, so a cut list either already shows one or only drops response violations.
    """
    raw = headers.get("sl-violations")
    if not raw:
        return []
    if not raw.startswith(TRUNCATED_MARK):
        return [_violation(item) for item in json.loads(raw)]
    text = raw[len(TRUNCATED_MARK) :]
    decoder = json.JSONDecoder()
    found: list[Violation] = []
    pos = text.index("[") + 1
    while True:
        try:
            item, pos = decoder.raw_decode(text, pos)
        except ValueError:
            return found
        found.append(_violation(item))
        while pos < len(text) and text[pos] in ", ":
            pos += 1


def problem_violations(content_type: str, body: bytes) -> list[Violation]:
    """Violations Prism put in a generated 422 problem+json body (it sends no header then)."""
    if not content_type.startswith("application/problem+json"):
        return []
    try:
        doc = json.loads(body)
    except ValueError:
        return []
    # These describe the request, but their locations lack the "request" head the header uses.
    found = [_violation(item) for item in doc.get("validation") or []]
    return [
        v if v.is_request else Violation(("request", *v.location), v.severity, v.code, v.message)
        for v in found
    ]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class PrismServer:
    """One `prism mock` process on 127.0.0.1 serving `spec_path`."""

    spec_path: Path
    log_path: Path
    dynamic: bool = False
    port: int = 0
    _proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def mode(self) -> str:
        return "dynamic" if self.dynamic else "static"

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def start(self) -> None:
        # The free port can be taken between probing and Prism binding it; try a few.
        for _ in range(3):
            self.port = free_port()
            if self._start_once():
                return
        raise RuntimeError(f"Prism ({self.mode}) did not start; log:\n{self.log_tail()}")

    def _start_once(self) -> bool:
        cmd = [str(PRISM_BIN), "mock", str(self.spec_path), "-p", str(self.port), "-h", "127.0.0.1"]
        if self.dynamic:
            cmd.append("-d")
        with self.log_path.open("ab") as log:
            # Own session: teardown stops Prism and anything it spawned, by this process group only.
            self._proc = subprocess.Popen(
                cmd,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                return False
            try:
                # Any HTTP answer (even 401/404) means the server is up.
                httpx.get(f"{self.url}/me", timeout=2.0)
                return True
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(
            f"Prism ({self.mode}) not answering after {STARTUP_TIMEOUT_S}s; log:\n{self.log_tail()}"
        )

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(STOP_TIMEOUT_S)


@dataclass
class Exchange:
    """What one HTTP exchange through Prism looked like on the wire."""

    method: str
    url: str
    status_code: int
    violations: list[Violation]
    request_headers: dict[str, str] = field(default_factory=dict)
    """Lower-cased names; Authorization left out."""

    def request_violations(self) -> list[Violation]:
        return [v for v in self.violations if v.is_request]

    def response_violations(self) -> list[Violation]:
        return [v for v in self.violations if not v.is_request]

    def __str__(self) -> str:
        listed = "".join(f"\n    {v}" for v in self.violations)
        return f"{self.method} {self.url} -> {self.status_code}{listed}"


@dataclass
class ExchangeRecorder:
    """An httpx response hook that keeps every exchange (inject with `httpx.Client(event_hooks=...)`)."""

    exchanges: list[Exchange] = field(default_factory=list)

    def __call__(self, response: httpx.Response) -> None:
        violations = parse_violations(response.headers)
        if response.status_code >= 400:
            # Reading in a hook is allowed; the client can still use the body afterwards.
            response.read()
            violations += problem_violations(response.headers.get("content-type", ""), response.content)
        request = response.request
        sent = {k.lower(): v for k, v in request.headers.items() if k.lower() != "authorization"}
        self.exchanges.append(
            Exchange(request.method, str(request.url), response.status_code, violations, sent)
        )

    async def async_hook(self, response: httpx.Response) -> None:
        """The same hook for `httpx.AsyncClient` (its hooks must be coroutines)."""
        if response.status_code >= 400:
            await response.aread()
        self(response)

    def clear(self) -> None:
        self.exchanges.clear()


def format_exchanges(exchanges: Sequence[Exchange]) -> str:
    return "\n".join(f"  {e}" for e in exchanges) or "  (no HTTP exchange recorded)"
