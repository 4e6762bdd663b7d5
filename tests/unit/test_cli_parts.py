"""Pure parts of the command line: signature reading, the command tree, exit codes, output writers."""

from __future__ import annotations

import enum
import io
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any, BinaryIO, Literal

import pytest

from sendmux._types import UNSET, Unset
from sendmux.cli._app import CLIError, build_arguments, build_operation_command, read_json_value
from sendmux.cli._exit_codes import exit_code_for
from sendmux.cli._output import Writer, format_record, format_table, to_plain, write_binary
from sendmux.cli._signature import ParamInfo, classify, describe_method, parse_docstring
from sendmux.cli._tree import build_tree, cli_name


class Color(enum.StrEnum):
    RED = "red"
    BLUE = "blue"


class Model:
    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Model:
        return cls()

    def to_dict(self) -> dict[str, Any]:
        return {"id": "m_1", "when": datetime(2026, 1, 2, 3, 4, 5), "color": Color.RED}


FileInput = bytes | str | os.PathLike[str] | BinaryIO


@pytest.mark.parametrize(
    ("tp", "expected"),
    [
        (str, ("str", False, (), False)),
        (str | Unset, ("str", False, (), False)),
        (str | None | Unset, ("str", False, (), True)),
        (int | Unset, ("int", False, (), False)),
        (float, ("float", False, (), False)),
        (bool | Unset, ("bool", False, (), False)),
        (datetime | str | Unset, ("str", False, (), False)),
        (Color | str | Unset, ("choice", False, ("red", "blue"), False)),
        (Literal["a", "b"], ("choice", False, ("a", "b"), False)),
        (Sequence[Color | str], ("choice", True, ("red", "blue"), False)),
        (Sequence[str] | Unset, ("str", True, (), False)),
        (Sequence[Model | Mapping[str, Any]], ("json", False, (), False)),
        (Model | Mapping[str, Any] | Unset, ("json", False, (), False)),
        (dict[str, Any], ("json", False, (), False)),
        (Any, ("json", False, (), False)),
        (FileInput, ("file", False, (), False)),
    ],
)
def test_classify(tp: Any, expected: tuple[Any, ...]) -> None:
    assert classify(tp) == expected


DOC = """Send a thing

    Longer words about it,
    over two lines.

    `POST /things/{id}` · permission: `things.write`

    Args:
        id: The thing's id
        from_: Sender address, which may
            continue on a second line.
        kind: `kind`
    """


def test_parse_docstring() -> None:
    summary, head, args = parse_docstring(DOC)
    assert summary == "Send a thing"
    assert head.endswith("permission: `things.write`")
    assert args == {
        "id": "The thing's id",
        "from_": "Sender address, which may continue on a second line.",
        "kind": "`kind`",
    }


