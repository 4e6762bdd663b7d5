"""Signed webhook deliveries: real POSTs to loopback subscribers from a background thread, with retries.

Every attempt (success or not) lands in the team's delivery log, which the deliveries endpoints serve.
Retries of one event reuse its event id; each attempt is signed with the subscription's current secret.
URLs off loopback are never contacted: their attempt is logged as a `permanent_failure`.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import queue
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from ._protocol import iso, new_id
from ._state import Record, Team
from ._webhooks import is_loopback

if TYPE_CHECKING:
    from ._state import State


class _Host(Protocol):
    """What the deliverer needs of the server that owns it (a Protocol: no import of `_app`)."""

    @property
    def lock(self) -> threading.RLock: ...

    @property
    def stopping(self) -> threading.Event: ...

    @property
    def state(self) -> State: ...


PAYLOAD_TTL = 7 * 86_400
USER_AGENT = "Sendmux-Webhooks/1.0 (FakeSendmux)"


def sign(payload: bytes, secret: str) -> str:
    """`sha256=<hex>`: the runtime's `sendmux.webhooks.sign` when importable, else the same HMAC here."""
    try:
        from ..webhooks import sign as runtime_sign
    except ImportError:  # the fake also runs where only sendmux.testing is on the path
        return "sha256=" + hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
    return runtime_sign(payload, secret)


@dataclass(slots=True)
class _Job:
    team: Team
    webhook_id: str
    event_id: str
    event_type: str
    payload: bytes
    attempt: int


class Deliverer:
    def __init__(self, app: _Host, *, max_attempts: int, retry_delay: float, timeout: float) -> None:
        self.app = app
        self.max_attempts = max_attempts
        self.retry_delay = retry_delay
        self.timeout = timeout
        self._jobs: queue.PriorityQueue[tuple[float, int, _Job | None]] = queue.PriorityQueue()
        self._order = itertools.count()
        self._pending = 0
        self._idle = threading.Condition()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="FakeSendmux-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._jobs.put((0.0, -1, None))
            thread.join(timeout=self.timeout + 1)
        # Deliveries still queued are dropped with the server.
        while not self._jobs.empty():
            self._jobs.get_nowait()
        with self._idle:
            self._pending = 0
            self._idle.notify_all()

    # ---- producing events (called with the app lock held) ---------------------------------------------

    @staticmethod
    def new_event(team: Team, event_type: str, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": new_id("evt"),
            "type": event_type,
            "team_public_id": team.id,
            "occurred_at": iso(),
            "data": data,
        }

    def matching(self, team: Team, event: dict[str, Any]) -> list[Record]:
        """Enabled subscriptions that want this event type (and, if they filter, its mailbox)."""
        mailbox_id = event["data"].get("mailbox_id")
        out = []
        for sub in team.all("webhooks"):
            data = sub.data
            wanted = data["filters"]["mailbox_ids"]
            if (
                data["enabled"]
                and event["type"] in data["event_types"]
                and (not wanted or mailbox_id in wanted)
            ):
                out.append(sub)
        return out

    def publish(self, team: Team, event: dict[str, Any], targets: list[Record]) -> None:
        payload = json.dumps(event, separators=(",", ":")).encode()
        for sub in targets:
            self._enqueue(_Job(team, sub.id, event["id"], event["type"], payload, 1), 0.0)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """True once every queued delivery (and its retries) is done."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    # ---- the worker ---------------------------------------------------------------------------------

    def _enqueue(self, job: _Job, delay: float) -> None:
        with self._idle:
            self._pending += 1
        self._jobs.put((time.monotonic() + delay, next(self._order), job))

    def _run(self) -> None:
        while True:
            due, _, job = self._jobs.get()
            if job is None:
                return
            wait = due - time.monotonic()
            if wait > 0 and self.app.stopping.wait(wait):
                return
            try:
                self._attempt(job)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def _attempt(self, job: _Job) -> None:
        with self.app.lock:
            sub = job.team.collections["webhooks"].get(job.webhook_id)
            if sub is None:
                return
            url, secret = sub.data["url"], sub.extra["secrets"][0]
        started = time.monotonic()
        status: int | None = None
        reply: str | None = None
        error: str | None = None
        if is_loopback(url):
            try:
                status, reply = self._post(url, job, secret)
            except OSError as exc:
                error = f"{type(exc).__name__}: {exc}"
        else:
            error = "FakeSendmux delivers only to loopback URLs (http://127.0.0.1)."
        elapsed = int((time.monotonic() - started) * 1000)
        ok = status is not None and 200 <= status < 300
        final = ok or job.attempt >= self.max_attempts or not is_loopback(url)
        if ok:
            result = "success"
        elif not is_loopback(url):
            result = "permanent_failure"
        else:
            result = "failed" if final else "retrying"
            error = error or f"Endpoint answered HTTP {status}."
        self._log(job, result, status, elapsed, reply, error, final)
        if not final:
            self._enqueue(
                _Job(job.team, job.webhook_id, job.event_id, job.event_type, job.payload, job.attempt + 1),
                self.retry_delay,
            )

    def _post(self, url: str, job: _Job, secret: str) -> tuple[int, str]:
        parts = urlsplit(url)
        conn_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        conn = conn_class(parts.hostname or "127.0.0.1", parts.port, timeout=self.timeout)
        try:
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            conn.request(
                "POST",
                target,
                body=job.payload,
                headers={
                    "Content-Type": "application/json",
                    "User-Agent": USER_AGENT,
                    "X-Sendmux-Signature": sign(job.payload, secret),
                    "X-Sendmux-Event-Id": job.event_id,
                    "X-Sendmux-Event-Type": job.event_type,
                    "X-Sendmux-Delivery-Attempt": str(job.attempt),
                },
            )
            response = conn.getresponse()
            return response.status, response.read(2048).decode("utf-8", "replace")
        finally:
            conn.close()

    def _log(
        self,
        job: _Job,
        result: str,
        status: int | None,
        elapsed: int,
        reply: str | None,
        error: str | None,
        final: bool,
    ) -> None:
        now = time.time()
        data = {
            "id": new_id("wdel"),
            "event_id": job.event_id,
            "event_type": job.event_type,
            "result": result,
            "response_status": status,
            "response_ms": elapsed,
            "delivery_attempt": job.attempt,
            "max_attempts": self.max_attempts,
            "next_retry_at": None if final else iso(now + self.retry_delay),
            "error_message": error,
            "response_body": reply,
            "payload_available": True,
            "payload_expires_at": iso(now + PAYLOAD_TTL),
            "request_payload_bytes": len(job.payload),
            "request_payload_sha256": hashlib.sha256(job.payload).hexdigest(),
            "created_at": iso(now),
        }
        with self.app.lock:
            job.team.add("deliveries", data, webhook_id=job.webhook_id, payload=job.payload)
            sub = job.team.collections["webhooks"].get(job.webhook_id)
            if sub is not None and final:
                sub.data["failing"] = result != "success"
