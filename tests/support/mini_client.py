"""A tiny hand-made client over the runtime (no generated code): one resource, ``things``.

It exercises the runtime exactly as generated resources do (docs/runtime-contract.md), with operations
chosen to cover every runtime rule: conditional GET, paginated list, idempotent create, If-Match update,
a non-idempotent POST action, a text response and an empty one.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any

from attrs import define, field

from sendmux._base_client import AsyncAPIClient, SyncAPIClient
from sendmux._decoding import ModelDecodeError
from sendmux._operation import Operation
from sendmux._pagination import AsyncPaginator, SyncCursorPage
from sendmux._raw_response import async_to_raw_response_wrapper, to_raw_response_wrapper
from sendmux._request_options import RequestOptions
from sendmux._resource import AsyncAPIResource, SyncAPIResource
from sendmux._types import NOT_GIVEN, UNSET, NotGiven, TimeoutTypes, Unset

OP_GET = Operation("getThing", "GET", "/things/{id}", "things", "get", "thing.read", if_none_match=True)
OP_LIST = Operation("listThings", "GET", "/things", "things", "list", "thing.read", paginated=True)
OP_CREATE = Operation(
    "createThing", "POST", "/things", "things", "create", "thing.create", idempotency_key=True
)
OP_UPDATE = Operation(
    "updateThing", "PATCH", "/things/{id}", "things", "update", "thing.update", if_match=True
)
OP_DELETE = Operation("deleteThing", "DELETE", "/things/{id}", "things", "delete", "thing.delete")
OP_VERIFY = Operation("verifyThing", "POST", "/things/{id}/verify", "things", "verify", "thing.verify")
OP_ZONE = Operation("zoneThing", "GET", "/things/{id}/zone", "things", "zone", "thing.read", response="text")
OP_PURGE = Operation("purgeThing", "DELETE", "/things/{id}/purge", "things", "purge", None, response="empty")


@define(slots=False)
class Thing:
    id: str
    name: str
    tags: list[str] = field(factory=list)

    @classmethod
    def from_dict(cls, src: Any) -> Thing:
        if not isinstance(src, dict):
            raise ModelDecodeError("Thing", "", "expected an object")
        try:
            return cls(id=src["id"], name=src["name"], tags=list(src.get("tags", [])))
        except KeyError as exc:
            raise ModelDecodeError("Thing", str(exc), "missing") from None


def thing(id: str = "t1", name: str = "one", **extra: Any) -> dict[str, Any]:
    return {"id": id, "name": name, "tags": ["a"], **extra}


_Opts = dict[str, Any]


def _opts(
    extra_headers: Mapping[str, str] | None,
    extra_query: Mapping[str, object] | None,
    timeout: TimeoutTypes | NotGiven,
    max_retries: int | NotGiven,
) -> _Opts:
    return {
        "extra_headers": extra_headers,
        "extra_query": extra_query,
        "timeout": timeout,
        "max_retries": max_retries,
    }


class Things(SyncAPIResource):
    @cached_property
    def with_raw_response(self) -> ThingsWithRawResponse:
        return ThingsWithRawResponse(self)

    def get(
        self,
        id: str,
        *,
        if_none_match: str | Unset = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Thing:
        return self._client._request(
            OP_GET,
            RequestOptions(
                path_params=(id,),
                headers={"If-None-Match": if_none_match},
                cast=Thing.from_dict,
                **_opts(extra_headers, extra_query, timeout, max_retries),
            ),
        )

    def list(
        self,
        *,
        limit: int | Unset = UNSET,
        cursor: str | Unset = UNSET,
        status: str | Unset = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SyncCursorPage[Thing]:
        return self._client._request(
            OP_LIST,
            RequestOptions(
                query={"limit": limit, "cursor": cursor, "status": status},
                cast=Thing.from_dict,
                **_opts(extra_headers, extra_query, timeout, max_retries),
            ),
        )

    def create(
        self,
        *,
        name: str,
        tags: list[str] | Unset = UNSET,
        idempotency_key: str | Unset = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Thing:
        return self._client._request(
            OP_CREATE,
            RequestOptions(
                headers={"Idempotency-Key": idempotency_key},
                body={"name": name, "tags": tags},
                cast=Thing.from_dict,
                **_opts(extra_headers, extra_query, timeout, max_retries),
            ),
        )

    def update(
        self,
        id: str,
        *,
        name: str | None | Unset = UNSET,
        if_match: str | Unset = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Thing:
        return self._client._request(
            OP_UPDATE,
            RequestOptions(
                path_params=(id,),
                headers={"If-Match": if_match},
                body={"name": name},
                cast=Thing.from_dict,
                **_opts(extra_headers, extra_query, timeout, max_retries),
            ),
        )

    def delete(self, id: str, *, max_retries: int | NotGiven = NOT_GIVEN) -> Any:
        return self._client._request(
            OP_DELETE, RequestOptions(path_params=(id,), cast=dict, max_retries=max_retries)
        )

    def verify(
        self,
        id: str,
        *,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Thing:
        return self._client._request(
            OP_VERIFY,
            RequestOptions(
                path_params=(id,),
                body={},
                cast=Thing.from_dict,
                max_retries=max_retries,
                extra_headers=extra_headers,
            ),
        )

    def zone(self, id: str) -> str:
        return self._client._request(OP_ZONE, RequestOptions(path_params=(id,), cast=str))

    def purge(self, id: str) -> None:
        return self._client._request(OP_PURGE, RequestOptions(path_params=(id,), cast=lambda _: None))


class ThingsWithRawResponse:
    def __init__(self, resource: Things) -> None:
        self.get = to_raw_response_wrapper(resource.get)
        self.list = to_raw_response_wrapper(resource.list)
        self.create = to_raw_response_wrapper(resource.create)


class AsyncThings(AsyncAPIResource):
    @cached_property
    def with_raw_response(self) -> AsyncThingsWithRawResponse:
        return AsyncThingsWithRawResponse(self)

    async def get(
        self,
        id: str,
        *,
        if_none_match: str | Unset = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Thing:
        return await self._client._request(
            OP_GET,
            RequestOptions(
                path_params=(id,),
                headers={"If-None-Match": if_none_match},
                cast=Thing.from_dict,
                **_opts(extra_headers, extra_query, timeout, max_retries),
            ),
        )

    def list(
        self,
        *,
        limit: int | Unset = UNSET,
        cursor: str | Unset = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> AsyncPaginator[Thing]:
        return self._client._request(
            OP_LIST,
            RequestOptions(
                query={"limit": limit, "cursor": cursor},
                cast=Thing.from_dict,
                **_opts(extra_headers, extra_query, timeout, max_retries),
            ),
        )

    async def create(
        self,
        *,
        name: str,
        idempotency_key: str | Unset = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Thing:
        return await self._client._request(
            OP_CREATE,
            RequestOptions(
                headers={"Idempotency-Key": idempotency_key},
                body={"name": name},
                cast=Thing.from_dict,
                **_opts(extra_headers, extra_query, timeout, max_retries),
            ),
        )

    async def update(self, id: str, *, name: str | Unset = UNSET, if_match: str | Unset = UNSET) -> Thing:
        return await self._client._request(
            OP_UPDATE,
            RequestOptions(
                path_params=(id,), headers={"If-Match": if_match}, body={"name": name}, cast=Thing.from_dict
            ),
        )

    async def verify(self, id: str, *, max_retries: int | NotGiven = NOT_GIVEN) -> Thing:
        return await self._client._request(
            OP_VERIFY,
            RequestOptions(path_params=(id,), body={}, cast=Thing.from_dict, max_retries=max_retries),
        )


class AsyncThingsWithRawResponse:
    def __init__(self, resource: AsyncThings) -> None:
        self.get = async_to_raw_response_wrapper(resource.get)
        self.list = async_to_raw_response_wrapper(resource.list)
        self.create = async_to_raw_response_wrapper(resource.create)


class Mini(SyncAPIClient):
    @cached_property
    def things(self) -> Things:
        return Things(self)


class AsyncMini(AsyncAPIClient):
    @cached_property
    def things(self) -> AsyncThings:
        return AsyncThings(self)


class FakeTime:
    """Injected clock + sleep: sleeping advances the clock and is recorded, nothing really waits."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


SECRET = "sk_test_S3cr3tValue_abcdef"


def make_client(base_url: str, time: FakeTime | None = None, **kwargs: Any) -> Mini:
    kwargs.setdefault("api_key", SECRET)
    client = Mini(base_url=base_url, **kwargs)
    if time is not None:
        client._clock = time.clock
        client._sleep = time.sleep
    client._random = lambda: 0.5  # deterministic jitter
    return client


def make_async_client(base_url: str, time: FakeTime | None = None, **kwargs: Any) -> AsyncMini:
    kwargs.setdefault("api_key", SECRET)
    client = AsyncMini(base_url=base_url, **kwargs)
    if time is not None:
        client._clock = time.clock
        client._sleep = time.asleep
    client._random = lambda: 0.5
    return client