def _method(
    self: object,
    id: str,
    *,
    from_: str,
    kind: Color | str | Unset = UNSET,
    file: FileInput,
    tags: Sequence[str] | Unset = UNSET,
    extra_headers: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> None:
    pass


_method.__doc__ = DOC


def test_describe_method_reads_the_signature() -> None:
    infos = {i.name: i for i in describe_method(_method)}
    assert list(infos) == ["id", "from_", "kind", "file", "tags"]  # runtime knobs left out
    assert infos["id"].positional and infos["id"].required
    assert infos["from_"].flag == "from" and infos["from_"].required and not infos["from_"].positional
    assert infos["kind"].choices == ("red", "blue") and not infos["kind"].required
    assert infos["kind"].help == ""  # the generator's `name` placeholder is no help
    assert infos["file"].kind == "file"
    assert infos["tags"].multiple


def _op(resource: str, method: str, **extra: Any) -> Any:
    return SimpleNamespace(resource=resource, method=method, **extra)


def test_tree_groups_by_surface_and_tolerates_tables_without_one() -> None:
    root = build_tree(
        [
            _op("domains.filters", "set"),  # no `surface`: Management
            _op("sending_accounts", "get_stats", surface="management"),
            _op("messages", "list", surface="mailbox"),
            _op("emails", "send", surface="sending"),
        ]
    )
    assert sorted(root.children) == ["domains", "mailbox", "sending", "sending-accounts"]
    assert "set" in root.children["domains"].children["filters"].ops
    assert "get-stats" in root.children["sending-accounts"].ops
    mailbox = root.children["mailbox"]
    assert mailbox.surface == "mailbox" and "list" in mailbox.children["messages"].ops
    assert root.find(["sending", "emails"]) is not None
    assert len(list(root.walk_ops())) == 4
    assert cli_name("type_") == "type"


def test_tree_refuses_two_commands_of_one_name() -> None:
    with pytest.raises(ValueError, match="domains get"):
        build_tree([_op("domains", "get"), _op("domains", "get")])


def test_a_surface_without_a_client_gives_a_clear_error() -> None:
    command = build_operation_command(_op("things", "list", surface="nowhere", summary="List things"), "list")
    with pytest.raises(CLIError, match="no client for the nowhere API"):
        command.callback()  # type: ignore[misc]


def _exc(name: str, *bases: type[BaseException], module: str = "sendmux._errors") -> type[BaseException]:
    return type(name, bases or (Exception,), {"__module__": module})


def test_exit_codes_by_most_specific_known_class() -> None:
    from sendmux import APIConnectionError, APITimeoutError, ConfigurationError, NotFoundError

    assert exit_code_for(NotFoundError("x", status_code=404)) == 14
    assert exit_code_for(ConfigurationError("x")) == 3
    assert exit_code_for(APITimeoutError("x")) == 5
    assert exit_code_for(APIConnectionError("x")) == 4
    status = _exc("APIStatusError")
    # A class the runtime adds later gets its own code by name, or its parent's until the table knows it.
    assert exit_code_for(_exc("InsufficientCreditsError", status)()) == 12
    assert exit_code_for(_exc("TeapotError", status)()) == 9
    assert exit_code_for(_exc("NotFoundError", module="elsewhere")()) == 1
    assert exit_code_for(RuntimeError()) == 1


def test_tables() -> None:
    rows = [
        {"created_at": "2026", "is_x": True, "name": "a", "id": "i1", "nested": {"k": 1}, "gone": None},
        {"created_at": "2027", "is_x": False, "name": "b" * 60, "id": "i2", "nested": {}, "gone": None},
    ]
    lines = format_table(rows, width=200).splitlines()
    assert lines[0].split() == ["ID", "NAME", "IS_X", "CREATED_AT"]  # nested and all-null columns left out
    assert lines[2].split()[1] == "b" * 39 + "…"
    assert format_table(rows, width=10).splitlines()[0].split() == ["ID"]
    assert format_table([]) == "(no items)"
    assert format_record({"id": "i1", "nested": {"k": 1}}).splitlines() == ["id      i1", 'nested  {"k":1}']


def _writer(fmt: Any = "json", progress: bool = False) -> tuple[Writer, io.StringIO, io.StringIO]:
    out, err = io.StringIO(), io.StringIO()
    return Writer(fmt, out, err, progress=progress), out, err


def test_values_in_each_format() -> None:
    assert to_plain(Model()) == {"id": "m_1", "when": "2026-01-02T03:04:05", "color": "red"}
    w, out, _ = _writer("json")
    w.value(Model())
    assert json.loads(out.getvalue())["color"] == "red"
    w, out, _ = _writer("jsonl")
    w.value([Model(), Model()])
    assert len(out.getvalue().splitlines()) == 2
    w, out, _ = _writer("table")
    w.value(Model())
    assert out.getvalue().splitlines()[0] == "id     m_1"
    w, out, _ = _writer("table")
    w.value("plain text")
    w.value(None)
    assert out.getvalue() == "plain text\n"


@dataclass
class Page:
    data: list[Any]
    has_more: bool = False
    next_cursor: str | None = None


def test_pages_stream_in_every_format_with_progress() -> None:
    pages = [Page([{"id": 1}, {"id": 2}], True, "c1"), Page([{"id": 3}])]
    w, out, err = _writer("json", progress=True)
    w.pages(iter(pages))
    assert json.loads(out.getvalue()) == [{"id": 1}, {"id": 2}, {"id": 3}]
    assert err.getvalue() == "sendmux: 1 pages, 2 items\nsendmux: 2 pages, 3 items\n"

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Terminal()
    Writer("jsonl", io.StringIO(), tty, progress=True).pages(iter(pages))
    assert tty.getvalue() == "\rsendmux: 1 pages, 2 items\rsendmux: 2 pages, 3 items\n"
    w, out, _ = _writer("jsonl")
    w.pages(iter(pages))
    assert [json.loads(x) for x in out.getvalue().splitlines()] == [{"id": 1}, {"id": 2}, {"id": 3}]
    w, out, _ = _writer("json")
    w.pages(iter([Page([])]))
    assert json.loads(out.getvalue()) == []
    w, out, err = _writer("jsonl")
    w.page(pages[0])
    assert "--cursor c1" in err.getvalue()
    w, out, _ = _writer("json")
    w.page(pages[0])
    assert json.loads(out.getvalue()) == {
        "data": [{"id": 1}, {"id": 2}],
        "has_more": True,
        "next_cursor": "c1",
    }


def test_events_one_json_line_each() -> None:
    events = [
        SimpleNamespace(id="1", event="message.received", data=Model(), retry=None),
        SimpleNamespace(id=None, event=None, data={"k": "v"}, retry=3000),
    ]
    w, out, _ = _writer("table")  # a stream is always JSON lines
    w.events(events)
    first, second = (json.loads(x) for x in out.getvalue().splitlines())
    assert first == {"id": "1", "event": "message.received", "data": to_plain(Model())}
    assert second == {"data": {"k": "v"}, "retry": 3000}


@dataclass
class Feed:
    responses: list[dict[str, Any]]
    state: str | None = None
    seen: list[int] = field(default_factory=list)

    def __iter__(self) -> Any:
        for i, r in enumerate(self.responses):
            self.state = f"s{i + 1}"
            yield r


def test_feed_lines_and_the_state_to_resume_from() -> None:
    w, out, err = _writer("json")
    w.feed(Feed([{"changes": [1]}, {"changes": [2]}]))
    assert [json.loads(x) for x in out.getvalue().splitlines()] == [{"changes": [1]}, {"changes": [2]}]
    assert err.getvalue() == "sendmux: state: s2\n"


def test_binary_is_copied_chunk_by_chunk() -> None:
    class Download:
        def iter_bytes(self) -> Any:
            yield b"ab"
            yield b"\x00\xff"

    buf = io.BytesIO()
    assert write_binary(Download(), buf) == 4
    assert buf.getvalue() == b"ab\x00\xff"


def _infos() -> list[ParamInfo]:
    return describe_method(_method)


def test_arguments_from_options_and_data() -> None:
    values = {"id": "t_1", "from_": None, "kind": "red", "file": "-", "tags": ("a", "b")}
    args, kwargs = build_arguments(_infos(), values, {"from": "me@example.com", "kind": "blue"})
    assert args == ["t_1"]
    assert kwargs["from_"] == "me@example.com"  # JSON name `from` is the keyword-safe `from_`
    assert kwargs["kind"] == "red"  # an option wins over --data
    assert kwargs["tags"] == ["a", "b"]
    assert kwargs["file"] is not None and kwargs["file"] != "-"  # stdin's binary buffer


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (None, "missing option --from, --file"),
        ([1], "expected a JSON object"),
        ({"frm": "x"}, "unknown field 'frm'"),
    ],
)
def test_argument_errors(data: Any, message: str) -> None:
    values = {"id": "t_1", "from_": None, "kind": None, "file": None, "tags": ()}
    with pytest.raises(CLIError, match=message):
        build_arguments(_infos(), values, data)


def test_json_values(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "v.json").write_text('{"a": [1]}')
    assert read_json_value(f"@{tmp_path / 'v.json'}", "--x") == {"a": [1]}
    assert read_json_value("[1, 2]", "--x") == [1, 2]
    monkeypatch.setattr("sys.stdin", io.StringIO('"s"'))
    assert read_json_value("-", "--x") == "s"
    with pytest.raises(CLIError, match="--x: not valid JSON"):
        read_json_value("{", "--x")


def test_annotations_naming_type_checking_only_classes() -> None:
    # As generated modules import EventStream, FileInput and friends only under TYPE_CHECKING.
    source = (
        "from __future__ import annotations\n"
        "def m(self, id: str, *, file: FileInput, since: Missing | None = None, n: int | Unset = 0)"
        " -> EventStream[Model]:\n"
        "    pass\n"
    )
    namespace: dict[str, Any] = {"Unset": Unset}
    exec(source, namespace)
    infos = {i.name: i for i in describe_method(namespace["m"])}
    assert infos["file"].kind == "file"
    assert infos["since"].kind == "json" and infos["since"].nullable
    assert infos["n"].kind == "int"
    assert infos["id"].kind == "str" and infos["id"].positional
