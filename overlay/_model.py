"""The base of every generated model: one "absent", `fields_set`, encoding; `from_dict` runs the generated decoder.

A generated model file only declares its attrs fields (with their docs); its decoder is generated code too,
in `sendmux._generated.decoders.<module>` (the models package names that package).  `Cls.from_dict`
finds it on first use and becomes it.  A model class without a
generated decoder (your own subclass of `Model`) decodes field by field (`sendmux._field_decoding`).

Optional fields read None when absent; `fields_set` tells an absent field from a JSON null, and
`to_dict()` writes back exactly the fields that are set (absent stays absent, null stays null).
"""

from __future__ import annotations

import functools
import importlib
import sys
import typing
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import attrs

from ._encoding import encode_value
from ._field_decoding import _warned as _warned
from ._field_decoding import checked, lenient_decoding
from ._fields import ABSENT, JSON_NAME, field_table

__all__ = ["ABSENT", "JSON_NAME", "Model", "lenient_decoding", "masked_repr", "present_fields"]

_M = typing.TypeVar("_M", bound="Model")

#: The attribute of a models package that names its decoders package, relative to it (`"..decoders"`).
DECODERS_ATTRIBUTE = "_DECODERS"


def decoder_of(cls: type[_M]) -> Callable[[Any], _M]:
    """The function that decodes a JSON object into `cls`: its generated decoder, else field by field.

    A generated models package names its decoders package (`_DECODERS = "..decoders"`); the decoder of
    the class in `<models>.<m>` is `decode_<m>` in `<decoders>.<m>`.
    """
    package, _, module = cls.__module__.rpartition(".")
    decoders = getattr(sys.modules.get(package), DECODERS_ATTRIBUTE, None)
    if isinstance(decoders, str):
        found = getattr(importlib.import_module(f"{decoders}.{module}", package), f"decode_{module}", None)
        if found is not None:
            decode: Callable[[Any], _M] = found
            return decode
    return functools.partial(checked, cls)


class _FromDict:
    """`Model.from_dict`: on first access, puts the class's decoder in its place (later calls go straight to it)."""

    def __get__(self, obj: object, owner: type[_M]) -> Callable[[Mapping[str, Any]], _M]:
        decode = decoder_of(owner)
        type.__setattr__(owner, "from_dict", staticmethod(decode))
        return decode


def masked_repr(value: object) -> str:
    """The repr of a field that holds a secret (`field(repr=masked_repr)`): the attribute keeps the value."""
    return "None" if value is None else "'***'"


@attrs.define
class Model:
    """Common behaviour of the generated models (fields live in the subclasses)."""

    #: Fields the server sent that this client version does not know (kept, never an error).
    additional_properties: dict[str, Any] = attrs.field(factory=dict, kw_only=True)
    # Set by the client from the response envelope; private so it can never collide with an API field.
    _request_id: str | None = attrs.field(default=None, init=False, repr=False, eq=False)
    # Optional fields the JSON (or the constructor call) did not have: they read None.
    _absent: frozenset[str] = attrs.field(default=frozenset(), init=False, repr=False, eq=False)

    #: `Cls.from_dict(d)`: decode the JSON object `d`; raises `ModelDecodeError` naming the field on a bad
    #: shape. The first access puts the class's decoder in place of this descriptor.
    from_dict: ClassVar[_FromDict] = _FromDict()

    def __attrs_post_init__(self) -> None:
        # A constructor argument left out is ABSENT: read as None, not set (so `to_dict()` leaves it out).
        absent = [name for name in field_table(type(self)).optional if getattr(self, name) is ABSENT]
        for name in absent:
            setattr(self, name, None)
        if absent:
            self._absent = frozenset(absent)

    @property
    def fields_set(self) -> frozenset[str]:
        """The fields (attribute names) that are set: present in the JSON this model was decoded from, or
        given to its constructor, or assigned a value since.

        An optional field reads None both when the JSON has null and when it lacks the key; only a
        present one is in `fields_set`.  See `sendmux.present_fields` to copy fields into an update.
        """
        names = field_table(type(self)).all_names
        absent = self._absent
        if not absent:
            return names
        return frozenset(n for n in names if n not in absent or getattr(self, n) is not None)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object for this model: the fields that are set (absent ones left out, nulls kept as
        null) and the unknown fields it was decoded with."""
        table = field_table(type(self))
        absent = self._absent
        out: dict[str, Any] = dict(self.additional_properties)
        for name, wire in zip(table.names, table.wires, strict=True):
            value = getattr(self, name)
            if value is not None or name not in absent:
                out[wire] = encode_value(value)
        return out

    if not typing.TYPE_CHECKING:  # hidden from mypy, which would otherwise accept any attribute name

        def __getattr__(self, name: str) -> Any:
            # A generated decoder leaves these slots empty when there is nothing to put in them (no unknown
            # field, no request id yet, nothing absent): fewer stores per decoded object. The first read
            # fills the dict in, so the object behaves as if it had been there all along.
            if name == "additional_properties":
                value: dict[str, Any] = {}
                object.__setattr__(self, name, value)
                return value
            if name == "_request_id":
                return None
            if name == "_absent":
                return frozenset()
            raise AttributeError(
                f"{type(self).__name__!r} object has no attribute {name!r}", name=name, obj=self
            )

    def __getitem__(self, key: str) -> Any:
        """Unknown fields by their wire name: `model["new_field"]`."""
        return self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties


def present_fields(model: Model, *names: str) -> dict[str, Any]:
    """The fields of `model` that are set (see `Model.fields_set`), by attribute name: all of them, or
    only those of `names`.  Use it to copy fields into an update::

        client.webhooks.update(other.id, **sendmux.present_fields(hook, "name", "filters"))

    A field the response did not have is left out, so the update leaves it alone; passing
    `name=hook.name` instead would send null for an absent `name` and clear it.  A name that is not a
    field of the model raises `ValueError`.
    """
    table = field_table(type(model))
    unknown = [n for n in names if n not in table.all_names]
    if unknown:
        raise ValueError(f"{type(model).__name__} has no field {', '.join(map(repr, unknown))}")
    wanted = names or table.names
    present = model.fields_set
    return {name: getattr(model, name) for name in wanted if name in present}
