"""`FakeSendmux`'s helpers for the Mailbox and Sending APIs: their credentials, mail in mailboxes,
realtime events, and what the Sending API was asked to send."""

from __future__ import annotations

import copy
import secrets
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from . import _mail_store as ms
from . import _objects as obj
from ._mail_messages import add_message, realtime_event

if TYPE_CHECKING:
    from ._app import App
    from ._state import Team

MAILBOX_PERMISSIONS = ("mailbox.read", "mailbox.settings.update", "email.send")
Folder = Literal["inbox", "sent", "drafts", "trash", "junk", "archive"]
MailKind = Literal["messages", "folders", "identities", "quotas", "submissions"]


def _build(kind: str, store: ms.MailStore, fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, bytes]]:
    """One object of `kind` in its wire shape; unknown field names raise, so seeded state stays valid."""
    email = str(store.mailbox.data["email"])
    if kind == "messages":
        defaults, _ = ms.message(folder_ids=[])
        data, blobs = ms.message(folder_ids=[store.folder_by_role("inbox").id], **fields)
    else:
        builders: dict[str, Any] = {
            "folders": lambda **f: ms.folder(f.pop("name", "Folder"), **f),
            "identities": lambda **f: ms.identity(f.pop("email", email), f.pop("name", "Alias"), **f),
            "quotas": lambda **f: ms.quota(
                f.pop("name", "Quota"), f.pop("resource_type", "count"), 1000, **f
            ),
            "submissions": lambda **f: ms.submission(sender=email, **f),
        }
        if kind not in builders:
            raise ValueError(f"cannot seed {kind!r}; choose one of messages, {', '.join(builders)}")
        defaults = builders[kind]()
        data, blobs = builders[kind](**dict(fields)), {}
    unknown = set(fields) - set(defaults) - {"attachments"}
    if unknown:
        raise ValueError(f"{kind} have no field(s) {sorted(unknown)}")
    return data, blobs


