"""A model class's field table, read once from its attrs fields, and `ABSENT`, the "not given" default.

Generated models declare optional fields as ``x: T | None = ABSENT``: a constructor argument left out,
or a key the JSON did not have, is *absent*.  It reads ``None`` like a JSON null, but only a present
field is in ``fields_set`` and in ``to_dict()``, so a model round-trips to the JSON it came from.
"""

from __future__ import annotations

from typing import Any, Final, Protocol, TypeVar

import attrs

__all__ = ["ABSENT", "JSON_NAME", "FieldTable", "field_table", "new"]

_T = TypeVar("_T")

#: attrs field metadata key for the JSON name when it differs from the attribute (`from_` <- `from`).
JSON_NAME = "json"

#: Attributes of `Model` itself, not API fields.
_OWN = frozenset({"additional_properties", "_request_id", "_absent"})


class _Absent:
    """The default of an optional field; it never stays on a model (the model turns it into None)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "ABSENT"

    def __reduce__(self) -> str:
        return "ABSENT"


#: Typed `Any` so that `x: int | None = ABSENT` type-checks: the attribute reads None, never this.
ABSENT: Final[Any] = _Absent()


class _New(Protocol):
    def __call__(self, cls: type[_T], /) -> _T: ...


#: `object.__new__`, typed: a generated decoder makes its model without running `__init__` (it sets every
#: field itself, so the defaults and `__attrs_post_init__` would be wasted work).
new: Final[_New] = object.__new__


@attrs.frozen
class FieldTable:
    """What encoding and the field-by-field decoding need to know of one model class."""

    names: tuple[str, ...]
    """Attribute names of the API fields, in declaration order."""
    wires: tuple[str, ...]
    """Their JSON names, in the same order."""
    optional: tuple[str, ...]
    """Attribute names of the fields with a default (absent unless given)."""
    required: frozenset[str]
    all_names: frozenset[str]
    known: frozenset[str]
    """The JSON names: any other key of an object goes to `additional_properties`."""


_tables: dict[type, FieldTable] = {}


def field_table(cls: type) -> FieldTable:
    table = _tables.get(cls)
    if table is None:
        fields = [a for a in attrs.fields(cls) if a.name not in _OWN]
        names = tuple(a.name for a in fields)
        wires = tuple(str(a.metadata.get(JSON_NAME, a.name)) for a in fields)
        table = _tables[cls] = FieldTable(
            names=names,
            wires=wires,
            optional=tuple(a.name for a in fields if a.default is not attrs.NOTHING),
            required=frozenset(a.name for a in fields if a.default is attrs.NOTHING),
            all_names=frozenset(names),
            known=frozenset(wires),
        )
    return table
