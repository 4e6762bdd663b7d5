"""Base classes of the generated resource classes, and the attribute that hangs a resource on its owner."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast, overload

if TYPE_CHECKING:
    from ._async_client import AsyncAPIClient
    from ._sync_client import SyncAPIClient

__all__ = ["SyncAPIResource", "AsyncAPIResource", "resource_property"]

R = TypeVar("R")


class SyncAPIResource:
    """A group of API operations; it holds the client its methods send with, nothing else."""

    _client: SyncAPIClient

    def __init__(self, owner: SyncAPIClient | SyncAPIResource) -> None:
        # A sub-resource (`client.domains.filters`) is made from its parent and shares its client.
        self._client = owner._client if isinstance(owner, SyncAPIResource) else owner


class AsyncAPIResource:
    """A group of API operations of an async client; it holds the client, nothing else."""

    _client: AsyncAPIClient

    def __init__(self, owner: AsyncAPIClient | AsyncAPIResource) -> None:
        self._client = owner._client if isinstance(owner, AsyncAPIResource) else owner


class resource_property(Generic[R]):  # noqa: N801 - used as a decorator, like `property`
    """A resource attribute (`client.domains`, `client.domains.filters`, `….with_raw_response`).

    Decorates a function that returns the resource *class* (importing its module on first use, so
    making a client loads no resource module). Read on an instance, it is that class made from the
    instance, once, then kept on the instance; read on the class (`help(SendmuxMailbox.messages)`, an
    IDE), it is the resource class itself, so its methods and their documentation show.
    """

    def __init__(self, resource_class: Callable[[Any], type[R]]) -> None:
        self._resource_class = resource_class
        self._name = resource_class.__name__
        self.__doc__ = resource_class.__doc__

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self._name = name

    @overload
    def __get__(self, instance: None, owner: type[Any] | None = None) -> type[R]: ...

    @overload
    def __get__(self, instance: object, owner: type[Any] | None = None) -> R: ...

    def __get__(self, instance: object | None, owner: type[Any] | None = None) -> type[R] | R:
        cls = self._resource_class(instance)
        if instance is None:
            return cls
        # The resource classes take their owner (a client, or the parent resource) as the one argument.
        resource = cast("Callable[[object], R]", cls)(instance)
        instance.__dict__[self._name] = (
            resource  # later reads find it first (no __set__: not a data descriptor)
        )
        return resource
