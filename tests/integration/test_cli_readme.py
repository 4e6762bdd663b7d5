"""Every ```sh block of the README's "Command line" section runs in bash against a seeded FakeSendmux."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from support.cli import BIN

from sendmux.testing import FakeSendmux
from sendmux.webhooks import sign

ROOT = Path(__file__).resolve().parents[2]


def cli_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text()
    match = re.search(r"^## Command line\n(.*?)(?=^## )", text, flags=re.S | re.M)
    assert match, "README has no section 'Command line'"
    return re.findall(r"```sh\n(.*?)```", match.group(1), flags=re.S)


BLOCKS = 6


def test_the_section_has_its_examples() -> None:
    assert len(cli_blocks()) == BLOCKS


@pytest.mark.skipif(not (BIN / "sendmux").exists(), reason="the console script is not installed in this venv")
@pytest.mark.parametrize("index", range(BLOCKS))
def test_readme_block_runs(index: int, sendmux_fake: FakeSendmux, tmp_path: Path) -> None:
    block = cli_blocks()[index]
    sendmux_fake.seed("domains", 2, verification_status="verified")
    sendmux_fake.seed("sending_accounts", 3)
    # The delivery the webhook example says is saved beside it.
    body = json.dumps(
        {
            "id": "evt_readme",
            "type": "message.delivered",
            "team_public_id": "team_readme",
            "occurred_at": "2026-05-21T09:12:00Z",
            "data": {
                **dict.fromkeys(
                    (
                        "bounce_subtype",
                        "bounce_type",
                        "complaint_subtype",
                        "complaint_type",
                        "delay_expires_at",
                    ),
                ),
                **dict.fromkeys(("delay_type", "is_spam", "mailbox_id", "reject_reason", "webhook_id")),
                "message_id": "<1@example.com>",
                "message_id_kind": "rfc822",
                "recipients": ["a@example.com"],
                "sender": "s@example.com",
                "sendmux_message_id": "msg_1",
            },
        }
    ).encode()
    (tmp_path / "body.json").write_bytes(body)
    (tmp_path / "signature.txt").write_text(sign(body, "whsec_demo_secret"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENDMUX_")}
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        SENDMUX_API_KEY=sendmux_fake.api_key,
        SENDMUX_BASE_URL=sendmux_fake.url,
        SENDMUX_CONFIG_DIR=str(tmp_path / "config"),
    )
    result = subprocess.run(
        ["bash", "-e", "-c", block], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    if "accounts.jsonl" in block:
        assert len((tmp_path / "accounts.jsonl").read_text().splitlines()) == 3
        assert "HTTP 200" in result.stdout
        assert sendmux_fake.count("domains") == 3
    if "mdom_missing" in block:
        assert result.stdout.strip() == "exit status 14"
        assert "404 not_found" in result.stderr
    if "--detach" in block:  # a fake of its own, seeded with two domains, stopped at the end
        assert result.stdout.split() == ["2"]
        assert not (tmp_path / "fake.env").exists()
    if "profiles set" in block:
        key = sendmux_fake.api_key
        assert f"smx_root_…{key[-4:]}" in result.stdout
        assert key not in result.stdout + result.stderr
        assert sum(line.startswith("mdom_") for line in result.stdout.splitlines()) == 2
        assert json.loads((tmp_path / "config" / "profiles.json").read_text())["profiles"] == {}
    if "webhooks verify" in block:
        assert result.stdout.strip() == "verified"
        assert json.loads((tmp_path / "event.json").read_text())["event_id"] == "evt_readme"
