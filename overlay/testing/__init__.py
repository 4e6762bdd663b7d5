"""`sendmux.testing`: an embedded fake Sendmux API (Management, Mailbox, Sending) for your tests (stdlib only).

    from sendmux import Sendmux
    from sendmux.testing import FakeSendmux

    with FakeSendmux() as fake:
        client = Sendmux(api_key=fake.api_key, base_url=fake.url)
        fake.seed("sending_accounts", 3, status="inactive")
        fake.faults.add("unavailable", route="POST /domains", times=2)
        mailbox = SendmuxMailbox(api_key=fake.mailbox_api_key, base_url=fake.url)
        sending = SendmuxSending(api_key=fake.mailbox_api_key, base_url=fake.sending_url)

Run one by hand with `python -m sendmux.testing --port 8080`.
"""

from __future__ import annotations

from ._app import Counters, RecordedRequest
from ._fake import FakeSendmux, MessageOutcome, SeedKind
from ._faults import FAULT_KINDS, Fault, FaultKind, Faults

__all__ = [
    "FAULT_KINDS",
    "Counters",
    "FakeSendmux",
    "Fault",
    "FaultKind",
    "Faults",
    "MessageOutcome",
    "RecordedRequest",
    "SeedKind",
]
