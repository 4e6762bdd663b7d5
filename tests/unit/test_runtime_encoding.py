"""Argument encoding rules (docs/runtime-contract.md)."""

from __future__ import annotations

import enum
import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from sendmux import UNSET
from sendmux._encoding import (
    encode_body,
    encode_path_param,
    encode_query,
    encode_value,
    format_datetime,
    omit_none,
)


class Color(str, enum.Enum):  # noqa: UP042 - the shape generated enums have
    RED = "red"


class Num(enum.Enum):
    ONE = 1


class Model:
    def to_dict(self) -> dict[str, object]:
        return {"a": 1, "when": datetime(2026, 1, 1, tzinfo=UTC)}


def test_values() -> None:
    assert encode_value(Color.RED) == "red" and encode_value(Num.ONE) == 1
    assert encode_value(date(2026, 3, 19)) == "2026-03-19"
    assert encode_value(Model()) == {"a": 1, "when": "2026-01-01T00:00:00Z"}
    assert encode_value({"x": [Color.RED, UNSET, None], "y": UNSET}) == {"x": ["red", None]}
    assert encode_value((1, 2)) == [1, 2]
    with pytest.raises(TypeError):
        encode_value(object())


def test_datetimes() -> None:
    plus2 = timezone(timedelta(hours=2))
    assert format_datetime(datetime(2026, 3, 19, 12, 30, tzinfo=plus2)) == "2026-03-19T10:30:00Z"
    assert format_datetime(datetime(2026, 3, 19, 10, 30, 0, 500, tzinfo=UTC)) == "2026-03-19T10:30:00.000500Z"
    with pytest.raises(TypeError, match="naive"):
        encode_value(datetime(2026, 3, 19))


def test_body() -> None:
    body = encode_body({"name": "x", "gone": UNSET, "null": None, "c": Color.RED, "u": "é"})
    assert json.loads(body) == {"name": "x", "null": None, "c": "red", "u": "é"}
    with pytest.raises(ValueError):
        encode_body({"f": float("nan")})


def test_query() -> None:
    q = encode_query({"a": True, "b": False, "c": None, "d": UNSET, "e": ["x", "y"], "f": Color.RED, "g": 3})
    assert q == "a=true&b=false&e=x&e=y&f=red&g=3"
    assert encode_query({"a": "1", "b": "2"}, {"a": "9"}) == "a=9&b=2"
    assert encode_query({"s": "a b&c=d"}) == "s=a+b%26c%3Dd"
    assert encode_query(None) == ""


def test_path_params() -> None:
    assert encode_path_param("dom_1") == "dom_1"
    assert encode_path_param("a/b c?d#e%") == "a%2Fb%20c%3Fd%23e%25"
    assert encode_path_param(42) == "42"
    for bad in ("", ".", "..", None, UNSET):
        with pytest.raises(ValueError):
            encode_path_param(bad)


def test_omit_none_leaves_out_none_except_where_the_api_takes_null() -> None:
    fields = {"mode": None, "name": None, "domain": "d", "gone": UNSET, "flag": False, "n": 0}
    body = omit_none(fields, nullable=("name",))
    assert body == {"name": None, "domain": "d", "gone": UNSET, "flag": False, "n": 0}
    assert json.loads(encode_body(body)) == {"name": None, "domain": "d", "flag": False, "n": 0}
    assert omit_none({"a": None}) == {} and fields["mode"] is None  # a new dict; the input is kept
