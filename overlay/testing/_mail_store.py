"""One mailbox's contents as the Mailbox API sees them: messages, folders, identities, submissions, quotas,
uploaded blobs, a change log (state tokens) and the realtime event log.  Guarded by the server lock.

State tokens are `s<N>`: N is the mailbox's change counter when the token was issued, so `since_state`
asks for every change logged after N.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._context import Ctx
from ._protocol import ApiError, iso, new_id
from ._state import Record, Team

KINDS = ("messages", "folders", "threads", "submissions", "identities", "quotas")
FOLDER_ROLES = ("inbox", "sent", "drafts", "trash", "junk", "archive")
SUMMARY_FIELDS = (
    "id",
    "thread_id",
    "folder_ids",
    "subject",
    "preview",
    "from",
    "to",
    "cc",
    "bcc",
    "received_at",
    "sent_at",
    "size_bytes",
    "has_attachments",
    "keywords",
    "flags",
    "attachments",
)
_events = itertools.count(1)


@dataclass(slots=True)
class Change:
    version: int
    kind: str  # one of KINDS
    id: str
    op: str  # created | updated | destroyed


@dataclass(slots=True)
class Event:
    id: int
    event: str
    data: dict[str, Any]


@dataclass
class MailStore:
    mailbox: Record  # the Management mailbox record (id, email, display_name, ...)
    team: Team
    records: dict[str, dict[str, Record]] = field(default_factory=lambda: {k: {} for k in KINDS})
    blobs: dict[str, dict[str, Any]] = field(default_factory=dict)  # uploaded attachments by blob id
    uploads: dict[str, dict[str, Any]] = field(default_factory=dict)  # presigned upload intents
    version: int = 0
    log: list[Change] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    # Streams end cleanly once they have sent every logged event (`fake.close_event_streams()`).
    close_when_drained: bool = False

    @property
    def id(self) -> str:
        return self.mailbox.id

    @property
    def state(self) -> str:
        return f"s{self.version}"

    def add(self, kind: str, data: dict[str, Any], **extra: Any) -> Record:
        record = self.team.add(f"mail:{kind}", data, **extra)  # a team-wide seq keeps cursors working
        self.records[kind][record.id] = record
        self.changed(kind, record.id, "created")
        return record

    def get(self, kind: str, public_id: str, what: str) -> Record:
        record = self.records[kind].get(public_id)
        if record is None:
            raise ApiError("not_found", f"{what} {public_id!r} was not found.")
        return record

    def remove(self, kind: str, public_id: str) -> None:
        self.records[kind].pop(public_id, None)
        self.team.collections[f"mail:{kind}"].pop(public_id, None)
        self.changed(kind, public_id, "destroyed")

    def all(self, kind: str) -> list[Record]:
        return list(self.records[kind].values())

    def changed(self, kind: str, public_id: str, op: str) -> None:
        self.version += 1
        self.log.append(Change(self.version, kind, public_id, op))
        if kind == "messages":  # a message change is a change of its thread too
            record = self.records["messages"].get(public_id)
            thread = record.data["thread_id"] if record else None
            if thread:
                self.version += 1
                self.log.append(Change(self.version, "threads", thread, "updated"))

    def emit(self, event: str, data: dict[str, Any]) -> Event:
        item = Event(next(_events), event, data)
        self.events.append(item)
        return item

    def folder_by_role(self, role: str) -> Record:
        for record in self.records["folders"].values():
            if record.data["role"] == role:
                return record
        raise ApiError("not_found", f"No {role} folder.")


def parse_state(token: Any, param: str) -> int:
    if token is None:
        return 0
    text = str(token)
    if not (text.startswith("s") and text[1:].isdigit()):
        raise ApiError("invalid_parameter", f"{param}: not a state token from this mailbox.", param=param)
    return int(text[1:])


def changes(store: MailStore, kind: str, since_token: Any, limit: int, param: str) -> dict[str, Any]:
    """`MailboxChanges` for one kind: ids created/updated/destroyed after `since_token`, at most `limit`
    log entries at a time (`has_more` then, with `new_state` where this page stopped)."""
    since = parse_state(since_token, param)
    if since > store.version:
        raise ApiError("invalid_parameter", f"{param}: this state is from the future.", param=param)
    entries = [c for c in store.log if c.version > since and c.kind == kind]
    page, has_more = entries[:limit], len(entries) > limit
    created: dict[str, None] = {}
    updated: dict[str, None] = {}
    destroyed: dict[str, None] = {}
    for change in page:
        if change.op == "created":
            created[change.id] = None
        elif change.op == "destroyed":
            if change.id in created:  # created and destroyed inside the window: never seen
                del created[change.id]
                continue
            updated.pop(change.id, None)
            destroyed[change.id] = None
        elif change.id not in created:
            updated[change.id] = None
    new_version = page[-1].version if has_more else store.version
    return {
        "old_state": None if since_token is None else str(since_token),
        "new_state": f"s{new_version}",
        "has_more": has_more,
        "created": list(created),
        "updated": list(updated),
        "destroyed": list(destroyed),
    }


# ---- builders (the spec's response shapes) --------------------------------------------------------


def address(email: str, name: str | None = None) -> dict[str, Any]:
    return {"email": email, "name": name}


def folder(name: str, role: str | None = None, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": new_id("mfld"),
        "name": name,
        "parent_id": None,
        "role": role,
        "sort_order": None,
        "total_messages": 0,
        "unread_messages": 0,
        "can_add_items": True,
    }
    data.update(fields)
    return data


def identity(email: str, name: str, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": new_id("mid"),
        "name": name,
        "email": email,
        "reply_to": [],
        "bcc": [],
        "text_signature": "",
        "html_signature": "",
        "may_delete": False,
    }
    data.update(fields)
    return data


def quota(name: str, resource_type: str, hard_limit: int, used: int = 0, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": new_id("mquo"),
        "name": name,
        "description": None,
        "resource_type": resource_type,
        "scope": "account",
        "types": ["Email"],
        "used": used,
        "hard_limit": hard_limit,
        "warn_limit": None,
        "soft_limit": None,
    }
    data.update(fields)
    return data


def submission(
    *,
    sender: str = "agent@myagent.mx",
    recipients: Iterable[str] = ("someone@example.org",),
    **fields: Any,
) -> dict[str, Any]:
    rcpts = list(recipients)
    data: dict[str, Any] = {
        "id": new_id("msub"),
        "identity_id": None,
        "email_id": None,
        "thread_id": None,
        "send_at": iso(),
        "undo_status": "final",
        "envelope": {
            "mail_from": {"email": sender, "parameters": None},
            "rcpt_to": [{"email": r, "parameters": None} for r in rcpts],
        },
        "delivery_status": [
            {"email": r, "smtp_reply": "250 2.0.0 OK", "delivered": "queued", "displayed": "unknown"}
            for r in rcpts
        ],
        "dsn_blob_ids": [],
        "mdn_blob_ids": [],
    }
    data.update(fields)
    return data


def attachment_meta(message_id: str, filename: str, content_type: str, size: int) -> dict[str, Any]:
    att_id = new_id("matt")
    return {
        "id": att_id,
        "filename": filename,
        "content_type": content_type,
        "size_bytes": size,
        "disposition": "attachment",
        "content_id": None,
        "download_url": (
            f"/api/v1/mailbox/messages/{message_id}/attachments/{att_id}"
            f"?download_token=dl_{secrets.token_hex(12)}"
        ),
    }


def message(
    *,
    folder_ids: Iterable[str],
    attachments: Mapping[str, bytes] | None = None,
    **fields: Any,
) -> tuple[dict[str, Any], dict[str, bytes]]:
    """A full `MailboxMessage` and its attachment bytes by attachment id."""
    message_id = str(fields.pop("id", new_id("mmsg")))
    text = fields.pop("text_body", "Hello from FakeSendmux.\n\n-- \nA signature")
    now = iso()
    data: dict[str, Any] = {
        "id": message_id,
        "thread_id": new_id("mthr"),
        "folder_ids": list(folder_ids),
        "subject": "Hello",
        "preview": None,
        "from": address("someone@example.org", "Someone"),
        "to": [],
        "cc": [],
        "bcc": [],
        "received_at": now,
        "sent_at": now,
        "size_bytes": None,
        "has_attachments": False,
        "keywords": [],
        "flags": {"seen": False, "flagged": False, "draft": False, "answered": False},
        "text_body": text,
        "html_body": None,
        "message_id": [f"<{secrets.token_hex(8)}@example.org>"],
        "in_reply_to": [],
        "references": [],
        "reply_to": [],
        "attachments": [],
    }
    data.update(fields)
    blobs: dict[str, bytes] = {}
    for filename, content in (attachments or {}).items():
        meta = attachment_meta(message_id, filename, guess_type(filename), len(content))
        data["attachments"].append(meta)
        blobs[meta["id"]] = content
    data["has_attachments"] = bool(data["attachments"])
    if data["preview"] is None and data["text_body"]:
        data["preview"] = str(data["text_body"])[:120]
    if data["size_bytes"] is None:
        data["size_bytes"] = len(str(data["text_body"] or "")) + sum(len(b) for b in blobs.values()) + 512
    return data, blobs


def guess_type(filename: str) -> str:
    import mimetypes

    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def summary(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data[k] for k in SUMMARY_FIELDS}


def new_store(team: Team, mailbox: Record) -> MailStore:
    store = MailStore(mailbox, team)
    for i, role in enumerate(FOLDER_ROLES):
        store.add("folders", folder(role.capitalize(), role, sort_order=i))
    email = str(mailbox.data["email"])
    store.add("identities", identity(email, mailbox.data.get("display_name") or email.split("@")[0]))
    store.add("quotas", quota("Mail storage", "octets", int(mailbox.data.get("quota_bytes") or 1 << 30)))
    store.add("quotas", quota("Messages sent per day", "count", 2000, types=["EmailSubmission"]))
    store.log.clear()  # a fresh mailbox starts at state s0 with nothing to report
    store.version = 0
    return store


def store_for(team: Team, mailbox_id: str) -> MailStore:
    """The mailbox's store, created on first use (404 for a missing or deleted mailbox)."""
    mail: dict[str, MailStore] = team.mail
    found = mail.get(mailbox_id)
    if found is not None:
        return found
    record = team.collections["mailboxes"].get(mailbox_id)
    if record is None or record.data["status"] == "deleted":
        raise ApiError("not_found", f"Mailbox {mailbox_id!r} was not found.")
    store = mail[mailbox_id] = new_store(team, record)
    return store


def resolve(ctx: Ctx) -> MailStore:
    """The mailbox a Mailbox API request acts on: `mailbox_id` when given (it must be granted), else the
    credential's only mailbox."""
    key = ctx.api_key
    wanted = ctx.query.get("mailbox_id")
    granted = key.mailbox_ids
    if wanted is not None:
        if str(wanted) not in granted:
            raise ApiError("not_found", f"Mailbox {wanted!r} was not found.")
        return store_for(ctx.team, str(wanted))
    if len(granted) == 1:
        return store_for(ctx.team, granted[0])
    if not granted:
        raise ApiError("insufficient_permissions", "This credential is granted no mailbox.")
    raise ApiError(
        "missing_parameter",
        "This credential is granted several mailboxes; pass `mailbox_id`.",
        param="mailbox_id",
    )
