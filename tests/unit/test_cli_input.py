"""Pure parts of the command line's input handling: addresses, boolean words, Python words in CLI words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from attrs import define

from sendmux._errors import ConfigurationError
from sendmux._model import Model
from sendmux._types import UNSET, Unset
from sendmux._urls import check_base_url
from sendmux.cli._addresses import address_objects, looks_like_json, parse_addresses
from sendmux.cli._bool_words import rewrite_bool_words
from sendmux.cli._signature import address_name_required, classify
from sendmux.cli._words import cli_words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bob@example.com", [("", "bob@example.com")]),
        ("Bob <bob@example.com>", [("Bob", "bob@example.com")]),
        ('"Smith, Bob" <bob@example.com>', [("Smith, Bob", "bob@example.com")]),
        ("a@example.com, Bob <b@example.org>", [("", "a@example.com"), ("Bob", "b@example.org")]),
    ],
)
def test_parse_addresses(text: str, expected: list[tuple[str, str]]) -> None:
    assert parse_addresses(text) == expected


@pytest.mark.parametrize(
    "text", ["", "   ", "bob", "Bob <bob>", "bob@example.com extra", "Bob bob@example.com", "a@b@c", "<>"]
)
def test_parse_addresses_refuses_what_is_no_address(text: str) -> None:
    with pytest.raises(ValueError):
        parse_addresses(text)


def test_address_objects_leave_out_or_null_a_missing_name() -> None:
    assert address_objects("a@example.com, B <b@example.com>", null_name=False) == [
        {"email": "a@example.com"},
        {"email": "b@example.com", "name": "B"},
    ]
    assert address_objects("a@example.com", null_name=True) == [{"email": "a@example.com", "name": None}]


@pytest.mark.parametrize(
    ("text", "expected"),
    [('{"email": "a@b.c"}', True), ("[]", True), ("@to.json", True), ("-", True), ("a@b.c", False)],
)
def test_looks_like_json(text: str, expected: bool) -> None:
    assert looks_like_json(text) is expected


@define
class NamedAddress(Model):
    email: str
    name: str | None


@define
class OptionalNameAddress(Model):
    email: str
    name: str | Unset = UNSET


@define
class NotAnAddress(Model):
    email: str
    domain: str


def test_classify_finds_address_objects_by_their_fields() -> None:
    assert classify(NamedAddress | Mapping[str, Any]) == ("address", False, (), False)
    assert classify(Sequence[OptionalNameAddress | Mapping[str, Any]] | Unset) == ("address", True, (), False)
    assert classify(NotAnAddress | Mapping[str, Any]) == ("json", False, (), False)
    assert classify(Mapping[str, Any]) == ("json", False, (), False)
    assert address_name_required(Sequence[NamedAddress | Mapping[str, Any]]) is True
    assert address_name_required(OptionalNameAddress | Mapping[str, Any] | Unset) is False


FLAGS = {"--seen": "--no-seen", "--progress": "--no-progress"}
TAKES_VALUE = {"--subject", "-o"}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--seen", "true", "msg_1"], ["--seen", "msg_1"]),
        (["--seen", "FALSE", "msg_1"], ["--no-seen", "msg_1"]),
        (["--seen=no"], ["--no-seen"]),
        (["--seen", "msg_1"], ["--seen", "msg_1"]),  # not a boolean word: an argument
        (["--subject", "--seen", "--seen", "off"], ["--subject", "--seen", "--no-seen"]),  # a value stays
        (["-o", "1", "--progress", "1"], ["-o", "1", "--progress"]),
        (["--", "--seen", "true"], ["--", "--seen", "true"]),
        (["--no-seen", "true"], ["--no-seen", "true"]),  # only the on-flag takes a word
    ],
)
def test_rewrite_bool_words(args: list[str], expected: list[str]) -> None:
    assert rewrite_bool_words(args, FLAGS, TAKES_VALUE) == expected


def test_rewrite_bool_words_names_the_option_of_a_bad_word() -> None:
    with pytest.raises(ValueError, match="--seen: expected true or false, got 'maybe'"):
        rewrite_bool_words(["--seen=maybe"], FLAGS, TAKES_VALUE)


@pytest.mark.parametrize(
    "url", ["ftp://example.com", "http://example.com", "https://user:pw@example.com", "https://x.test/?q=1"]
)
def test_runtime_base_url_errors_in_command_line_words(url: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        check_base_url(url, allow_insecure_http=False)
    text = cli_words(str(caught.value))
    assert "base URL" in text
    assert "base_url" not in text and "allow_insecure_http" not in text
