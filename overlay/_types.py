"""Sentinels and small shared types used by generated code and the runtime."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Final, Literal, Self, TypeAlias

import httpx

if TYPE_CHECKING:
    import httpx2


class _Sentinel:
    """A falsy singleton per subclass that pickles back to itself."""

    __slots__ = ()
    _instances: ClassVar[dict[type, Any]] = {}
    _name: ClassVar[str]

    def __new__(cls) -> Self:
        instance: Self | None = _Sentinel._instances.get(cls)
        if instance is None:
            instance = _Sentinel._instances[cls] = super().__new__(cls)
        return instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return self._name

    def __reduce__(self) -> str:
        return self._name


class Unset(_Sentinel):
    """Marks an argument or model field that was not given: it is not sent at all."""

    __slots__ = ()
    _name = "UNSET"


class NotGiven(_Sentinel):
    """A per-call option left at the client's setting (distinct from an explicit None)."""

    __slots__ = ()
    _name = "NOT_GIVEN"


UNSET: Final = Unset()
NOT_GIVEN: Final = NotGiven()

TimeoutTypes: TypeAlias = float | httpx.Timeout | None
"""Seconds for every phase, an `httpx.Timeout` per phase (an `httpx2.Timeout` works too), or None."""
SyncHTTPClient: TypeAlias = "httpx.Client | httpx2.Client"
"""What ``http_client=`` takes on a sync client: a configured client of either HTTP stack."""
AsyncHTTPClient: TypeAlias = "httpx.AsyncClient | httpx2.AsyncClient"
