"""bench.lineup, bench.contenders and bench.ours: how each worker is started and which entry point it calls."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bench import contenders
from bench.baseline import Baseline
from bench.lineup import Launch, lineup
from bench.official import OfficialSDK
from bench.ours import open_call


def test_launch_environment_states_its_own_sendmux_settings() -> None:
    ours = {"PATH": "/bin", "SENDMUX_HTTP_STACK": "httpx2", "SENDMUX_TRACING": "1", "PYTHONPATH": "/mine"}
    env = Launch(Path("python"), {"SENDMUX_TRACING": "0"}).environ(ours)
    assert env == {"PATH": "/bin", "SENDMUX_TRACING": "0", "PYTHONPATH": "/mine"}
    env = Launch(Path("python"), {}, ("/base", "/base/deps")).environ(ours)
    assert env["PYTHONPATH"].split(":") == ["/base", "/base/deps", "/mine"]
    assert "SENDMUX_TRACING" not in env


def test_lineup_skips_with_reasons_and_keeps_table_order() -> None:
    official = OfficialSDK(None, "official SDK unavailable: offline")
    base = Baseline("00f3c1f", "00f3c1ffd7bf", ("/tree", "/tree/deps"))
    launches, skipped = lineup(official, "", base, found=lambda module: module != "httpx2")
    assert list(launches) == [n for n in contenders.ORDER if n in launches]
    assert skipped[contenders.OFFICIAL] == "official SDK unavailable: offline"
    assert skipped[contenders.RAW_HTTPX2].startswith("not installed: httpx2")
    assert launches[contenders.SENDMUX_BASELINE].path == ("/tree", "/tree/deps")
    assert launches[contenders.SENDMUX].env == {"SENDMUX_TRACING": "0"}
    assert launches[contenders.SENDMUX_SPANS].env == {}
    _, skipped = lineup(official, "not generated", Baseline("x", reason="not in this clone"))
    assert skipped[contenders.SENDMUX] == "not generated"
    assert skipped[contenders.SENDMUX_BASELINE] == "not in this clone"


def test_every_contender_has_a_label_and_the_default_sendmux_rows_run_with_spans_off() -> None:
    for name, cls in contenders.CONTENDERS.items():
        assert cls.name == name and contenders.label(name)
        assert not (
            set(cls.scenarios)
            - {"get_one", "list_100", "decode", "paginate", "async_get", "events", "download"}
        )
    for name in (
        contenders.SENDMUX,
        contenders.SENDMUX_SPEEDUPS,
        contenders.SENDMUX_HTTPX2,
        contenders.SENDMUX_BASELINE,
    ):
        assert contenders.CONTENDERS[name].env == {"SENDMUX_TRACING": "0"}
    assert contenders.label(contenders.SENDMUX_BASELINE, "00f3c1f") == "sendmux @ 00f3c1f (baseline)"


def test_import_program_puts_the_baseline_first_under_python_I() -> None:
    program = contenders.import_program(contenders.SENDMUX_BASELINE, "http://h/v1", ("/tree", "/tree/deps"))
    assert program.startswith("import sys\nsys.path[0:0] = ['/tree', '/tree/deps']\nimport time\n")
    assert "sendmux.Sendmux(api_key=" in program
    assert "sys.path" not in contenders.import_program(contenders.RAW_HTTPX, "http://h/v1")
    assert "http_stack='httpx2'" in contenders.import_program(contenders.SENDMUX_HTTPX2, "http://h/v1")


class _Recorder:
    def __init__(self, old: bool) -> None:
        self.calls: list[tuple[str, Any, dict[str, Any]]] = []
        if old:
            self._request_events = lambda op, **kw: self.calls.append(("_request_events", op, kw))
            self._request_binary = lambda op, **kw: self.calls.append(("_request_binary", op, kw))

    def _request(self, op: Any, options: Any) -> None:
        self.calls.append(("_request", op, {"path_params": options.path_params, "cast": options.cast}))


@pytest.mark.parametrize("response", ["events", "binary"])
def test_open_call_uses_the_entry_point_the_runtime_has(response: str) -> None:
    op = SimpleNamespace(response=response)
    cast = str if response == "events" else None
    old = _Recorder(old=True)
    open_call(old, op, ("7",), cast)
    name, _, kwargs = old.calls[0]
    assert name == ("_request_events" if response == "events" else "_request_binary")
    assert kwargs["path_params"] == ("7",) and kwargs["query"] is None and kwargs["headers"] is None
    assert kwargs.get("cast") is cast
    new = _Recorder(old=False)
    open_call(new, op, ("7",), cast)
    assert new.calls[0][0] == "_request" and new.calls[0][2]["path_params"] == ("7",)


def test_get_one_runs_more_rounds_in_the_full_plan_only() -> None:
    from bench.runner import FULL, QUICK

    assert FULL.get_one_rounds > FULL.rounds
    assert QUICK.get_one_rounds == QUICK.rounds