class MailHelpers:
    _app: App
    _default_mailbox: tuple[str, str] | None = None

    def _team(self, team: str | None) -> Team:  # provided by FakeSendmux
        raise NotImplementedError

    # ---- credentials --------------------------------------------------------------------------------

    def create_mailbox_key(
        self,
        mailbox_id: str | None = None,
        permissions: Iterable[str] = MAILBOX_PERMISSIONS,
        *,
        team: str | None = None,
        label: str = "Mailbox key",
    ) -> str:
        """A `smx_mbx_...` key for one mailbox (a new one on `myagent.mx` when `mailbox_id` is None), for
        the Mailbox and Sending APIs.  `permissions` are OAuth scopes (`mailbox.read`, `email.send`, ...)."""
        with self._app.lock:
            owner = self._team(team)
            if mailbox_id is None:
                mailbox = obj.mailbox()
                owner.add("mailboxes", mailbox, filters={"mode": "off", "rules": []})
                mailbox_id = str(mailbox["id"])
            owner.get("mailboxes", mailbox_id, "Mailbox")
            key = self._app.state.create_key(owner, permissions, label, "smx_mbx_", [mailbox_id])
            return key.token

    def create_agent_key(
        self,
        mailbox_ids: Iterable[str],
        permissions: Iterable[str] = MAILBOX_PERMISSIONS,
        *,
        team: str | None = None,
        label: str = "Agent",
    ) -> str:
        """A `smx_agent_...` key granted several mailboxes (requests then name one with `mailbox_id`)."""
        with self._app.lock:
            owner = self._team(team)
            ids = list(mailbox_ids)
            for mailbox_id in ids:
                owner.get("mailboxes", mailbox_id, "Mailbox")
            return self._app.state.create_key(owner, permissions, label, "smx_agent_", ids).token

    def create_oauth_token(
        self,
        permissions: Iterable[str] = ("*",),
        *,
        mailbox_ids: Iterable[str] = (),
        team: str | None = None,
        label: str = "OAuth app",
    ) -> str:
        """An OAuth access token (no `smx_` prefix): accepted by all three APIs, with these scopes."""
        with self._app.lock:
            owner = self._team(team)
            key = self._app.state.create_key(owner, permissions, label, "", list(mailbox_ids))
            # Re-key it under a token with no known prefix, like a real OAuth access token.
            del self._app.state.keys[key.token]
            key.token = "oat_" + secrets.token_urlsafe(30)
            self._app.state.keys[key.token] = key
            return key.token

    @property
    def mailbox_id(self) -> str:
        """The default mailbox of the Mailbox API helpers (created on first use, on `myagent.mx`)."""
        return self._mailbox_default()[0]

    @property
    def mailbox_api_key(self) -> str:
        """A `smx_mbx_...` key for `mailbox_id` with every Mailbox scope (also takes the Sending API)."""
        return self._mailbox_default()[1]

    def _mailbox_default(self) -> tuple[str, str]:
        with self._app.lock:
            if self._default_mailbox is None:
                owner = self._team(None)
                mailbox = obj.mailbox(email=f"agent{secrets.token_hex(3)}@myagent.mx", display_name="Agent")
                owner.add("mailboxes", mailbox, filters={"mode": "off", "rules": []})
                key = self.create_mailbox_key(str(mailbox["id"]), label="Default mailbox key")
                self._default_mailbox = (str(mailbox["id"]), key)
            return self._default_mailbox

    # ---- mail ----------------------------------------------------------------------------------------

    def add_message(
        self,
        mailbox_id: str | None = None,
        *,
        subject: str = "Hello",
        text: str = "Hello from FakeSendmux.",
        html: str | None = None,
        sender: str = "someone@example.org",
        to: str | None = None,
        attachments: Mapping[str, bytes] | None = None,
        folder: Folder = "inbox",
        thread_id: str | None = None,
        unread: bool = True,
        spam: bool = False,
        event: bool = True,
        team: str | None = None,
    ) -> dict[str, Any]:
        """Put a message in a mailbox (as if received) and return it as `GET /mailbox/messages/{id}` shows it.

        `attachments` maps file names to bytes (downloadable, with Range).  `thread_id` joins an existing
        thread.  With `event`, a `message.received` (`.spam`) event goes to the mailbox's event streams.
        """
        with self._app.mail_changed:
            owner = self._team(team)
            store = ms.store_for(owner, mailbox_id or self.mailbox_id)
            role = "junk" if spam else folder
            fields: dict[str, Any] = {
                "subject": subject,
                "text_body": text,
                "html_body": html,
                "from": ms.address(sender, None),
                "to": [ms.address(to or str(store.mailbox.data["email"]), None)],
                "flags": {"seen": not unread, "flagged": False, "draft": False, "answered": False},
            }
            if thread_id is not None:
                fields["thread_id"] = thread_id
            data, blobs = ms.message(
                folder_ids=[store.folder_by_role(role).id], attachments=attachments, **fields
            )
            add_message(owner, store, data, blobs)
            if event:
                kind = "message.received.spam" if spam else "message.received"
                store.emit(kind, realtime_event(store, kind, data))
                self._app.mail_changed.notify_all()
            return copy.deepcopy(data)

    def seed_mail(
        self,
        kind: MailKind,
        count: int = 1,
        *,
        mailbox_id: str | None = None,
        each: Callable[[int], Mapping[str, Any]] | None = None,
        team: str | None = None,
        **fields: Any,
    ) -> list[dict[str, Any]]:
        """Create `count` Mailbox API objects in a mailbox (no events), in wire shape, and return copies.

        Like `seed()`: `fields` for all, `each(i)` per object, unknown field names raise `ValueError`.
        Messages go to the inbox unless `folder_ids` says otherwise (`attachments` maps names to bytes).
        """
        out = []
        with self._app.mail_changed:
            owner = self._team(team)
            store = ms.store_for(owner, mailbox_id or self.mailbox_id)
            for i in range(count):
                given = {**fields, **(each(i) if each else {})}
                data, blobs = _build(kind, store, given)
                if kind == "messages":
                    add_message(owner, store, data, blobs)
                else:
                    store.add(kind, data)
                out.append(copy.deepcopy(data))
        return out

    def emit_mailbox_event(
        self,
        mailbox_id: str | None = None,
        event_type: Literal["sync_required", "message.received", "message.received.spam"] = "sync_required",
        *,
        message_id: str | None = None,
        team: str | None = None,
    ) -> int:
        """Append an event to a mailbox's realtime stream (a message's events need its `message_id`);
        returns the event id (what `Last-Event-ID` names)."""
        with self._app.mail_changed:
            store = ms.store_for(self._team(team), mailbox_id or self.mailbox_id)
            data = store.get("messages", message_id, "Message").data if message_id else None
            item = store.emit(event_type, realtime_event(store, event_type, data))
            self._app.mail_changed.notify_all()
            return item.id

    def close_event_streams(self, mailbox_id: str | None = None, *, team: str | None = None) -> None:
        """Event streams of the mailbox end cleanly once they have sent every event so far (and any later
        connection does too): a deterministic end of stream for tests."""
        with self._app.mail_changed:
            ms.store_for(self._team(team), mailbox_id or self.mailbox_id).close_when_drained = True
            self._app.mail_changed.notify_all()

    def mailbox_state(self, mailbox_id: str | None = None, *, team: str | None = None) -> str:
        """The mailbox's current state token (what `new_state` reports once a feed is drained)."""
        with self._app.lock:
            return ms.store_for(self._team(team), mailbox_id or self.mailbox_id).state

    # ---- the Sending API -----------------------------------------------------------------------------

    def reject_recipients(self, *emails: str) -> None:
        """The Sending API refuses mail to these addresses: `send` answers 422, `send_batch` fails that item."""
        with self._app.lock:
            self._app.rejected_recipients.update(e.lower() for e in emails)

    def sent_emails(self, *, team: str | None = None) -> list[dict[str, Any]]:
        """Every message the Sending API queued (request fields plus `id`), oldest first."""
        with self._app.lock:
            return copy.deepcopy(list(self._team(team).sending["emails"].values()))

    def uploaded_attachment(self, attachment_id: str, *, team: str | None = None) -> bytes | None:
        """The bytes of a Sending API attachment (uploaded directly or through the presigned PUT)."""
        with self._app.lock:
            found = self._team(team).sending["attachments"].get(attachment_id)
            return bytes(found["data"]) if found else None
