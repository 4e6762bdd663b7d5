"""Every entry of `sendmux.OPERATIONS` is a command: `--help` works and offers every argument of the method.

Runs the real click application in-process (the console script is a two-line wrapper around `main`): a
subprocess per operation would spend minutes of the shared CPU on interpreter start-up alone.
"""

from __future__ import annotations

import inspect
from types import SimpleNamespace

import pytest

from sendmux import OPERATIONS
from sendmux.cli import main
from sendmux.cli._app import EXTRAS, RESERVED, command_clashes, command_tree, unbound_method
from sendmux.cli._signature import RUNTIME_PARAMS
from sendmux.cli._tree import build_tree, cli_name, surface_of, surface_prefix


def _command_path(op: object) -> list[str]:
    surface = surface_of(op)  # type: ignore[arg-type]
    resource = [cli_name(p) for p in op.resource.split(".")]  # type: ignore[attr-defined]
    return [*surface_prefix(surface), *resource, cli_name(op.method)]  # type: ignore[attr-defined]


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.operation_id)
def test_operation_is_a_command(op: object, capsys: pytest.CaptureFixture[str]) -> None:
    path = _command_path(op)
    assert main([*path, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Usage: sendmux {' '.join(path)} [OPTIONS]")
    method = unbound_method(op)  # type: ignore[arg-type]
    assert method is not None
    for name, param in inspect.signature(method).parameters.items():
        if name in RUNTIME_PARAMS:
            continue
        flag = name.rstrip("_").replace("_", "-")
        if param.kind is param.KEYWORD_ONLY:
            shown = f"--arg-{flag}" if flag in RESERVED else f"--{flag}"
            assert shown in out, (path, name)
        else:
            assert name.upper() in out.partition("\n")[0], (path, name)


def test_command_count_matches_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    paths = {tuple(_command_path(op)) for op in OPERATIONS}
    assert len(paths) == len(OPERATIONS)


# Python-API wording that must not reach a command-line user (help comes from the generated docstrings).
PYTHON_WORDS = ("os.PathLike", "(str or", "api_key=", "base_url", "=True", "=None", "a binary file object")


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.operation_id)
def test_help_speaks_command_line(op: object, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*_command_path(op), "--help"]) == 0
    out = capsys.readouterr().out
    assert not [word for word in PYTHON_WORDS if word in out]


def test_hand_written_commands_clash_with_no_generated_command() -> None:
    """`profiles`, `fake`, `webhooks verify`, … (every entry of EXTRAS) hide no generated command or group."""
    assert {"profiles", "fake", "completion"} <= set(EXTRAS[()]) and command_tree().children
    assert command_clashes(command_tree(), EXTRAS) == []


def test_the_clash_guard_finds_a_clash() -> None:
    # A table where an API grew a `profiles` resource, a `webhooks verify` and a `mailbox messages wait`.
    ops = [
        SimpleNamespace(resource="profiles", method="list", surface="management"),
        SimpleNamespace(resource="webhooks", method="verify", surface="management"),
        SimpleNamespace(resource="messages", method="wait", surface="mailbox"),
    ]
    assert command_clashes(build_tree(ops), EXTRAS) == [  # type: ignore[arg-type]
        "profiles",
        "webhooks verify",
        "mailbox messages wait",
    ]
