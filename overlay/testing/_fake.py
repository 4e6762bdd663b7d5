"""`FakeSendmux`: the embedded fake server and its test-facing helpers (keys, seeding, inspection, events)."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import Any, Literal

from . import _objects as obj
from ._app import MAILBOX_LIMITS, App, Counters, RecordedRequest
from ._fake_mail import MailHelpers
from ._faults import Faults
from ._server import FakeHTTPServer
from ._state import Record, Team
from ._webhook_delivery import Deliverer

SeedKind = Literal[
    "sending_accounts",
    "domains",
    "mailboxes",
    "webhooks",
    "email_logs",
    "inbox_logs",
    "transactions",
]
_BUILDERS: dict[str, Callable[..., dict[str, Any]]] = {
    "sending_accounts": obj.sending_account,
    "domains": obj.domain,
    "mailboxes": obj.mailbox,
    "webhooks": obj.webhook,
    "email_logs": obj.email_log,
    "inbox_logs": obj.inbox_log,
    "transactions": obj.transaction,
}
_ALIASES = {"providers": "sending_accounts"}
MessageOutcome = Literal["delivered", "bounced", "complained", "rejected", "delivery_delayed"]
# outcome → (email-log status, its status_reason, event data fields)
_OUTCOMES: dict[str, tuple[str, str | None, dict[str, Any]]] = {
    "delivered": ("sent", None, {}),
    "bounced": ("failed", "Permanent bounce.", {"bounce_type": "Permanent", "bounce_subtype": "General"}),
    "complained": ("sent", None, {"complaint_type": "abuse"}),
    "rejected": ("rejected", "Rejected by the provider.", {"reject_reason": "Rejected by the provider."}),
    "delivery_delayed": ("pending", "Delivery delayed.", {"delay_type": "MailboxFull"}),
}


class FakeSendmux(MailHelpers):
    """An in-process Sendmux API on 127.0.0.1 for tests: Management and Mailbox at `url`, Sending at
    `sending_url` (the same port, under `/sending`)::

        with FakeSendmux() as fake:
            client = Sendmux(api_key=fake.api_key, base_url=fake.url)
            mailbox = SendmuxMailbox(api_key=fake.mailbox_api_key, base_url=fake.url)
            sending = SendmuxSending(api_key=fake.mailbox_api_key, base_url=fake.sending_url)

    `rate_limit` requests per `rate_window` seconds per key (None: unlimited).  `shared_ses=True` gives every
    team the shared Amazon SES account the real API lists (off by default, so lists hold what you seed).  Webhook deliveries are
    retried `webhook_max_attempts` times, `webhook_retry_delay` seconds apart.  `fault_seed` makes
    probabilistic faults repeatable.  `record_requests` bounds `fake.requests`.  The Sending API allows
    `sending_rate_limit` requests per window and key.  Mailbox event streams send a `: ping` comment after
    `sse_ping` idle seconds (None: the request's `ping`) and announce `retry:` `sse_retry` seconds.
    Binary uploads and attachments are limited to `max_upload_bytes` (413 beyond).  `mailbox_limits`
    overrides what `GET /mailbox/session` states and the Mailbox routes enforce (e.g.
    `{"inline_attachment_bytes_max": 1024, "batch_ids_max": 50}`).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limit: int | None = 600,
        rate_window: float = 60.0,
        fault_seed: int | None = None,
        team_name: str = "Fake Team",
        max_sending_accounts: int = 10_000,
        shared_ses: bool = False,
        webhook_max_attempts: int = 3,
        webhook_retry_delay: float = 0.05,
        webhook_timeout: float = 5.0,
        record_requests: int = 10_000,
        sending_rate_limit: int | None = 1800,
        sse_ping: float | None = None,
        sse_retry: float = 1.0,
        max_upload_bytes: int = 26_214_400,
        mailbox_limits: Mapping[str, int] | None = None,
    ) -> None:
        self._host, self._port = host, port
        self._app = App(
            rate_limit=rate_limit,
            rate_window=rate_window,
            fault_seed=fault_seed,
            record_requests=record_requests,
            sending_rate_limit=sending_rate_limit,
        )
        self._app.sse_ping = sse_ping
        self._app.sse_retry_ms = int(sse_retry * 1000)
        self._app.max_upload = max_upload_bytes
        unknown = set(mailbox_limits or {}) - set(MAILBOX_LIMITS)
        if unknown:
            raise ValueError(
                f"mailbox_limits: unknown limits {sorted(unknown)}; known: {sorted(MAILBOX_LIMITS)}"
            )
        self._app.mailbox_limits = {**MAILBOX_LIMITS, **(mailbox_limits or {})}
        self._app.deliverer = Deliverer(
            self._app,
            max_attempts=webhook_max_attempts,
            retry_delay=webhook_retry_delay,
            timeout=webhook_timeout,
        )
        self._max_sending_accounts = max_sending_accounts
        self._shared_ses = shared_ses
        team = self._new_team(team_name)
        self.team_id: str = team.id
        """The default team: `api_key` belongs to it, and `seed()`/`objects()` use it unless told otherwise."""
        self.api_key: str = self.create_key(["root:full"], label="Root key")
        """A `smx_root_...` key with `root:full`."""
        self._server: FakeHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle ----------------------------------------------------------------------------------

    def start(self) -> FakeSendmux:
        if self._server is None:
            self._app.stopping.clear()  # a stopped fake can start again, with its state
            self._server = FakeHTTPServer(self._app, self._host, self._port)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="FakeSendmux",
                daemon=True,
            )
            self._thread.start()
            self._app.deliverer.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        with self._app.mail_changed:
            self._app.stopping.set()
            self._app.mail_changed.notify_all()  # open event streams end now
        server.shutdown()
        server.close_connections()
        server.server_close()
        self._app.deliverer.stop()

    close = stop

    def __enter__(self) -> FakeSendmux:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSendmux is not running; use `with FakeSendmux() as fake:` or .start()")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Base URL of the Management and Mailbox APIs, e.g. `http://127.0.0.1:54321/api/v1`."""
        return f"http://{self._host}:{self.port}/api/v1"

    @property
    def sending_url(self) -> str:
        """Base URL of the Sending API, e.g. `http://127.0.0.1:54321/sending/api/v1` (another server in
        production; here a path prefix, since its `GET /me` is not Management's)."""
        return f"http://{self._host}:{self.port}/sending/api/v1"

    # ---- teams and keys ------------------------------------------------------------------------------

    def _new_team(self, name: str) -> Team:
        with self._app.lock:
            team = self._app.state.create_team(name)
            team.max_sending_accounts = self._max_sending_accounts
            team.balance = obj.balance()
            if self._shared_ses:
                shared = obj.sending_account(name="Shared Amazon SES", type="amazon_ses", is_shared=True)
                team.add("sending_accounts", shared)
            return team

    def create_team(self, name: str = "Other Team") -> str:
        """A second team (its ids are 404 to the first team's keys).  Make keys for it with `create_key`."""
        return self._new_team(name).id

    def create_key(
        self, permissions: Iterable[str] = ("root:full",), *, team: str | None = None, label: str = "Test key"
    ) -> str:
        """An API key with these permissions: names (`domain.read`), wildcards (`domain.*`) or roles
        (`root:full`, `root:readonly`, `root:webhook_admin`, `root:provider_admin`)."""
        with self._app.lock:
            owner = self._team(team)
            return self._app.state.create_key(owner, permissions, label, "smx_root_").token

    def _team(self, team: str | None) -> Team:
        found = self._app.state.teams.get(team or self.team_id)
        if found is None:
            raise KeyError(f"no team {team!r}")
        return found

    # ---- seeding and inspection ---------------------------------------------------------------------

    def seed(
        self,
        kind: SeedKind,
        count: int = 1,
        *,
        team: str | None = None,
        each: Callable[[int], Mapping[str, Any]] | None = None,
        **fields: Any,
    ) -> list[dict[str, Any]]:
        """Create `count` objects directly (no HTTP, no counters), in wire shape, and return copies.

        `fields` override defaults for all of them (`status="inactive"`); `each(i)` per object
        (`each=lambda i: {"status": ["active", "error"][i % 2]}`).  Unknown field names raise `ValueError`
        so seeded objects stay valid against the spec.  Webhooks accept `secret=` and return theirs.
        """
        kind = _ALIASES.get(kind, kind)  # type: ignore[assignment]
        build = _BUILDERS.get(kind)
        if build is None:
            raise ValueError(f"cannot seed {kind!r}; choose one of {', '.join(_BUILDERS)}")
        out = []
        with self._app.lock:
            owner = self._team(team)
            for i in range(count):
                given = {**fields, **(each(i) if each else {})}
                secret = str(given.pop("secret", obj.webhook_secret())) if kind == "webhooks" else None
                data = build(**given)
                unknown = set(given) - set(build())
                if unknown:
                    raise ValueError(f"{kind} have no field(s) {sorted(unknown)}")
                extra: dict[str, Any] = {"secrets": [secret]} if secret else {}
                if kind in ("domains", "mailboxes"):
                    extra["filters"] = {"mode": "off", "rules": []}
                owner.add(kind, data, **extra)
                if kind == "mailboxes" and data["status"] != "deleted":
                    host = str(data["email"]).rsplit("@", 1)[-1]
                    for domain in owner.all("domains"):
                        if domain.data["domain"] == host:
                            domain.data["mailbox_count"] += 1
                out.append({**copy.deepcopy(data), **({"secret": secret} if secret else {})})
        return out

    def objects(self, kind: str, *, team: str | None = None) -> list[dict[str, Any]]:
        """Copies of every object of a kind (creation order), e.g. `fake.objects("domains")`."""
        with self._app.lock:
            records = self._team(team).all(_ALIASES.get(kind, kind))
            return [copy.deepcopy(r.data) for r in records]

    def get(self, kind: str, public_id: str, *, team: str | None = None) -> dict[str, Any] | None:
        with self._app.lock:
            record = self._team(team).collections[_ALIASES.get(kind, kind)].get(public_id)
            return copy.deepcopy(record.data) if record else None

    def count(self, kind: str, *, team: str | None = None) -> int:
        with self._app.lock:
            return len(self._team(team).collections[_ALIASES.get(kind, kind)])

    @property
    def counters(self) -> Counters:
        """What the server saw and applied: `requests`, `applied`, `created`, `replayed`, `faults`, `statuses`."""
        return self._app.counters

    @property
    def faults(self) -> Faults:
        """Fault injection: `fake.faults.add("reset_after_apply", route="POST /domains", times=3)`."""
        return self._app.faults

    @property
    def requests(self) -> list[RecordedRequest]:
        """The most recent requests as received (headers lower-cased), oldest first."""
        with self._app.lock:
            return list(self._app.requests)

    @property
    def crashes(self) -> list[str]:
        """Tracebacks of requests the fake itself failed on (answered 500 `internal_error`); empty if all is well."""
        with self._app.lock:
            return list(self._app.crashes)

    def reset(self) -> None:
        """Forget objects, counters, faults, idempotency keys, rate windows and the request log (keys stay)."""
        with self._app.lock:
            for team in self._app.state.teams.values():
                for records in team.collections.values():
                    records.clear()
                team.mail.clear()
                for entries in team.sending.values():
                    entries.clear()
            self._default_mailbox = None
            self._app.rejected_recipients.clear()
            self._app.sending_limiter.reset()
            self._app.counters.reset()
            self._app.faults.clear()
            self._app.idempotency.clear()
            self._app.limiter.reset()
            self._app.requests.clear()

    # ---- webhooks -----------------------------------------------------------------------------------

    def webhook_secrets(self, webhook_id: str, *, team: str | None = None) -> list[str]:
        """Every secret a subscription has had, newest first (the API itself only shows a secret once)."""
        with self._app.lock:
            record: Record = self._team(team).get("webhooks", webhook_id, "Webhook")
            return list(record.extra["secrets"])

    def emit_event(
        self, event_type: str, data: Mapping[str, Any] | None = None, *, team: str | None = None
    ) -> str:
        """Publish an event (e.g. `message.delivered`) to every matching subscription; returns its event id.

        `data` fills `WebhookEventData` fields (the rest are null); delivery happens in the background —
        `wait_for_deliveries()` blocks until it (and its retries) are done.
        """
        if event_type not in obj.EVENT_TYPES:
            raise ValueError(f"unknown event type {event_type!r}")
        with self._app.lock:
            return self._publish(self._team(team), event_type, obj.event_data(**dict(data or {})))

    def simulate_outbound(
        self,
        outcome: MessageOutcome = "delivered",
        *,
        to: str = "someone@example.org",
        sender: str = "sender@example.com",
        provider_id: str | None = None,
        mailbox_id: str | None = None,
        team: str | None = None,
    ) -> tuple[dict[str, Any], str]:
        """A fake sent message: an email-log row plus the `message.<outcome>` event to matching subscriptions.

        Returns the log (as `GET /emails/logs/{id}` shows it) and the event id.
        """
        status, reason, extra = _OUTCOMES[outcome]
        with self._app.lock:
            owner = self._team(team)
            account = owner.collections["sending_accounts"].get(provider_id or "")
            log = obj.email_log(
                to_email=to,
                from_email=sender,
                sent_from_email=sender,
                status=status,
                provider_id=account.id if account else None,
                provider_name=account.data["name"] if account else None,
                status_reason=reason,
            )
            owner.add("email_logs", log)
            data = obj.event_data(
                message_id=log["message_id"],
                message_id_kind="provider",
                sendmux_message_id=log["id"],
                sender=sender,
                recipients=[to],
                mailbox_id=mailbox_id,
                **extra,
            )
            event_id = self._publish(owner, f"message.{outcome}", data)
            return copy.deepcopy(log), event_id

    def simulate_inbound(
        self,
        mailbox_id: str,
        *,
        sender: str = "someone@example.org",
        subject: str = "Inbound message",
        spam: bool = False,
        team: str | None = None,
    ) -> tuple[dict[str, Any], str]:
        """A fake received message: an inbox-log row plus `message.received` (or `.spam`) to subscribers;
        the message also appears in the mailbox (Mailbox API) and on its event stream."""
        with self._app.lock:
            owner = self._team(team)
            mailbox = owner.get("mailboxes", mailbox_id, "Mailbox").data
            event_type = "message.received.spam" if spam else "message.received"
            log = obj.inbox_log(
                mailbox_id=mailbox_id,
                mailbox_email=mailbox["email"],
                event_type=event_type,
                from_email=sender,
                to_emails=[mailbox["email"]],
                subject=subject,
            )
            owner.add("inbox_logs", log)
            data = obj.event_data(
                message_id=log["message_id"],
                message_id_kind="rfc5322",
                sender=sender,
                recipients=[mailbox["email"]],
                mailbox_id=mailbox_id,
                is_spam=spam,
            )
            if mailbox["status"] != "deleted":  # the message also lands in the mailbox (Mailbox API)
                self.add_message(mailbox_id, subject=subject, sender=sender, spam=spam, team=team)
            return copy.deepcopy(log), self._publish(owner, event_type, data)

    def _publish(self, owner: Team, event_type: str, data: dict[str, Any]) -> str:
        deliverer = self._app.deliverer
        event = deliverer.new_event(owner, event_type, data)
        deliverer.publish(owner, event, deliverer.matching(owner, event))
        return str(event["id"])

    def wait_for_deliveries(self, timeout: float = 10.0) -> bool:
        """Block until no webhook delivery is queued or retrying; False if `timeout` passed first."""
        return self._app.deliverer.wait_idle(timeout)

    def __repr__(self) -> str:
        where = self.url if self._server is not None else "stopped"
        return f"<FakeSendmux {where}>"
