"""Models from real responses (FakeSendmux over loopback) keep secrets out of repr/str, never out of reach."""

from __future__ import annotations

from sendmux import Sendmux
from sendmux.testing import FakeSendmux


def test_a_created_mailbox_key_prints_without_its_secret(fake: FakeSendmux, sendmux_client: Sendmux) -> None:
    mailbox = sendmux_client.mailboxes.create(email="keys-repr@myagent.mx")
    created = sendmux_client.mailboxes.keys.create(mailbox.mailbox.id, app_name="crm")
    credential = created.credential
    assert credential is not None and credential.secret  # the attribute holds the key
    for text in (repr(created), str(created), repr(credential), f"{credential}"):
        assert credential.secret not in text and "'***'" in text
    assert credential.key_prefix in repr(credential)  # not a secret: shown


def test_a_created_webhook_prints_without_its_signing_secret(sendmux_client: Sendmux) -> None:
    hook = sendmux_client.webhooks.create(url="http://127.0.0.1:9/hook", event_types=["message.delivered"])
    assert hook.secret.startswith("whsec_")
    assert hook.secret not in repr(hook) and hook.secret not in str(hook)
    rotated = sendmux_client.webhooks.rotate_secret(hook.id)
    assert rotated.secret != hook.secret and rotated.secret not in repr(rotated)
