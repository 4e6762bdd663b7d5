"""sendmux._model and sendmux._field_decoding: models without a generated decoder decode field by field,
strict and lenient; one "absent" (None) told from JSON null by `fields_set` (pure functions)."""

from __future__ import annotations

import copy
import datetime
import logging
import pickle
from types import MappingProxyType

import attrs
import pytest
from attrs import define, field

from sendmux import UNSET, ModelDecodeError
from sendmux._decoding import OpenStrEnum
from sendmux._model import ABSENT, Model, lenient_decoding, masked_repr


class Colour(OpenStrEnum):
    RED = "red"


@define
class Leaf(Model):
    min: int
    max: float | None


@define
class Node(Model):
    """A recursive shape: a node holds nodes."""

    id: str
    from_: str = field(metadata={"json": "from"})
    at: datetime.datetime | None = ABSENT
    colour: Colour | None = ABSENT
    leaf: Leaf | None = ABSENT
    children: list[Node] | None = ABSENT
    tags: list[str] | None = ABSENT
    either: int | str | None = ABSENT


GOOD = {
    "id": "n1",
    "from": "me",
    "at": "2026-05-01T10:00:00",
    "colour": "blue",
    "leaf": {"min": 1, "max": 2},
    "children": [{"id": "n2", "from": "you", "children": []}],
    "tags": ["a"],
    "either": "x",
    "extra": True,
}


def test_a_good_object_decodes_field_by_field() -> None:
    node = Node.from_dict(GOOD)
    assert node.from_ == "me" and node.to_dict()["from"] == "me" and "from_" not in node.to_dict()
    assert node.at == datetime.datetime(2026, 5, 1, 10, tzinfo=datetime.UTC)  # naive is taken as UTC
    assert node.colour == "blue" and not node.colour.is_known  # type: ignore[union-attr]
    assert node.leaf == Leaf(min=1, max=2) and type(node.leaf.max) is int  # type: ignore[union-attr]
    assert isinstance(node.children, list) and node.children[0].children == []
    assert node.either == "x" and node["extra"] is True
    assert Node.from_dict(MappingProxyType(GOOD)) == node  # any Mapping


def test_a_decoded_object_without_unknown_fields_behaves_like_a_constructed_one() -> None:
    # The compiled decoder leaves `additional_properties` and `_request_id` unset when empty;
    # every way of reading, comparing and copying an object must still see them.
    leaf = Leaf.from_dict({"min": 1, "max": 2.5})
    built = Leaf(min=1, max=2.5)
    assert leaf == built and repr(leaf) == repr(built) and leaf.to_dict() == {"min": 1, "max": 2.5}
    assert "x" not in leaf and leaf._request_id is None
    for copy_ in (pickle.loads(pickle.dumps(leaf)), copy.copy(leaf), copy.deepcopy(leaf), attrs.evolve(leaf)):
        assert copy_ == built and copy_.additional_properties == {}
    leaf.additional_properties["new"] = 1  # the dict read first is the one kept
    assert leaf["new"] == 1 and leaf.to_dict()["new"] == 1
    with pytest.raises(AttributeError, match="'Leaf' object has no attribute 'nope'"):
        leaf.nope  # type: ignore[attr-defined]  # noqa: B018


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"id": 5}, "Node.id: expected str, got int"),
        ({"at": "soon"}, "Node.at: not an RFC 3339 timestamp"),
        ({"leaf": {"min": "1", "max": None}}, "Node.leaf (Leaf.min): expected int, got str"),
        ({"children": [{"id": "c", "from": 1}]}, "Node.children (Node.from_): expected str"),
        ({"tags": ["a", 2]}, "Node.tags: expected str, got int"),
        ({"either": 1.5}, "Node.either: expected int or str or null, got float"),
        ({"id": UNSET}, "Node.id: required field is missing"),
    ],
)
def test_strict_names_the_field(change: dict[str, object], where: str) -> None:
    data = {k: v for k, v in {**GOOD, **change}.items() if v is not UNSET}
    with pytest.raises(ModelDecodeError, match=where.replace("(", r"\(").replace(")", r"\)")):
        Node.from_dict(data)


