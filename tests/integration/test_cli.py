"""The `sendmux` console script, run as a subprocess against FakeSendmux over loopback."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from support.cli import COMMAND, clean_env
from support.webhook_events import event_body

from sendmux import OPERATIONS, Sendmux
from sendmux.testing import FakeSendmux
from sendmux.webhooks import sign

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run(sendmux_fake: FakeSendmux) -> Run:
    def run(
        *args: str, input: str | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        base = clean_env(SENDMUX_API_KEY=sendmux_fake.api_key, SENDMUX_BASE_URL=sendmux_fake.url)
        return subprocess.run(
            [*COMMAND, *args],
            input=input,
            capture_output=True,
            text=True,
            env=base if env is None else env,
            timeout=60,
        )

    return run


def _lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def test_all_pages_as_json_lines(run: Run, sendmux_fake: FakeSendmux, sendmux_client: Sendmux) -> None:
    sendmux_fake.seed("sending_accounts", 7)
    expected = [a.id for a in sendmux_client.sending_accounts.list()]
    before = len(sendmux_fake.requests)

    result = run("sending-accounts", "list", "--all", "--output", "jsonl", "--limit", "2", "--progress")

    assert result.returncode == 0, result.stderr
    assert [item["id"] for item in _lines(result.stdout)] == expected
    assert len(expected) >= 7
    pages = [r for r in sendmux_fake.requests[before:] if r.path.endswith("/providers")]
    assert len(pages) == -(-len(expected) // 2)  # every page fetched, two items each
    assert f"{len(pages)} pages, {len(expected)} items" in result.stderr


def test_all_pages_as_one_json_array(run: Run, sendmux_fake: FakeSendmux) -> None:
    sendmux_fake.seed("domains", 5)
    result = run("domains", "list", "--all", "--limit", "2")
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    assert isinstance(items, list) and len(items) == 5
    assert all(str(i["id"]).startswith("mdom_") for i in items)


def test_one_page_shows_the_cursor_that_continues_it(run: Run, sendmux_fake: FakeSendmux) -> None:
    sendmux_fake.seed("domains", 3)
    first = json.loads(run("domains", "list", "--limit", "2").stdout)
    assert len(first["data"]) == 2 and first["has_more"] is True
    second = json.loads(run("domains", "list", "--limit", "2", "--cursor", first["next_cursor"]).stdout)
    assert len(second["data"]) == 1 and second["has_more"] is False
    ids = {d["id"] for d in first["data"]} | {d["id"] for d in second["data"]}
    assert len(ids) == 3


def test_not_found_is_one_line_on_stderr_and_its_own_exit_code(run: Run) -> None:
    result = run("domains", "get", "mdom_missing")
    assert result.returncode == 14
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("sendmux: error: 404 not_found: ")
    assert "request_id=req_" in line


def test_create_from_options_then_get(run: Run) -> None:
    created = run("domains", "create", "--domain", "cli.example.com", "--idempotency-key", "cli-1")
    assert created.returncode == 0, created.stderr
    domain = json.loads(created.stdout)
    assert domain["domain"] == "cli.example.com"
    got = run("domains", "get", domain["id"])
    assert json.loads(got.stdout)["id"] == domain["id"]


def test_body_from_data_on_stdin_and_json_file_option(run: Run, tmp_path: Path) -> None:
    created = run("domains", "create", "--data", "-", input=json.dumps({"domain": "data.example.com"}))
    assert created.returncode == 0, created.stderr
    domain_id = json.loads(created.stdout)["id"]

    rules = [{"type": "allow", "pattern": "*@example.org"}]
    (tmp_path / "rules.json").write_text(json.dumps(rules))
    put = run(
        "domains",
        "filters",
        "set",
        domain_id,
        "--mode",
        "allowlist",
        "--rules",
        f"@{tmp_path / 'rules.json'}",
    )
    assert put.returncode == 0, put.stderr
    state = json.loads(run("domains", "filters", "get", domain_id).stdout)
    assert state["mode"] == "allowlist"
    assert [(r["type"], r["pattern"]) for r in state["rules"]] == [("allow", "*@example.org")]


def test_an_option_overrides_the_same_field_in_data(run: Run) -> None:
    result = run("domains", "create", "--data", '{"domain": "a.example.com"}', "--domain", "b.example.com")
    assert json.loads(result.stdout)["domain"] == "b.example.com"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("emails", "logs", "list", "--status", "bogus"), "'bogus' is not one of"),
        (("domains", "create"), "missing option --domain"),
        (("domains", "create", "--data", '{"domian": "x"}'), "unknown field 'domian'"),
        (("domains", "create", "--data", "@/nonexistent/body.json"), "cannot read"),
        (("domains", "create", "--data", "{not json"), "not valid JSON"),
        (("domains", "list", "--limit", "many"), "'many' is not a valid integer"),
        (("domains", "get", " "), "Invalid value for 'PUBLIC_ID': must not be empty"),
    ],
)
def test_bad_input_is_refused_before_anything_is_sent(
    run: Run, sendmux_fake: FakeSendmux, args: tuple[str, ...], message: str
) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert sendmux_fake.requests == []


def test_no_credential_is_a_configuration_error() -> None:
    result = subprocess.run(
        [*COMMAND, "domains", "list"], capture_output=True, text=True, env=clean_env(), timeout=60
    )
    assert result.returncode == 3
    assert "SENDMUX_API_KEY" in result.stderr and "--api-key" in result.stderr
    assert result.stdout == ""


def test_the_key_is_never_printed_even_verbose(run: Run, sendmux_fake: FakeSendmux) -> None:
    key = sendmux_fake.api_key
    ok = run(
        "--verbose", "connection", "get", "--api-key", key, env=clean_env(SENDMUX_BASE_URL=sendmux_fake.url)
    )
    assert ok.returncode == 0, ok.stderr
    assert "credential from --api-key" in ok.stderr
    assert "GET /me" in ok.stderr
    wrong = "smx_root_" + "f" * 40
    denied = run(
        "-v", "--api-key", wrong, "connection", "get", env=clean_env(SENDMUX_BASE_URL=sendmux_fake.url)
    )
    assert denied.returncode == 11
    for result, secret in ((ok, key), (denied, wrong)):
        assert secret not in result.stdout + result.stderr
        assert secret[9:] not in result.stdout + result.stderr


def test_raw_prints_status_headers_and_body(run: Run) -> None:
    result = run("connection", "get", "--raw")
    assert result.returncode == 0, result.stderr
    head, _, body = result.stdout.partition("\n\n")
    lines = head.splitlines()
    assert lines[0] == "HTTP 200"
    assert any(line.lower().startswith("x-request-id: req_") for line in lines[1:])
    assert json.loads(body)["ok"] is True


def test_table_output(run: Run, sendmux_fake: FakeSendmux) -> None:
    (account,) = sendmux_fake.seed("sending_accounts", 1)
    result = run("sending-accounts", "list", "-o", "table")
    header, row = result.stdout.splitlines()
    assert header.split()[:1] == ["ID"]
    assert row.split()[0] == account["id"]
    record = run("--output", "table", "sending-accounts", "get", account["id"]).stdout
    assert any(line.split() == ["id", account["id"]] for line in record.splitlines())


def test_delete_then_404(run: Run, sendmux_fake: FakeSendmux) -> None:
    (domain,) = sendmux_fake.seed("domains", 1)
    assert run("domains", "delete", domain["id"]).returncode == 0
    assert run("domains", "get", domain["id"]).returncode == 14


def test_every_group_lists_its_operations() -> None:
    """`sendmux <group> --help` names every operation under it (read from the table, no resource import)."""
    groups: dict[tuple[str, ...], set[str]] = {}
    for op in OPERATIONS:
        surface = getattr(op, "surface", "management")
        prefix = () if surface == "management" else (surface,)
        parts = (*prefix, *(p.rstrip("_").replace("_", "-") for p in op.resource.split(".")))
        groups.setdefault(parts, set()).add(op.method.replace("_", "-"))
    for path, methods in groups.items():
        result = subprocess.run(
            [*COMMAND, *path, "--help"], capture_output=True, text=True, env=clean_env(), timeout=60
        )
        assert result.returncode == 0, result.stderr
        listed = result.stdout.partition("Commands:")[2].split()
        assert methods <= set(listed), (path, methods - set(listed))


def test_help_and_version_load_no_http_stack() -> None:
    code = (
        "import sys, io, contextlib\n"
        "from sendmux.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    assert main(['--help']) == 0 and main(['--version']) == 0\n"
        "print(sorted(m for m in ('httpx', 'sendmux._generated.resources') if m in sys.modules))\n"
        "print('domains' in out.getvalue())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=clean_env(), timeout=60
    )
    assert result.stdout.split("\n")[:2] == ["[]", "True"], result.stderr


def test_version_and_python_m() -> None:
    from sendmux import __version__

    for cmd in (COMMAND, [sys.executable, "-m", "sendmux.cli"]):
        result = subprocess.run(
            [*cmd, "--version"], capture_output=True, text=True, env=clean_env(), timeout=60
        )
        assert result.stdout.strip() == f"sendmux {__version__}"


def test_completion_script_and_live_completion() -> None:
    script = subprocess.run([*COMMAND, "completion", "bash"], capture_output=True, text=True, env=clean_env())
    assert "_SENDMUX_COMPLETE=bash_complete" in script.stdout
    env = clean_env(
        _SENDMUX_COMPLETE="bash_complete", COMP_WORDS="sendmux sending-accounts li", COMP_CWORD="2"
    )
    result = subprocess.run(COMMAND, capture_output=True, text=True, env=env, timeout=60)
    assert sorted(result.stdout.split()) == ["plain,limits", "plain,list"]


def test_webhooks_verify() -> None:
    secret = "whsec_cli_test_4b1d"
    payload = json.dumps(event_body(id="evt_clcli1"))
    signature = sign(payload.encode(), secret)
    env = clean_env(SENDMUX_WEBHOOK_SECRET=secret)
    ok = subprocess.run(
        [*COMMAND, "webhooks", "verify", "--signature", signature, "-H", "X-Sendmux-Delivery-Attempt: 2"],
        input=payload,
        capture_output=True,
        text=True,
        env=env,
    )
    assert ok.returncode == 0, ok.stderr
    event = json.loads(ok.stdout)
    assert (event["event_id"], event["event_type"], event["delivery_attempt"]) == (
        "evt_clcli1",
        "message.bounced",
        2,
    )
    assert event["payload"]["data"]["recipients"] == ["inbox@example.com"]

    tampered = subprocess.run(
        [*COMMAND, "webhooks", "verify", "--signature", signature],
        input=payload.replace("Permanent", "Transient"),
        capture_output=True,
        text=True,
        env=env,
    )
    assert tampered.returncode == 6
    assert tampered.stdout == ""
    assert "does not match" in tampered.stderr
    assert secret not in tampered.stderr


def test_without_the_cli_extra_the_command_says_what_to_install() -> None:
    code = "import sys; sys.modules['click'] = None; from sendmux.cli import main; sys.exit(main(['--help']))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=clean_env(), timeout=60
    )
    assert result.returncode == 1
    assert "pip install 'sendmux[cli]'" in result.stderr
