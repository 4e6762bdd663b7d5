"""The generated decoders (`generated/decoders/`): readable code rendered at build time, nothing compiled at
run time; strict and lenient like the field-by-field path; one "absent" on real generated models."""

from __future__ import annotations

import ast
import datetime
import enum
import logging
import traceback
from pathlib import Path

import pytest

import sendmux
from sendmux import ModelDecodeError, types
from sendmux._field_decoding import _warned, lenient_decoding
from sendmux._model import Model
from sendmux.types import (
    MailboxMessageSummary,
    ProviderCreateBodyQuotas,
    ProviderListItem,
    ProviderQuotaRange,
)

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "generated"
RUNTIME_DECODING = ["_model.py", "_fields.py", "_field_decoding.py", "_decoding.py"]


def _models() -> list[type[Model]]:
    found = (getattr(types, name) for name in types.__all__)
    return [cls for cls in found if isinstance(cls, type) and issubclass(cls, Model)]


def test_every_model_decodes_with_its_generated_function() -> None:
    for cls in _models():
        decode = cls.from_dict
        module = cls.__module__.rsplit(".", 1)[1]
        assert decode.__module__ == f"sendmux._generated.decoders.{module}", cls
        assert decode.__name__ == f"decode_{module}"
        assert Path(decode.__code__.co_filename).is_file()  # real source: tracebacks show the lines


def _calls(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}


def test_nothing_is_compiled_at_run_time() -> None:
    files = [ROOT / "overlay" / name for name in RUNTIME_DECODING] + sorted(GENERATED.rglob("*.py"))
    for path in files:
        assert not _calls(path) & {"exec", "eval", "compile"}, path


def test_a_failure_traceback_points_at_generated_source() -> None:
    item = _provider(0)
    item["quotas"]["per_minute"] = {"min": "1", "max": 2}
    with pytest.raises(ModelDecodeError) as info:
        ProviderListItem.from_dict(item)
    frames = traceback.extract_tb(info.value.__traceback__)
    assert all(Path(frame.filename).is_file() for frame in frames)
    assert "ProviderListItem.quotas (ProviderQuotas.per_minute (ProviderQuotaRange.min))" in str(info.value)


def _provider(i: int) -> dict[str, object]:
    from bench import canned

    return canned.provider_list_item(i)


def test_a_well_formed_object_decodes_fully() -> None:
    item = ProviderListItem.from_dict(_provider(1))
    assert item.type == "gmail_api" and item.type.is_known
    assert isinstance(item.created_at, datetime.datetime) and item.created_at.tzinfo is not None
    assert item.quotas.per_minute == ProviderQuotaRange(min=60, max=120)
    assert item.fields_set == set(_provider(1))  # every field was in the JSON
    assert item.to_dict() == _provider(1)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"name": 5}, "ProviderListItem.name: expected str, got int"),
        ({"is_active": "yes"}, "ProviderListItem.is_active: expected bool, got str"),
        ({"created_at": "soon"}, "ProviderListItem.created_at: not an RFC 3339 timestamp"),
        ({"status": 3}, "ProviderListItem.status"),
        ({"quotas": []}, "ProviderListItem.quotas (ProviderQuotas): expected a JSON object, got list"),
        ({"id": None}, "ProviderListItem.id: expected str, got NoneType"),
    ],
)
def test_strict_names_the_field(change: dict[str, object], where: str) -> None:
    with pytest.raises(ModelDecodeError) as info:
        ProviderListItem.from_dict({**_provider(2), **change})
    assert where in str(info.value)


def test_lenient_keeps_the_odd_value_and_the_rest(caplog: pytest.LogCaptureFixture) -> None:
    _warned.clear()
    bad = {**_provider(3), "name": 5, "status": 3, "surprise": True}
    with caplog.at_level(logging.WARNING, logger="sendmux"), lenient_decoding("req_1"):
        item = ProviderListItem.from_dict(bad)
    assert item.name == 5 and item.status == 3  # type: ignore[comparison-overlap]
    assert isinstance(item.updated_at, datetime.datetime) and item["surprise"] is True
    assert sorted(r.getMessage().split(" ")[0] for r in caplog.records) == [
        "ProviderListItem.name",
        "ProviderListItem.status",
    ]


def test_absent_optional_fields_read_none_and_round_trip() -> None:
    summary = {
        "id": "msg_1",
        "thread_id": None,
        "subject": None,
        "preview": None,
        "from": None,
        "to": [],
        "cc": [],
        "bcc": [],
        "folder_ids": [],
        "keywords": [],
        "flags": {"seen": True, "flagged": False, "answered": False, "draft": False},
        "has_attachments": False,
        "size_bytes": None,
        "received_at": None,
        "sent_at": None,
    }
    absent = MailboxMessageSummary.from_dict(summary)
    assert absent.attachments is None and "attachments" not in absent.fields_set
    assert absent.to_dict() == summary
    null = MailboxMessageSummary.from_dict({**summary, "attachments": None})
    assert null.attachments is None and "attachments" in null.fields_set
    assert null.to_dict() == {**summary, "attachments": None}
    listed = MailboxMessageSummary.from_dict({**summary, "attachments": [], "new": 1})
    assert listed.attachments == [] and listed["new"] == 1 and listed.to_dict()["new"] == 1


def test_a_union_field_picks_its_branch_by_json_type() -> None:
    quotas = ProviderCreateBodyQuotas.from_dict(
        {"per_day": 5, "per_hour": {"min": 1, "max": 2}, "per_minute": None}
    )
    assert quotas.per_day == 5 and quotas.per_hour == ProviderQuotaRange(min=1, max=2)
    assert quotas.per_minute is None and quotas.per_second is None
    assert quotas.fields_set == {"per_day", "per_hour", "per_minute"}
    with pytest.raises(ModelDecodeError, match="per_day"):
        ProviderCreateBodyQuotas.from_dict({"per_day": "5"})


def test_an_open_enum_keeps_an_unknown_value() -> None:
    item = ProviderListItem.from_dict({**_provider(4), "type": "carrier_pigeon"})
    assert item.type == "carrier_pigeon" and not item.type.is_known and isinstance(item.type, enum.Enum)
    assert item.to_dict()["type"] == "carrier_pigeon"


def test_present_fields_on_a_generated_model() -> None:
    summary = MailboxMessageSummary.from_dict(
        {"id": "m", "to": [], "cc": [], "bcc": [], "folder_ids": [], "keywords": []}
        | {"flags": {"seen": True, "flagged": False, "answered": False, "draft": False}}
        | dict.fromkeys(["thread_id", "subject", "preview", "from", "size_bytes", "received_at", "sent_at"])
        | {"has_attachments": False}
    )
    assert "attachments" not in sendmux.present_fields(summary)
    assert sendmux.present_fields(summary, "subject", "attachments") == {"subject": None}