def test_lenient_keeps_raw_values_and_logs_each_field_once(caplog: pytest.LogCaptureFixture) -> None:
    from sendmux import _model

    _model._warned.clear()
    bad = {**GOOD, "at": "soon", "leaf": {"min": "1", "max": None}}
    del bad["id"]
    with caplog.at_level(logging.WARNING, logger="sendmux"), lenient_decoding("req_42"):
        first = Node.from_dict(bad)
        Node.from_dict(bad)
    assert first.id is None and first.at == "soon" and first.from_ == "me"
    assert first.leaf == Leaf(min="1", max=None)  # type: ignore[arg-type]
    assert isinstance(first.children, list) and isinstance(first.children[0], Node)
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 3, messages  # Node.id, Node.at, Leaf.min: once each
    assert all("req_42" in m for m in messages)
    assert any(m.startswith("Leaf.min") for m in messages)
    # Outside the block it is strict again.
    with pytest.raises(ModelDecodeError):
        Node.from_dict(bad)


def test_the_wrong_container_raises_even_leniently() -> None:
    with lenient_decoding(), pytest.raises(ModelDecodeError, match="expected a JSON object, got list"):
        Node.from_dict([])  # type: ignore[arg-type]


# --- one "absent": None when the JSON lacks a field, told from null by `fields_set` ----------------------


def test_an_absent_optional_field_reads_none_and_is_not_set() -> None:
    node = Node.from_dict({"id": "n1", "from": "me", "leaf": None})
    assert node.at is None and node.leaf is None  # absent and null read alike
    assert node.fields_set == {"id", "from_", "leaf"}  # only the null one was in the JSON
    assert node.to_dict() == {"id": "n1", "from": "me", "leaf": None}  # absent stays absent, null null


def test_a_constructed_model_sets_what_was_given() -> None:
    node = Node(id="n1", from_="me", leaf=None)
    assert node.colour is None and node.fields_set == {"id", "from_", "leaf"}
    assert node.to_dict() == {"id": "n1", "from": "me", "leaf": None}
    assert node == Node.from_dict({"id": "n1", "from": "me", "leaf": None})
    node.tags = ["x"]  # assigning a value sets the field
    assert "tags" in node.fields_set and node.to_dict()["tags"] == ["x"]
    assert repr(node).startswith("Node(") and "ABSENT" not in repr(node)


def test_absent_fields_survive_copies() -> None:
    node = Node.from_dict({"id": "n1", "from": "me"})
    for copy_ in (pickle.loads(pickle.dumps(node)), copy.copy(node), copy.deepcopy(node)):
        assert copy_.fields_set == {"id", "from_"} and copy_.to_dict() == {"id": "n1", "from": "me"}


def test_present_fields_copies_only_what_is_set() -> None:
    from sendmux import present_fields

    node = Node.from_dict({"id": "n1", "from": "me", "leaf": None, "tags": ["a"]})
    assert present_fields(node) == {"id": "n1", "from_": "me", "leaf": None, "tags": ["a"]}
    assert present_fields(node, "at", "leaf") == {"leaf": None}  # `at` is absent: left out
    with pytest.raises(ValueError, match="Node has no field 'nope'"):
        present_fields(node, "nope")


def test_a_lenient_missing_required_field_is_none_and_not_set() -> None:
    with lenient_decoding():
        node = Node.from_dict({"from": "me"})
    assert node.id is None and "id" not in node.fields_set and "id" not in node.to_dict()


@define
class Credential(Model):
    key_prefix: str
    secret: str = field(repr=masked_repr)  # what the template writes for a secret field


def test_a_secret_field_is_masked_in_repr_but_readable() -> None:
    cred = Credential.from_dict({"key_prefix": "smx_mbx_ab", "secret": "smx_mbx_abSECRET"})
    assert cred.secret == "smx_mbx_abSECRET"
    assert "SECRET" not in repr(cred) and "SECRET" not in str(cred) and "'***'" in repr(cred)
    assert "smx_mbx_ab" in repr(cred)  # key_prefix is not a secret
    assert cred.to_dict()["secret"] == "smx_mbx_abSECRET"
