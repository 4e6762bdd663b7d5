"""In-memory teams, keys and objects.  One lock (held by the dispatcher) guards all of it."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ._protocol import ApiError, expand, new_id, not_found

# Collections each team holds, by the name `seed()` and `objects()` use.
KINDS = (
    "sending_accounts",
    "domains",
    "mailboxes",
    "mailbox_keys",
    "webhooks",
    "deliveries",
    "email_logs",
    "inbox_logs",
    "transactions",
    "ses_limit_requests",
    "account_limit_requests",
)

_seq = itertools.count(1)


@dataclass(slots=True)
class Record:
    """One object: its wire shape (`data`, exactly what GET returns) plus private fields (`extra`)."""

    seq: int
    data: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return str(self.data["id"])


@dataclass(slots=True)
class ApiKey:
    token: str
    public_id: str
    team_id: str
    label: str
    permissions: tuple[str, ...]
    granted: frozenset[str]
    mailbox_ids: tuple[str, ...] = ()  # mailboxes a mailbox/agent key or OAuth token may act on

    @property
    def kind(self) -> str:
        """The Connection `credential.type`: `api_key`, `agent_token` or `oauth`."""
        if self.token.startswith("smx_agent_"):
            return "agent_token"
        return "api_key" if self.token.startswith(("smx_root_", "smx_mbx_")) else "oauth"


@dataclass
class Team:
    id: str
    name: str
    collections: dict[str, dict[str, Record]] = field(default_factory=lambda: {k: {} for k in KINDS})
    # Every id ever issued → its seq, so a cursor naming a deleted object still works.
    seq_of: dict[str, int] = field(default_factory=dict)
    max_sending_accounts: int = 10_000
    shared_ses_daily_limit: int = 200
    balance: dict[str, Any] = field(default_factory=dict)
    # Mailbox API contents by mailbox id (`_mail_store.MailStore`), created on first use.
    mail: dict[str, Any] = field(default_factory=dict)
    # Sending API state: sent emails, uploaded attachments, presigned upload intents.
    sending: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {"emails": {}, "attachments": {}, "uploads": {}}
    )

    def add(self, kind: str, data: dict[str, Any], **extra: Any) -> Record:
        record = Record(next(_seq), data, dict(extra))
        self.collections.setdefault(kind, {})[record.id] = record
        self.seq_of[record.id] = record.seq
        return record

    def get(self, kind: str, public_id: str, what: str) -> Record:
        record = self.collections[kind].get(public_id)
        if record is None:
            raise not_found(what, public_id)
        return record

    def all(self, kind: str) -> list[Record]:
        return list(self.collections[kind].values())


class State:
    def __init__(self) -> None:
        self.teams: dict[str, Team] = {}
        self.keys: dict[str, ApiKey] = {}

    def create_team(self, name: str) -> Team:
        team = Team(new_id("team"), name)
        self.teams[team.id] = team
        return team

    def default_team(self) -> Team:
        return next(iter(self.teams.values()))

    def create_key(
        self,
        team: Team,
        permissions: Iterable[str],
        label: str,
        prefix: str,
        mailbox_ids: Iterable[str] = (),
    ) -> ApiKey:
        perms = tuple(permissions)
        token = f"{prefix}{secrets.token_hex(20)}"
        key = ApiKey(token, new_id("smx"), team.id, label, perms, expand(perms), tuple(mailbox_ids))
        self.keys[token] = key
        return key

    def authenticate(self, authorization: str | None) -> ApiKey:
        if not authorization or not authorization.startswith("Bearer "):
            raise ApiError("authentication_required", "Missing API key. Send `Authorization: Bearer <key>`.")
        key = self.keys.get(authorization[7:].strip())
        if key is None:
            raise ApiError("authentication_required", "Invalid API key.")
        return key
