"""FakeSendmux follows the rules the spec's operation descriptions state (over real HTTP)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from support.fake_http import fake_http

from sendmux.testing import FakeSendmux


@pytest.fixture
def api(fake: FakeSendmux) -> Iterator[httpx.Client]:
    with fake_http(fake) as c:
        yield c


def data(response: httpx.Response) -> Any:
    assert response.status_code < 300, response.text
    return response.json()["data"]


def test_if_match_conflict_echoes_the_current_etag(api: httpx.Client) -> None:
    hook = data(api.post("/webhooks", json={"url": "https://x.example/h", "event_types": ["sendmux.test"]}))
    current = api.get(f"/webhooks/{hook['id']}").headers["etag"]
    stale = api.patch(f"/webhooks/{hook['id']}", json={"name": "x"}, headers={"If-Match": 'W/"old"'})
    assert stale.status_code == 409 and stale.headers["etag"] == current


def test_domain_upgrade_returns_to_pending_and_nothing_else_is_allowed(
    fake: FakeSendmux, api: httpx.Client
) -> None:
    domain = fake.seed("domains", mode="send_only", verification_status="verified")[0]
    upgraded = data(api.patch(f"/domains/{domain['id']}", json={"mode": "send_receive"}))
    assert upgraded["mode"] == "send_receive"
    assert upgraded["verification_status"] == "pending" and upgraded["verified_at"] is None
    again = api.patch(f"/domains/{domain['id']}", json={"mode": "send_receive"})
    assert again.status_code == 422 and again.json()["error"]["code"] == "validation_error"
    assert api.patch(f"/domains/{domain['id']}", json={"mode": "send_only"}).status_code == 400


def test_verification_outcome_follows_the_name(api: httpx.Client) -> None:
    for name, status in (
        ("ok.example.com", "verified"),
        ("fail.example.com", "failed"),
        ("pending.x.io", "pending"),
    ):
        domain = data(api.post("/domains", json={"domain": name}))
        assert data(api.post(f"/domains/{domain['id']}/verify"))["status"] == status
        assert data(api.get(f"/domains/{domain['id']}"))["verification_status"] == status


def test_suspend_and_resume_are_idempotent(fake: FakeSendmux, api: httpx.Client) -> None:
    box = fake.seed("mailboxes")[0]["id"]
    assert [data(api.post(f"/mailboxes/{box}/suspend"))["status"] for _ in range(2)] == ["suspended"] * 2
    assert api.post(f"/mailboxes/{box}/keys", json={"app_name": "ci"}).status_code == 409
    assert [data(api.post(f"/mailboxes/{box}/resume"))["status"] for _ in range(2)] == ["active"] * 2


def test_key_revocation_is_idempotent(api: httpx.Client) -> None:
    box = data(api.post("/mailboxes", json={"email": "keys@myagent.mx"}))
    mailbox_id, key_id = box["mailbox"]["id"], box["credential"]["public_id"]
    assert data(api.delete(f"/mailboxes/{mailbox_id}/keys/{key_id}")) == {"deleted": True, "id": key_id}
    assert api.delete(f"/mailboxes/{mailbox_id}/keys/{key_id}").status_code == 200
    assert api.delete(f"/mailboxes/{mailbox_id}/keys/smx_nope").status_code == 404


def test_availability_is_global_on_myagent_and_per_team_elsewhere(
    fake: FakeSendmux, api: httpx.Client
) -> None:
    other = fake.create_team()
    fake.seed("mailboxes", email="taken@myagent.mx", team=other)
    fake.seed("domains", domain="corp.example.com", verification_status="verified", team=other)
    fake.seed("mailboxes", email="ceo@corp.example.com", team=other)
    fake.seed("domains", domain="corp.example.com", verification_status="verified")

    def reason(email: str) -> str:
        return str(data(api.get("/mailboxes/availability", params={"email": email}))["reason"])

    assert reason("taken@myagent.mx") == "taken"
    assert reason("ceo@corp.example.com") == "available"  # the other team's mailbox does not count
    assert reason("postmaster@myagent.mx") == "reserved"
    assert reason("x@unknown.example.com") == "domain_not_available"
    assert reason("not-an-address") == "invalid_email"


def test_shared_ses_account_on_request() -> None:
    with (
        FakeSendmux(shared_ses=True) as fake,
        httpx.Client(base_url=fake.url, headers={"Authorization": f"Bearer {fake.api_key}"}) as api,
    ):
        (shared,) = data(api.get("/providers"))
        assert shared["is_shared"] and shared["type"] == "amazon_ses"
        assert api.delete(f"/providers/{shared['id']}").status_code == 422
        assert api.post(f"/providers/{shared['id']}/test").status_code == 422
        assert api.patch(f"/providers/{shared['id']}", json={"smtp_host": "h"}).status_code == 422
        assert data(api.patch(f"/providers/{shared['id']}", json={"variables": {"a": "b"}}))["variables"] == {
            "a": "b"
        }
        assert data(api.post(f"/providers/{shared['id']}/deactivate"))["status"] == "inactive"
        assert data(api.get("/providers/limits"))["shared_amazon_ses"]["provider_id"] == shared["id"]
        assert data(api.post("/providers/shared-amazon-ses-limit-request"))["request"]["status"] == "pending"
    with FakeSendmux() as plain:
        assert plain.objects("sending_accounts") == []


def test_oauth_accounts_without_a_connection_activate_to_pending(
    fake: FakeSendmux, api: httpx.Client
) -> None:
    gmail = fake.seed(
        "sending_accounts", type="gmail_api", status="inactive", oauth_email="me@gmail.example"
    )[0]
    assert data(api.post(f"/providers/{gmail['id']}/activate"))["status"] == "pending"
    assert api.post(f"/providers/{gmail['id']}/test").status_code == 422  # OAuth accounts are not tested here


def test_deleted_webhook_drops_its_retries(fake: FakeSendmux, api: httpx.Client) -> None:
    hook = data(
        api.post("/webhooks", json={"url": "http://127.0.0.1:9/none", "event_types": ["sendmux.test"]})
    )
    api.post(f"/webhooks/{hook['id']}/test")
    assert api.delete(f"/webhooks/{hook['id']}").status_code == 200
    assert fake.wait_for_deliveries()
