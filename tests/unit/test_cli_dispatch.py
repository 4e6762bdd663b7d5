"""How a command hands each kind of result to its writer: event streams, change feeds, downloads, uploads.

The runtime for these kinds lives elsewhere (sendmux._downloads and friends); here a stand-in client with
methods of the generated shape returns objects with the runtime's documented interface, so what is tested is
the command line's own routing, not HTTP.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any, BinaryIO

import click
import pytest
from click.testing import CliRunner

from sendmux._types import UNSET, Unset
from sendmux.cli import _app
from sendmux.cli._app import build_operation_command

CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []


class Closable:
    closed = False

    def close(self) -> None:
        self.closed = True


class Stream(Closable):
    def __iter__(self) -> Iterator[Any]:
        yield SimpleNamespace(id="1", event="message.received", data={"subject": "Hi"}, retry=None)
        yield SimpleNamespace(id="2", event="message.received", data={"subject": "Again"}, retry=None)


class Feed(Closable):
    state: str | None = None

    def __iter__(self) -> Iterator[Any]:
        for n in (1, 2):
            self.state = f"state-{n}"
            yield {"new_state": self.state, "changed": [n]}


class Download(Closable):
    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        yield b"%PDF-"
        yield b"\x00\x01"

    def write_to_file(self, path: str) -> None:
        Path(path).write_bytes(b"".join(self.iter_bytes()))


class Things:
    def __init__(self, client: Any) -> None:
        self._client = client

    def stream(
        self, *, event_types: str | Unset = UNSET, extra_headers: Mapping[str, str] | None = None
    ) -> Stream:
        """Stream events

        Args:
            event_types: Comma-separated event types.
        """
        CALLS.append(("stream", (), {"event_types": event_types}))
        return Stream()

    def changes(self, *, since_state: str) -> Feed:
        CALLS.append(("changes", (), {"since_state": since_state}))
        return Feed()

    def download(self, id: str) -> Download:
        CALLS.append(("download", (id,), {}))
        return Download()

    def upload(self, *, file: bytes | str | BinaryIO, filename: str | Unset = UNSET) -> dict[str, Any]:
        data = file.read() if hasattr(file, "read") else Path(file).read_bytes()  # type: ignore[arg-type]
        return {"size": len(data), "filename": None if isinstance(filename, Unset) else filename}


class StandInClient:
    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs

    def __enter__(self) -> StandInClient:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    @property
    def things(self) -> Things:
        return Things(self)


def _op(method: str, response: str) -> Any:
    return SimpleNamespace(
        operation_id=f"thing_{method}",
        http_method="GET",
        path="/things",
        resource="things",
        method=method,
        summary=method,
        paginated=False,
        response=response,
        surface="elsewhere",
    )


@pytest.fixture(autouse=True)
def stand_in(monkeypatch: pytest.MonkeyPatch) -> None:
    CALLS.clear()
    monkeypatch.setattr(_app, "client_class", lambda surface: StandInClient)


def _invoke(command: click.Command, *args: str, input: bytes | None = None) -> Any:
    return CliRunner().invoke(command, list(args), input=input, catch_exceptions=False)


def test_event_stream_is_json_lines() -> None:
    result = _invoke(
        build_operation_command(_op("stream", "events"), "stream"), "--event-types", "message.received"
    )
    assert result.exit_code == 0
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [line["data"]["subject"] for line in lines] == ["Hi", "Again"]
    assert lines[0] == {"id": "1", "event": "message.received", "data": {"subject": "Hi"}}
    assert CALLS == [("stream", (), {"event_types": "message.received"})]
    assert "--raw" not in _invoke(build_operation_command(_op("stream", "events"), "stream"), "--help").stdout


def test_feed_prints_each_response_and_the_state() -> None:
    result = _invoke(build_operation_command(_op("changes", "feed"), "changes"), "--since-state", "s0")
    assert [json.loads(x)["changed"] for x in result.stdout.splitlines()] == [[1], [2]]
    assert "sendmux: state: state-2" in result.stderr


def test_download_to_a_file_or_stdout(tmp_path: Path) -> None:
    command = build_operation_command(_op("download", "binary"), "download")
    target = tmp_path / "out.pdf"
    result = _invoke(command, "att_1", "--output-file", str(target))
    assert result.exit_code == 0 and result.stdout_bytes == b""
    assert target.read_bytes() == b"%PDF-\x00\x01"
    piped = _invoke(command, "att_1")
    assert piped.stdout_bytes == b"%PDF-\x00\x01"
    assert CALLS == [("download", ("att_1",), {}), ("download", ("att_1",), {})]


def test_upload_from_a_path_or_stdin(tmp_path: Path) -> None:
    command = build_operation_command(_op("upload", "envelope"), "upload")
    (tmp_path / "a.bin").write_bytes(b"12345")
    from_path = _invoke(command, "--file", str(tmp_path / "a.bin"))
    assert json.loads(from_path.stdout) == {"size": 5, "filename": None}
    from_stdin = _invoke(command, "--file", "-", "--filename", "x.bin", input=b"abc")
    assert json.loads(from_stdin.stdout) == {"size": 3, "filename": "x.bin"}
    missing = CliRunner().invoke(command, ["--file", str(tmp_path / "nope.bin")])
    assert missing.exit_code == 2 and "does not exist" in missing.stderr
