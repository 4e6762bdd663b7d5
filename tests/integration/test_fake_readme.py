"""The README section "Testing your code with `FakeSendmux`" runs as written, against the real client."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sendmux import Sendmux
from sendmux.testing import FakeSendmux

README = Path(__file__).resolve().parents[2] / "README.md"


def snippets() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Testing your code with `FakeSendmux`\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_the_section_has_its_snippets() -> None:
    assert len(snippets()) == 3


def test_fixture_and_tests_snippet() -> None:
    namespace: dict[str, Any] = {"__name__": "readme_fake"}
    exec(compile(snippets()[0], "README.md#testing", "exec"), namespace)
    for name in ("test_lists_inactive_accounts", "test_read_only_key_cannot_create"):
        with FakeSendmux() as fake:
            namespace[name](fake)


def test_faults_snippet() -> None:
    with FakeSendmux(fault_seed=1) as fake, Sendmux(api_key=fake.api_key, base_url=fake.url) as client:
        namespace: dict[str, Any] = {"fake": fake, "client": client}
        exec(compile(snippets()[1], "README.md#testing-faults", "exec"), namespace)
        assert namespace["domain"].domain == "mail.example.com"


def test_mailbox_and_sending_snippet() -> None:
    namespace: dict[str, Any] = {}
    exec(compile(snippets()[2], "README.md#mailbox-and-sending-apis", "exec"), namespace)
    assert namespace["result"]["results"][1]["status"] == "failed"
