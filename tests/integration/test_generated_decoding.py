"""What the generated models do with real server bodies, over loopback HTTP to FakeSendmux:
open enums, unknown fields kept, odd fields kept raw (lenient, the default) or a clear typed error
(`strict_response_validation=True`), bad bodies always an error, aware timestamps.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Iterator

import pytest

import sendmux
from sendmux import APIResponseValidationError, AsyncSendmux, Sendmux, _model
from sendmux.testing import FakeSendmux
from sendmux.types import ProviderListItem, ProviderListItemStatus


@pytest.fixture
def client(sendmux_client: Sendmux) -> Sendmux:
    return sendmux_client


@pytest.fixture
def strict(fake: FakeSendmux) -> Iterator[Sendmux]:
    with Sendmux(api_key=fake.api_key, base_url=fake.url, strict_response_validation=True) as client:
        yield client


@pytest.fixture(autouse=True)
def fresh_warnings() -> None:
    # Warnings are once per (model, field) per process; each test starts from none.
    _model._warned.clear()


def test_one_unknown_status_does_not_sink_the_list(fake: FakeSendmux, client: Sendmux) -> None:
    # The official SDK rejects the whole page when one account is "suspended"; we keep the value.
    fake.seed("sending_accounts", 3, each=lambda i: {"status": ["active", "suspended", "error"][i]})
    accounts = list(client.sending_accounts.list())
    assert [a.status for a in accounts] == ["active", "suspended", "error"]
    suspended = accounts[1].status
    assert isinstance(suspended, ProviderListItemStatus)
    assert suspended.value == "suspended" and not suspended.is_known
    assert accounts[0].status is ProviderListItemStatus.ACTIVE and accounts[0].status.is_known
    # It survives a round trip to the wire unchanged.
    assert accounts[1].to_dict()["status"] == "suspended"


def test_unknown_fields_are_kept_on_models(fake: FakeSendmux, client: Sendmux) -> None:
    domain = client.domains.create(domain="keep.example.com")
    fake.faults.add("unknown_field", route="managementGetDomain")
    got = client.domains.get(domain.id, if_none_match=sendmux.UNSET)
    assert got.additional_properties, "the fake added fields the spec does not have"
    name = next(iter(got.additional_properties))
    assert got[name] == got.additional_properties[name] and name in got
    assert got.to_dict()[name] == got.additional_properties[name]
    assert got.domain == "keep.example.com"


def test_strict_a_missing_required_field_names_model_and_field(fake: FakeSendmux, strict: Sendmux) -> None:
    domain = strict.domains.create(domain="missing.example.com")
    fake.faults.add("missing_field", route="managementGetDomain", field="domain")
    with pytest.raises(APIResponseValidationError) as info:
        strict.domains.get(domain.id)
    err = info.value
    assert "MailboxDomain.domain" in str(err) and "missing" in str(err)
    assert err.status_code == 200 and err.request_id
    assert isinstance(err, sendmux.SendmuxError)


def test_strict_a_wrong_type_names_model_and_field(fake: FakeSendmux, strict: Sendmux) -> None:
    (account,) = fake.seed("sending_accounts", 1, name=12345)
    with pytest.raises(APIResponseValidationError) as info:
        strict.sending_accounts.get(account["id"])
    assert "ProviderItem.name" in str(info.value) and "expected str, got int" in str(info.value)


def test_lenient_a_missing_required_field_is_none_and_logged_once(
    fake: FakeSendmux, client: Sendmux, caplog: pytest.LogCaptureFixture
) -> None:
    domain = client.domains.create(domain="missing.example.com")
    fake.faults.add("missing_field", route="managementGetDomain", field="domain", times=2)
    with caplog.at_level(logging.WARNING, logger="sendmux"):
        got = client.domains.get(domain.id, if_none_match=sendmux.UNSET)
        again = client.domains.get(domain.id, if_none_match=sendmux.UNSET)
    assert got.domain is None and again.domain is None
    assert got.id == domain.id and isinstance(got.created_at, datetime.datetime)
    warnings = [
        r for r in caplog.records if r.levelno == logging.WARNING and "MailboxDomain.domain" in r.message
    ]
    assert len(warnings) == 1, "the first occurrence per (model, field) is logged, not every one"
    assert sendmux.get_request_id(got) in warnings[0].message and "missing" in warnings[0].message


def test_lenient_a_wrong_type_keeps_the_raw_value(
    fake: FakeSendmux, client: Sendmux, caplog: pytest.LogCaptureFixture
) -> None:
    (account,) = fake.seed("sending_accounts", 1, name=12345)
    with caplog.at_level(logging.WARNING, logger="sendmux"):
        got = client.sending_accounts.get(account["id"])
    assert got.name == 12345  # type: ignore[comparison-overlap]
    assert got.id == account["id"] and isinstance(got.created_at, datetime.datetime)
    (record,) = [r for r in caplog.records if "ProviderItem.name" in r.message]
    assert "expected str, got int" in record.message and sendmux.get_request_id(got) in record.message


def test_lenient_one_bad_timestamp_does_not_sink_the_page(fake: FakeSendmux, client: Sendmux) -> None:
    fake.seed("sending_accounts", 3, each=lambda i: {"created_at": "string"} if i == 1 else {})
    accounts = list(client.sending_accounts.list())
    assert [type(a.created_at) for a in accounts] == [datetime.datetime, str, datetime.datetime]
    assert accounts[1].created_at == "string"
    assert all(isinstance(a.updated_at, datetime.datetime) for a in accounts)


@pytest.mark.parametrize("fault", ["invalid_json"])
def test_lenient_a_body_that_is_not_json_still_raises(fake: FakeSendmux, client: Sendmux, fault: str) -> None:
    domain = client.domains.create(domain="broken.example.com")
    fake.faults.add(fault, route="managementGetDomain")
    with pytest.raises(sendmux.SendmuxError):
        client.domains.get(domain.id, if_none_match=sendmux.UNSET)


def test_lenient_the_wrong_container_still_raises() -> None:
    # A model handed a list (what a page gives where an object was documented) is never "kept raw".
    with (
        _model.lenient_decoding("req_x"),
        pytest.raises(sendmux.ModelDecodeError, match="expected a JSON object"),
    ):
        ProviderListItem.from_dict([])  # type: ignore[arg-type]


def test_timestamps_are_aware_and_encode_back_with_z(client: Sendmux) -> None:
    domain = client.domains.create(domain="time.example.com")
    assert isinstance(domain.created_at, datetime.datetime) and domain.created_at.tzinfo is not None
    assert domain.to_dict()["created_at"].endswith("Z")


def test_decoding_straight_from_dicts() -> None:
    page_item = {
        "id": "dprov_1",
        "status": "brand_new_status",
        "created_at": "2026-05-25T02:18:00+02:00",
    }
    with pytest.raises(sendmux.SendmuxError) as info:
        ProviderListItem.from_dict(page_item)  # most required fields absent
    assert "ProviderListItem." in str(info.value)
    with pytest.raises(sendmux.SendmuxError, match="expected a JSON object, got list"):
        ProviderListItem.from_dict([])  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_async_client_keeps_unknown_enum_values(fake: FakeSendmux) -> None:
    fake.seed("sending_accounts", 2, each=lambda i: {"status": ["suspended", "active"][i]})
    async with AsyncSendmux(api_key=fake.api_key, base_url=fake.url) as client:
        statuses = [a.status async for a in client.sending_accounts.list()]
    assert statuses == ["suspended", "active"]
    assert not statuses[0].is_known


def test_decoded_models_copy_and_pickle(client: Sendmux) -> None:
    import copy
    import pickle

    created = client.webhooks.create(url="http://127.0.0.1:9/hook", event_types=["message.delivered"])
    got = client.webhooks.get(created.id)
    assert copy.deepcopy(got) == got
    assert pickle.loads(pickle.dumps(got)) == got
    assert sendmux.get_request_id(got)  # the request id travels on the object, outside the API fields
    assert "_request_id" not in got.to_dict()


def test_strictness_is_kept_by_with_options_and_checked(fake: FakeSendmux) -> None:
    with Sendmux(api_key=fake.api_key, base_url=fake.url, strict_response_validation=True) as strict:
        copy = strict.with_options(max_retries=0)
        (account,) = fake.seed("sending_accounts", 1, name=12345)
        with pytest.raises(APIResponseValidationError, match="ProviderItem.name"):
            copy.sending_accounts.get(account["id"])
    with pytest.raises((TypeError, sendmux.ConfigurationError), match="strict_response_validation"):
        Sendmux(api_key=fake.api_key, base_url=fake.url, strict_response_validation="yes")  # type: ignore[arg-type]


def test_present_fields_copies_into_an_update_without_clearing_what_was_absent(
    fake: FakeSendmux, client: Sendmux
) -> None:
    (source,) = fake.seed("mailboxes", 1, display_name="Support", quota_bytes=1073741824)
    (target,) = fake.seed("mailboxes", 1, display_name="Sales")
    fake.faults.add("missing_field", route="managementGetMailbox", field="display_name")
    got = client.mailboxes.get(source["id"])
    assert got.display_name is None and "display_name" not in got.fields_set  # absent, not null
    assert "quota_bytes" in got.fields_set

    client.mailboxes.update(target["id"], **sendmux.present_fields(got, "display_name", "quota_bytes"))
    sent = json.loads(fake.requests[-1].body)
    assert sent == {"quota_bytes": 1073741824}  # the absent field is left out, so left alone
    assert fake.get("mailboxes", target["id"])["display_name"] == "Sales"

    # The trap present_fields avoids: the attribute reads None, and None sends JSON null, which clears.
    client.mailboxes.update(target["id"], display_name=got.display_name)
    assert json.loads(fake.requests[-1].body) == {"display_name": None}
    assert fake.get("mailboxes", target["id"])["display_name"] is None
