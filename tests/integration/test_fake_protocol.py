"""FakeSendmux protocol behaviour over real HTTP: envelope, auth, permissions, ETags, idempotency,
pagination, rate limits, teams, counters and the request log."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sendmux.testing import FakeSendmux


class Http:
    def __init__(self, fake: FakeSendmux, key: str | None = None) -> None:
        self.fake = fake
        self.key = key or fake.api_key
        self.client = httpx.Client(base_url=fake.url, timeout=10)

    def __call__(self, method: str, path: str, body: Any = None, **headers: str) -> httpx.Response:
        h = {"Authorization": f"Bearer {self.key}"}
        h.update({k.replace("_", "-"): v for k, v in headers.items()})
        content = json.dumps(body).encode() if body is not None else None
        if content is not None:
            h["Content-Type"] = "application/json"
        return self.client.request(method, path, content=content, headers=h)


@pytest.fixture
def http(fake: FakeSendmux) -> Iterator[Http]:
    h = Http(fake)
    yield h
    h.client.close()


def test_envelope_request_id_and_rate_headers(fake: FakeSendmux, http: Http) -> None:
    assert fake.url.startswith("http://127.0.0.1:") and fake.url.endswith("/api/v1")
    assert fake.api_key.startswith("smx_root_")
    r = http("GET", "/me")
    body = r.json()
    assert r.status_code == 200 and body["ok"] is True
    assert body["meta"]["request_id"] == r.headers["x-request-id"]
    assert body["meta"]["request_id"].startswith("req_")
    assert r.headers["x-ratelimit-limit"] == "600"
    assert int(r.headers["x-ratelimit-remaining"]) == 599
    assert int(r.headers["x-ratelimit-reset"]) >= int(time.time())
    assert r.headers["cache-control"] == "no-store"
    assert body["data"]["permissions"] == ["root:full"]


def test_errors_carry_the_full_envelope(http: Http) -> None:
    r = http("POST", "/domains", {"mode": "sideways", "extra": True})
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "invalid_parameter" and error["retryable"] is False
    assert error["doc_url"].endswith("#invalid_parameter")
    fields = {(e["field"], e["code"]) for e in error["errors"]}
    assert fields == {("domain", "required"), ("mode", "invalid_enum"), ("extra", "unknown_field")}
    r = http("POST", "/domains", {})
    assert r.json()["error"]["code"] == "missing_parameter" and r.json()["error"]["param"] == "domain"
    r = http("POST", "/mailboxes", {"email": "bot@nowhere.example"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"
    assert r.json()["error"]["errors"][0]["field"] == "email"
    assert http("GET", "/no/such/route").status_code == 404


def test_authentication(fake: FakeSendmux) -> None:
    with httpx.Client(base_url=fake.url) as c:
        assert c.get("/me").json()["error"]["code"] == "authentication_required"
        assert c.get("/me", headers={"Authorization": "Bearer smx_root_nope"}).status_code == 401
        assert c.get("/me", headers={"Authorization": f"Token {fake.api_key}"}).status_code == 401


def test_permissions_with_wildcards_and_roles(fake: FakeSendmux) -> None:
    domains = Http(fake, fake.create_key(["domain.*"]))
    assert domains("POST", "/domains", {"domain": "a.example.com"}).status_code == 201
    assert domains("GET", "/domains").status_code == 200
    denied = domains("GET", "/webhooks")
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "insufficient_permissions"
    assert denied.json()["error"]["param"] == "webhook.read"
    assert domains("GET", "/me").status_code == 200  # /me needs no permission
    readonly = Http(fake, fake.create_key(["root:readonly"]))
    assert readonly("GET", "/billing/balance").status_code == 200
    assert readonly("GET", "/mailboxes").status_code == 200
    assert (
        readonly(
            "POST", "/webhooks", {"url": "https://x.example", "event_types": ["sendmux.test"]}
        ).status_code
        == 403
    )
    exact = Http(fake, fake.create_key(["domain.read"]))
    assert exact("GET", "/domains").status_code == 200
    assert exact("POST", "/domains/mdom_x/verify").status_code == 403  # checked before existence


def test_other_teams_ids_are_not_found(fake: FakeSendmux, http: Http) -> None:
    mine = http("POST", "/domains", {"domain": "mine.example.com"}).json()["data"]["id"]
    other_team = fake.create_team("Rival")
    theirs = Http(fake, fake.create_key(team=other_team))
    assert theirs("GET", f"/domains/{mine}").status_code == 404
    assert theirs("DELETE", f"/domains/{mine}").status_code == 404
    assert theirs("GET", "/domains").json()["data"] == []
    assert theirs("GET", "/me").json()["data"]["team"]["id"] == other_team
    assert fake.count("domains", team=other_team) == 0 and fake.count("domains") == 1


def test_etags_if_none_match_and_if_match(http: Http) -> None:
    created = http("POST", "/webhooks", {"url": "https://x.example/h", "event_types": ["sendmux.test"]})
    wid = created.json()["data"]["id"]
    first = http("GET", f"/webhooks/{wid}")
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    not_modified = http("GET", f"/webhooks/{wid}", If_None_Match=etag)
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified.headers["etag"] == etag
    assert http("GET", f"/webhooks/{wid}", If_None_Match='W/"other"').status_code == 200
    updated = http("PATCH", f"/webhooks/{wid}", {"name": "v2"}, If_Match=etag)
    assert updated.status_code == 200 and updated.headers["etag"] != etag
    stale = http("PATCH", f"/webhooks/{wid}", {"name": "v3"}, If_Match=etag)
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    assert http("GET", f"/webhooks/{wid}").json()["data"]["name"] == "v2"  # the stale write did nothing
    assert http("GET", f"/webhooks/{wid}", If_None_Match=etag).status_code == 200
    assert (
        http("PATCH", f"/webhooks/{wid}", {"name": "v3"}, If_Match=updated.headers["etag"]).status_code == 200
    )
    assert http("DELETE", f"/webhooks/{wid}", If_Match=etag).status_code == 409


def test_idempotency_key_replays_the_first_response(fake: FakeSendmux, http: Http) -> None:
    body = {"domain": "idem.example.com"}
    first = http("POST", "/domains", body, Idempotency_Key="k-1")
    again = http("POST", "/domains", body, Idempotency_Key="k-1")
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again.headers["x-request-id"] == first.headers["x-request-id"]
    assert again.headers["idempotent-replayed"] == "true"
    assert fake.count("domains") == 1
    assert fake.counters.created["domains"] == 1 and fake.counters.replayed["POST /domains"] == 1
    conflict = http("POST", "/domains", {"domain": "other.example.com"}, Idempotency_Key="k-1")
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "idempotency_conflict"
    # A fresh key creates; failures are not stored, so a retry after a 409 conflict is re-evaluated.
    assert http("POST", "/domains", body, Idempotency_Key="k-2").status_code == 409
    assert http("POST", "/domains", {"domain": "two.example.com"}, Idempotency_Key="k-2").status_code == 201
    # Keys are per operation: the same key on another operation is independent.
    hook = {"url": "https://x.example/h", "event_types": ["sendmux.test"]}
    assert http("POST", "/webhooks", hook, Idempotency_Key="k-1").status_code == 201


def test_idempotent_rotate_secret_is_bound_to_its_webhook(http: Http) -> None:
    hook = {"url": "https://x.example/h", "event_types": ["sendmux.test"]}
    a = http("POST", "/webhooks", hook).json()["data"]["id"]
    b = http("POST", "/webhooks", hook).json()["data"]["id"]
    first = http("POST", f"/webhooks/{a}/rotate-secret", Idempotency_Key="rot")
    assert http("POST", f"/webhooks/{a}/rotate-secret", Idempotency_Key="rot").content == first.content
    assert http("POST", f"/webhooks/{b}/rotate-secret", Idempotency_Key="rot").status_code == 409


def test_pagination_walks_every_item_once(fake: FakeSendmux, http: Http) -> None:
    seeded = fake.seed("sending_accounts", 25, each=lambda i: {"name": f"acct-{i:02d}"})
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        path = "/providers?limit=10" + (f"&cursor={cursor}" if cursor else "")
        r = http("GET", path).json()
        seen += [a["id"] for a in r["data"]]
        pages += 1
        if not r["pagination"]["has_more"]:
            assert "next_cursor" not in r["pagination"]
            break
        cursor = r["pagination"]["next_cursor"]
    assert seen == [a["id"] for a in seeded] and pages == 3
    default = http("GET", "/providers").json()
    assert len(default["data"]) == 25 and default["pagination"] == {"has_more": False}
    assert http("GET", "/providers?limit=101").status_code == 400
    assert http("GET", "/providers?cursor=bogus").json()["error"]["param"] == "cursor"


def test_cursor_survives_deleting_the_item_it_names(fake: FakeSendmux, http: Http) -> None:
    ids = [d["id"] for d in fake.seed("domains", 5)][::-1]  # domains list newest first
    page = http("GET", "/domains?limit=2").json()
    assert [d["id"] for d in page["data"]] == ids[:2]
    assert http("DELETE", f"/domains/{page['pagination']['next_cursor']}").status_code == 200
    rest = http("GET", f"/domains?limit=10&cursor={page['pagination']['next_cursor']}").json()
    assert [d["id"] for d in rest["data"]] == ids[2:]


def test_filters_on_lists(fake: FakeSendmux, http: Http) -> None:
    fake.seed("sending_accounts", 6, each=lambda i: {"status": ["active", "inactive", "error"][i % 3]})
    inactive = http("GET", "/providers?status=inactive").json()["data"]
    assert len(inactive) == 2 and {a["is_active"] for a in inactive} == {False}
    assert http("GET", "/providers?status=paused").status_code == 400


def test_rate_limit_window_and_retry_after() -> None:
    with FakeSendmux(rate_limit=3, rate_window=1.5) as fake:  # wide enough for a loaded machine
        http = Http(fake)
        remaining = [http("GET", "/me").headers["x-ratelimit-remaining"] for _ in range(3)]
        assert remaining == ["2", "1", "0"]
        limited = http("GET", "/me")
        assert limited.status_code == 429
        assert limited.json()["error"] == {
            "code": "rate_limit_exceeded",
            "message": limited.json()["error"]["message"],
            "doc_url": "https://sendmux.ai/docs/api/errors#rate_limit_exceeded",
            "retryable": True,
        }
        assert int(limited.headers["retry-after"]) >= 1
        other = Http(fake, fake.create_key())
        assert other("GET", "/me").status_code == 200  # limits are per key
        deadline = time.monotonic() + 10
        while http("GET", "/me").status_code == 429:  # the window passes
            assert time.monotonic() < deadline
            time.sleep(0.05)


def test_rate_limit_can_be_switched_off() -> None:
    with FakeSendmux(rate_limit=None) as fake:
        http = Http(fake)
        assert all(http("GET", "/me").status_code == 200 for _ in range(700))


def test_counters_and_request_log(fake: FakeSendmux, http: Http) -> None:
    http("POST", "/domains", {"domain": "count.example.com"}, Idempotency_Key="c1")
    http("POST", "/domains", {"domain": "count.example.com"}, Idempotency_Key="c1")
    http("GET", "/domains")
    snap = fake.counters.snapshot()
    assert snap["requests"] == {"POST /domains": 2, "GET /domains": 1}
    assert snap["applied"] == {"POST /domains": 1, "GET /domains": 1}
    assert snap["created"] == {"domains": 1}
    assert snap["statuses"] == {201: 2, 200: 1}
    log = fake.requests
    assert [r.route for r in log] == ["POST /domains", "POST /domains", "GET /domains"]
    assert log[0].headers["idempotency-key"] == "c1" and json.loads(log[0].body) == {
        "domain": "count.example.com"
    }
    assert log[0].operation_id == "managementCreateDomain" and log[0].status == 201
    fake.reset()
    assert fake.counters.snapshot()["requests"] == {} and fake.requests == [] and fake.count("domains") == 0


def test_seed_and_inspect(fake: FakeSendmux, http: Http) -> None:
    accounts = fake.seed("sending_accounts", 3, status="inactive")
    assert {a["is_active"] for a in accounts} == {False}
    hooks = fake.seed("webhooks", secret="whsec_known", url="http://127.0.0.1:9/x")
    assert hooks[0]["secret"] == "whsec_known" and fake.webhook_secrets(hooks[0]["id"]) == ["whsec_known"]
    assert fake.get("sending_accounts", accounts[0]["id"]) == accounts[0]
    assert fake.objects("providers") == accounts  # alias
    assert http("GET", f"/providers/{accounts[1]['id']}").json()["data"] == accounts[1]
    verified = fake.seed("domains", domain="in.example.com", verification_status="verified")[0]
    assert verified["verified_at"] is not None
    assert http("POST", "/mailboxes", {"email": "bot@in.example.com"}).status_code == 201
    assert fake.counters.created["mailboxes"] == 1 and fake.counters.created.get("domains", 0) == 0
    with pytest.raises(ValueError, match="no field"):
        fake.seed("domains", colour="blue")
    with pytest.raises(ValueError, match="cannot seed"):
        fake.seed("teams")  # type: ignore[arg-type]


def test_keep_alive_reuses_one_connection(fake: FakeSendmux) -> None:
    with httpx.Client(base_url=fake.url, headers={"Authorization": f"Bearer {fake.api_key}"}) as c:
        ports = set()
        for _ in range(20):
            r = c.get("/me", extensions={})
            assert r.status_code == 200 and r.http_version == "HTTP/1.1"
            stream = r.extensions["network_stream"]
            ports.add(stream.get_extra_info("client_addr")[1])
        assert len(ports) == 1


def test_seeded_mailboxes_count_on_their_domain(fake: FakeSendmux, http: Http) -> None:
    domain = fake.seed("domains", domain="team.example.com", verification_status="verified")[0]
    fake.seed("mailboxes", 2, each=lambda i: {"email": f"m{i}@team.example.com"})
    assert http("GET", f"/domains/{domain['id']}").json()["data"]["mailbox_count"] == 2
    assert http("DELETE", f"/domains/{domain['id']}").status_code == 409


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("domains", "/domains"),
        ("mailboxes", "/mailboxes"),
        ("webhooks", "/webhooks"),
        ("sending_accounts", "/providers"),
    ],
)
def test_list_order(fake: FakeSendmux, http: Http, kind: str, path: str) -> None:
    """Newest first where the spec says `created_at` descending; sending accounts (no order named) oldest first."""
    seeded = [x["id"] for x in fake.seed(kind, 3)]  # type: ignore[arg-type]
    listed = [x["id"] for x in http("GET", path).json()["data"]]
    assert listed == (seeded if kind == "sending_accounts" else seeded[::-1])
