"""The official `sendmux-management` SDK: what a user would pick instead (runs in its own venv)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from bench import canned
from bench.base import API_KEY, OFFICIAL, Contender


class Official(Contender):
    name = OFFICIAL
    import_snippet = (
        "import sendmux_management\n"
        "c = sendmux_management.create_management_client(api_key={key!r}, base_url={url!r})"
    )

    def __init__(self, url: str) -> None:
        super().__init__(url)
        # Installed only in the official SDK's venv, where this class runs.
        from sendmux_core.pagination import iter_cursor_pages  # type: ignore[import-not-found]
        from sendmux_management import (  # type: ignore[import-not-found]
            SendingAccountsApi,
            create_management_client,
        )
        from sendmux_management.models.provider_list_item import (  # type: ignore[import-not-found]
            ProviderListItem,
        )

        self._iter_cursor_pages = iter_cursor_pages
        self._from_dict = ProviderListItem.from_dict
        self.client = create_management_client(api_key=API_KEY, base_url=url)
        self.api = SendingAccountsApi(self.client)

    def get_one(self) -> Any:
        return self.api.management_get_provider(public_id=canned.PROVIDER_ID).data

    def list_100(self) -> Any:
        return self.api.management_list_providers(limit=100).data

    def decode(self, body: bytes) -> Any:
        from_dict = self._from_dict
        return [from_dict(item) for item in json.loads(body)["data"]]

    def iterate(self) -> Iterator[Any]:
        # The SDK's own helper (sendmux-core) is how its users paginate.
        list_page = self.api.management_list_providers
        pages: Iterator[Any] = self._iter_cursor_pages(lambda cursor: list_page(cursor=cursor, limit=100))
        return pages
