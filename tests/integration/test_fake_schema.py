"""Every body FakeSendmux sends validates against the pinned spec's response schema for its operation and status.

One scenario drives all 54 Management operations over real HTTP (httpx, not the sendmux client), through
success and error paths, and checks each response with jsonschema (Draft 2020-12, `$ref`s resolved against
the whole spec).  A status the spec does not list for an operation (e.g. 429 on most routes) is checked
against the generic `ApiError` schema instead, and counted apart.

One normalisation, for a defect of the spec: a few properties say `type: [string, "null"]` with an `enum`
that lacks null (e.g. `WebhookEventData.bounce_type`, whose own example is null).  Strict JSON Schema then
rejects null, although the type (and the API) allow it; the validator adds null to such enums, and
`test_nullable_enum_patch_stays_narrow` pins exactly which properties needed it.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from sendmux.testing import FakeSendmux

# `generator` lives at the repo root, which pytest does not put on sys.path by itself.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator.fetch import load_spec  # noqa: E402
from generator.surface import iter_operations, select_management  # noqa: E402

SPEC_URI = "urn:sendmux:spec"
# Documented answers the fake never gives: /me needs no permission, and these 409/422s stand for rules the
# spec does not describe.
NOT_PRODUCED = {
    ("managementCreateSharedAmazonSesLimitRequest", 422),
    ("managementGetConnection", 403),
    ("managementRequestSendingAccountLimitIncrease", 422),
    ("managementVerifyDomain", 409),
}
# Every nullable enum of the pinned spec lacking null (the last two are what the fake's bodies need).
NULLABLE_ENUMS_PATCHED = {
    "/components/schemas/DeliveryLogRecipient/properties/type",
    "/components/schemas/MailboxMessageContent/properties/body/properties/format",
    "/components/schemas/MailboxRealtimeEvent/properties/message_id_kind",
    "/components/schemas/WebhookEventData/properties/bounce_type",
    "/components/schemas/WebhookEventData/properties/message_id_kind",
}


def allow_null_in_nullable_enums(node: Any, where: str = "") -> set[str]:
    """Add None to every `enum` whose `type` allows null; returns the JSON pointers it changed."""
    changed: set[str] = set()
    if isinstance(node, dict):
        types = node.get("type")
        enum = node.get("enum")
        if isinstance(types, list) and "null" in types and isinstance(enum, list) and None not in enum:
            enum.append(None)
            changed.add(where)
        for key, value in node.items():
            changed |= allow_null_in_nullable_enums(value, f"{where}/{_pointer(key)}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            changed |= allow_null_in_nullable_enums(value, f"{where}/{i}")
    return changed


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


@dataclass
class Op:
    operation_id: str
    method: str
    path: str
    pattern: re.Pattern[str]
    responses: dict[str, Any]


@dataclass
class Recorder:
    """Validates each response as it arrives and remembers what it covered."""

    ops: list[Op]
    registry: Registry[Any]
    validated: set[tuple[str, int]] = field(default_factory=set)
    undocumented: set[tuple[str, int]] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)
    count: int = 0
    patched: set[str] = field(default_factory=set)

    def op_for(self, method: str, path: str) -> Op:
        candidates = [o for o in self.ops if o.method == method and o.pattern.match(path)]
        candidates.sort(key=lambda o: o.path.count("{"))
        assert candidates, f"no operation for {method} {path}"
        return candidates[0]

    def _validator(self, ref: str) -> jsonschema.Draft202012Validator:
        return jsonschema.Draft202012Validator(
            {"$ref": ref},
            registry=self.registry,
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        )

    def check(self, method: str, path: str, response: httpx.Response) -> None:
        op = self.op_for(method, path)
        status = response.status_code
        self.count += 1
        where = f"{op.operation_id} {status}"
        if status == 304:
            assert response.content == b"", where
            self.validated.add((op.operation_id, status))
            return
        assert response.headers.get("x-request-id"), where
        for name in ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"):
            assert response.headers.get(name), f"{where}: no {name}"
        documented = op.responses.get(str(status))
        if documented is not None:
            content = documented.get("content") or {}
            media = next(iter(content))
            assert response.headers["content-type"].startswith(media), where
            if media == "text/plain":
                self.validated.add((op.operation_id, status))
                return
            ref = SPEC_URI + "#/" + _pointer("paths", op.path, op.method.lower(), "responses", str(status))
            ref += "/content/application~1json/schema"
            self.validated.add((op.operation_id, status))
        else:
            ref = SPEC_URI + "#/components/schemas/ApiError"
            self.undocumented.add((op.operation_id, status))
        body = response.json()
        errors = sorted(self._validator(ref).iter_errors(body), key=lambda e: list(e.absolute_path))
        for e in errors[:3]:
            self.failures.append(f"{where}: {list(e.absolute_path)}: {e.message}")
        if isinstance(body, dict) and "meta" in body:
            assert body["meta"]["request_id"] == response.headers["x-request-id"], where


class Api:
    """A thin httpx wrapper: call, validate, assert the expected status."""

    def __init__(self, fake: FakeSendmux, recorder: Recorder, key: str | None = None) -> None:
        self.fake = fake
        self.recorder = recorder
        self.key = key or fake.api_key
        self.http = httpx.Client(base_url=fake.url, timeout=10)

    def as_key(self, key: str) -> Api:
        return Api(self.fake, self.recorder, key)

    def __call__(
        self,
        method: str,
        path: str,
        expect: int,
        body: Any = None,
        *,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
    ) -> httpx.Response:
        all_headers = {"Authorization": f"Bearer {self.key}", **(headers or {})}
        if body is not None:
            content = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        response = self.http.request(method, path, params=params, headers=all_headers, content=content)
        self.recorder.check(method, path, response)
        assert response.status_code == expect, (
            f"{method} {path}: {response.status_code} {response.text[:300]}"
        )
        return response

    def data(self, method: str, path: str, expect: int, body: Any = None, **kw: Any) -> Any:
        return self(method, path, expect, body, **kw).json()["data"]


SMTP = {
    "name": "Primary SMTP",
    "smtp_host": "smtp.example.com",
    "smtp_port": 587,
    "smtp_protocol": "starttls",
    "smtp_username": "mailer",
    "smtp_password": "s3cret",
    "quotas": {"per_minute": 60, "per_day": {"min": 100, "max": 500}, "per_hour": None},
    "variables": {"signature_url": "https://example.com/sig"},
    "from_email": "hello@example.com",
}


def _sending_accounts(api: Api, other_team_key: str) -> None:
    p1 = api.data("POST", "/providers", 201, SMTP)["id"]
    api("POST", "/providers", 400, {})
    api("POST", "/providers", 400, {**SMTP, "smtp_protocol": "carrier-pigeon"})
    api("POST", "/providers", 400, {**SMTP, "smtp_port": 70000, "unknown": 1})
    api.fake.seed("sending_accounts", 3, each=lambda i: {"status": ["inactive", "error", "pending"][i]})
    shared = api.fake.seed("sending_accounts", name="Shared SES", type="amazon_ses", is_shared=True)[0]["id"]
    api("GET", "/providers", 200, params={"limit": 2})
    api("GET", "/providers", 200, params={"status": "active", "type": "smtp"})
    api("GET", "/providers", 400, params={"limit": 0})
    api("GET", "/providers", 400, params={"status": "bogus"})
    api("GET", "/providers", 400, params={"cursor": "nope"})
    etag = api("GET", f"/providers/{p1}", 200).headers["etag"]
    api("GET", f"/providers/{p1}", 304, headers={"If-None-Match": etag})
    api("GET", "/providers/dprov_missing", 404)
    api("PATCH", f"/providers/{p1}", 200, {"name": "Renamed", "quotas": {"per_second": 5}})
    api("PATCH", f"/providers/{p1}", 409, {"name": "Stale"}, headers={"If-Match": etag})
    api("PATCH", f"/providers/{p1}", 400, {"percentage": 101})
    api("PATCH", f"/providers/{shared}", 422, {"name": "Mine now"})
    api("PATCH", f"/providers/{shared}", 200, {"variables": {"footer": "Sent by us"}})
    api("PATCH", "/providers/dprov_missing", 404, {"name": "x"})
    api("POST", f"/providers/{p1}/deactivate", 200)
    api("POST", f"/providers/{p1}/activate", 200)
    api("POST", "/providers/dprov_missing/activate", 404)
    api("POST", "/providers/dprov_missing/deactivate", 404)
    api("POST", f"/providers/{p1}/test", 200)
    api("POST", f"/providers/{shared}/test", 422)
    api("POST", "/providers/dprov_missing/test", 404)
    api("GET", "/providers/limits", 200)
    api("POST", "/providers/limits/sending-accounts/request-increase", 200)
    api("POST", "/providers/limits/sending-accounts/request-increase", 409)
    api("GET", "/providers/shared-amazon-ses-limit-request", 200)
    request_id = api.data("POST", "/providers/shared-amazon-ses-limit-request", 200)["request"]["id"]
    api("GET", "/providers/shared-amazon-ses-limit-request", 200)
    api("POST", "/providers/shared-amazon-ses-limit-request", 409)
    api("DELETE", f"/providers/shared-amazon-ses-limit-request/{request_id}", 200)
    api("DELETE", f"/providers/shared-amazon-ses-limit-request/{request_id}", 409)
    api("DELETE", "/providers/shared-amazon-ses-limit-request/slir_missing", 404)
    api.as_key(other_team_key)("POST", "/providers/shared-amazon-ses-limit-request", 404)
    api.as_key(other_team_key)("GET", "/providers/shared-amazon-ses-limit-request", 200)
    api.as_key(other_team_key)("GET", f"/providers/{p1}", 404)
    api("GET", "/providers/stats", 200)
    api("GET", "/providers/usage", 200)
    api("DELETE", f"/providers/{shared}", 422)
    api("DELETE", f"/providers/{p1}", 200)
    api("DELETE", f"/providers/{p1}", 404)


def _domains(api: Api) -> tuple[str, str]:
    d1 = api.data("POST", "/domains", 201, {"domain": "mail.acme.com"})["id"]
    d2 = api.data("POST", "/domains", 201, {"domain": "send.acme.com", "mode": "send_only"})["id"]
    api("POST", "/domains", 409, {"domain": "mail.acme.com"})
    api("POST", "/domains", 400, {"domain": "https://Mail.Acme.com"})
    api("POST", "/domains", 400, {"domain": "ok.example.com", "mode": "both"})
    api("POST", "/domains", 400, content=b"{not json", headers={"Content-Type": "application/json"})
    api("POST", "/domains", 413, {"domain": "x" * 1_100_000})
    api("GET", "/domains", 200)
    api("GET", "/domains", 200, params={"limit": 1})
    etag = api("GET", f"/domains/{d1}", 200).headers["etag"]
    api("GET", f"/domains/{d1}", 304, headers={"If-None-Match": etag})
    api("GET", "/domains/mdom_missing", 404)
    etag2 = api("GET", f"/domains/{d2}", 200).headers["etag"]
    api("PATCH", f"/domains/{d2}", 200, {"mode": "send_receive"}, headers={"If-Match": etag2})
    api("PATCH", f"/domains/{d2}", 422, {"mode": "send_receive"})  # already upgraded
    stale = api.fake.seed("domains", mode="send_only")[0]["id"]
    api("PATCH", f"/domains/{stale}", 409, {"mode": "send_receive"}, headers={"If-Match": 'W/"old"'})
    api("PATCH", f"/domains/{d1}", 400, {"mode": "send_only"})
    api("PATCH", "/domains/mdom_missing", 404, {"mode": "send_receive"})
    api.data("POST", f"/domains/{d1}/verify", 200)
    api("POST", "/domains/mdom_missing/verify", 404)
    failing = api.data("POST", "/domains", 201, {"domain": "fail.acme.com", "mode": "send_only"})["id"]
    assert api.data("POST", f"/domains/{failing}/verify", 200)["status"] == "failed"
    # Mode changed after the ETag was taken: stale If-Match.
    api("PATCH", f"/domains/{failing}", 200, {"mode": "send_receive"})
    api("GET", f"/domains/{d1}", 200, headers={"If-None-Match": etag})
    zone = api("GET", f"/domains/{d1}/zone-file", 200)
    assert "mail.acme.com" in zone.text and "attachment" in zone.headers["content-disposition"]
    api("GET", "/domains/mdom_missing/zone-file", 404)
    f_etag = api("GET", f"/domains/{d1}/filters", 200).headers["etag"]
    api("GET", f"/domains/{d1}/filters", 304, headers={"If-None-Match": f_etag})
    rules = {"mode": "denylist", "rules": [{"type": "deny", "pattern": "*@spam.example", "note": None}]}
    api("PUT", f"/domains/{d1}/filters", 200, rules, headers={"If-Match": f_etag})
    api("PUT", f"/domains/{d1}/filters", 409, rules, headers={"If-Match": f_etag})
    api(
        "PUT",
        f"/domains/{d1}/filters",
        422,
        {"mode": "denylist", "rules": [{"type": "deny", "pattern": " "}]},
    )
    api("PUT", f"/domains/{d1}/filters", 400, {"mode": "blocklist", "rules": []})
    api("GET", "/domains/mdom_missing/filters", 404)
    api("PUT", "/domains/mdom_missing/filters", 404, rules)
    send_only = api.data("POST", "/domains", 201, {"domain": "out.acme.com", "mode": "send_only"})["id"]
    api("GET", f"/domains/{send_only}/filters", 409)
    api("PUT", f"/domains/{send_only}/filters", 409, rules)
    api("DELETE", f"/domains/{send_only}", 200)
    api("DELETE", "/domains/mdom_missing", 404)
    return d1, d2


def _mailboxes(api: Api, domain_id: str) -> None:
    api("GET", "/mailboxes/availability", 200, params={"email": "agent@mail.acme.com"})
    api("GET", "/mailboxes/availability", 200, params={"email": "not-an-email"})
    api("GET", "/mailboxes/availability", 400)
    created = api.data("POST", "/mailboxes", 201, {"email": "agent@mail.acme.com", "display_name": "Agent"})
    m1 = created["mailbox"]["id"]
    api("POST", "/mailboxes", 409, {"email": "agent@mail.acme.com"})
    api("POST", "/mailboxes", 422, {"email": "agent@unverified.example.com"})
    api("POST", "/mailboxes", 422, {"email": "bot@myagent.mx", "quota_bytes": 12345})
    api("POST", "/mailboxes", 400, {"email": "not an email"})
    api("POST", "/mailboxes", 400, {})
    m2 = api.data("POST", "/mailboxes", 201, {"email": "bot@myagent.mx", "send_scope": {"type": "all"}})[
        "mailbox"
    ]
    api("GET", "/mailboxes/availability", 200, params={"email": "bot@myagent.mx"})
    api("GET", "/mailboxes", 200)
    api("GET", "/mailboxes", 200, params={"include_deleted": "true", "limit": 1})
    api("GET", "/mailboxes", 400, params={"include_deleted": "false"})
    etag = api("GET", f"/mailboxes/{m1}", 200).headers["etag"]
    api("GET", f"/mailboxes/{m1}", 304, headers={"If-None-Match": etag})
    api("GET", "/mailboxes/mbx_missing", 404)
    api("PATCH", f"/mailboxes/{m1}", 200, {"display_name": None, "quota_bytes": 5_368_709_120})
    api("PATCH", f"/mailboxes/{m1}", 409, {"display_name": "Stale"}, headers={"If-Match": etag})
    api("PATCH", f"/mailboxes/{m1}", 422, {"quota_bytes": 7})
    api(
        "PATCH",
        f"/mailboxes/{m1}",
        422,
        {"send_scope": {"type": "providers", "provider_public_ids": ["dprov_x"]}},
    )
    api("PATCH", f"/mailboxes/{m1}", 400, {"send_scope": {"type": "everything"}})
    api("PATCH", "/mailboxes/mbx_missing", 404, {"display_name": "x"})
    f_etag = api("GET", f"/mailboxes/{m1}/filters", 200).headers["etag"]
    api("GET", f"/mailboxes/{m1}/filters", 304, headers={"If-None-Match": f_etag})
    rules = {"mode": "allowlist", "rules": [{"type": "allow", "pattern": "*@partner.example"}]}
    api("PUT", f"/mailboxes/{m1}/filters", 200, rules)
    api("PUT", f"/mailboxes/{m1}/filters", 409, rules, headers={"If-Match": f_etag})
    api(
        "PUT",
        f"/mailboxes/{m1}/filters",
        422,
        {"mode": "allowlist", "rules": [{"type": "allow", "pattern": ""}]},
    )
    api("PUT", f"/mailboxes/{m1}/filters", 400, {"mode": "allowlist"})
    api("GET", "/mailboxes/mbx_missing/filters", 404)
    api("PUT", "/mailboxes/mbx_missing/filters", 404, rules)
    key = api.data("POST", f"/mailboxes/{m1}/keys", 201, {"app_name": "CI"})["credential"]["public_id"]
    api("POST", f"/mailboxes/{m1}/keys", 400, {"app_name": ""})
    api("POST", "/mailboxes/mbx_missing/keys", 404, {"app_name": "CI"})
    api("DELETE", f"/mailboxes/{m1}/keys/{key}", 200)
    api("DELETE", f"/mailboxes/{m1}/keys/{key}", 200)  # idempotent on revoked keys
    api("DELETE", f"/mailboxes/{m1}/keys/smx_missing", 404)
    api("POST", f"/mailboxes/{m1}/keys", 422, {"app_name": "   "})
    api("POST", f"/mailboxes/{m1}/suspend", 200)
    api("POST", f"/mailboxes/{m1}/keys", 409, {"app_name": "CI"})
    api("POST", f"/mailboxes/{m1}/suspend", 200)  # idempotent
    api("POST", f"/mailboxes/{m1}/resume", 200)
    api("POST", f"/mailboxes/{m1}/resume", 200)
    api("POST", "/mailboxes/mbx_missing/suspend", 404)
    api("POST", "/mailboxes/mbx_missing/resume", 404)
    api("DELETE", f"/domains/{domain_id}", 409)
    api("DELETE", f"/mailboxes/{m1}", 200)
    api("DELETE", f"/mailboxes/{m1}", 404)
    api("GET", f"/mailboxes/{m1}", 404)
    api("GET", "/mailboxes", 200, params={"include_deleted": "true"})
    api("DELETE", f"/domains/{domain_id}", 200)
    api("DELETE", f"/mailboxes/{m2['id']}", 200)


def _webhooks(api: Api) -> None:
    body = {"url": "https://hooks.example.com/sendmux", "event_types": ["sendmux.test", "message.delivered"]}
    w1 = api.data("POST", "/webhooks", 201, body)
    assert w1["secret"].startswith("whsec_")
    api("POST", "/webhooks", 422, {**body, "url": "http://hooks.example.com/plain"})
    api("POST", "/webhooks", 422, {**body, "filters": {"mailbox_ids": ["mbx_missing"]}})
    api("POST", "/webhooks", 400, {"url": "https://hooks.example.com"})
    api("POST", "/webhooks", 400, {**body, "event_types": ["message.teleported"]})
    quiet = api.data(
        "POST", "/webhooks", 201, {**body, "event_types": ["message.bounced"], "name": "Bounces"}
    )
    api("GET", "/webhooks", 200, params={"limit": 1})
    etag = api("GET", f"/webhooks/{w1['id']}", 200).headers["etag"]
    api("GET", f"/webhooks/{w1['id']}", 304, headers={"If-None-Match": etag})
    api("GET", "/webhooks/whk_missing", 404)
    api("PATCH", f"/webhooks/{w1['id']}", 200, {"name": "Primary", "enabled": True})
    api("PATCH", f"/webhooks/{w1['id']}", 409, {"name": "Stale"}, headers={"If-Match": etag})
    api("PATCH", f"/webhooks/{w1['id']}", 422, {"url": "http://insecure.example.com"})
    api("PATCH", f"/webhooks/{w1['id']}", 400, {"event_types": []})
    api("PATCH", "/webhooks/whk_missing", 404, {"name": "x"})
    rotated = api.data("POST", f"/webhooks/{w1['id']}/rotate-secret", 200)
    assert rotated["secret"] != w1["secret"]
    api("POST", "/webhooks/whk_missing/rotate-secret", 404)
    api.data("POST", f"/webhooks/{w1['id']}/test", 200)
    api("POST", f"/webhooks/{quiet['id']}/test", 409)
    api("POST", "/webhooks/whk_missing/test", 404)
    assert api.fake.wait_for_deliveries()
    deliveries = api.data("GET", f"/webhooks/{w1['id']}/deliveries", 200)
    assert deliveries and deliveries[0]["result"] == "permanent_failure"  # never contacts a non-loopback host
    api(
        "GET",
        f"/webhooks/{w1['id']}/deliveries",
        200,
        params={"event_type": "sendmux.test", "result": "success"},
    )
    api("GET", f"/webhooks/{w1['id']}/deliveries", 400, params={"result": "meh"})
    api("GET", "/webhooks/whk_missing/deliveries", 404)
    api("GET", f"/webhooks/{w1['id']}/deliveries/{deliveries[0]['id']}/payload", 200)
    api("GET", f"/webhooks/{w1['id']}/deliveries/wdel_missing/payload", 404)
    api("GET", f"/webhooks/{quiet['id']}/deliveries/{deliveries[0]['id']}/payload", 404)
    # Simulated traffic: every event type's payload (and its email/inbox log) validates too.
    everything = api.data(
        "POST",
        "/webhooks",
        201,
        {
            **body,
            "event_types": [
                "message.delivered",
                "message.bounced",
                "message.complained",
                "message.rejected",
                "message.delivery_delayed",
                "message.received",
                "message.received.spam",
            ],
        },
    )
    mailbox = api.fake.seed("mailboxes")[0]["id"]
    for outcome in ("delivered", "bounced", "complained", "rejected", "delivery_delayed"):
        log, _ = api.fake.simulate_outbound(outcome, mailbox_id=mailbox)  # type: ignore[arg-type]
        api("GET", f"/emails/logs/{log['id']}", 200)
    for spam in (False, True):
        log, _ = api.fake.simulate_inbound(mailbox, spam=spam)
        api("GET", f"/inboxes/logs/{log['id']}", 200)
    assert api.fake.wait_for_deliveries()
    attempts = api.data("GET", f"/webhooks/{everything['id']}/deliveries", 200)
    assert len(attempts) == 7
    for attempt in attempts:
        api("GET", f"/webhooks/{everything['id']}/deliveries/{attempt['id']}/payload", 200)
    api("DELETE", f"/webhooks/{everything['id']}", 200)
    api("DELETE", f"/webhooks/{quiet['id']}", 200)
    api("DELETE", f"/webhooks/{quiet['id']}", 404)


def _billing_logs_metrics(api: Api) -> None:
    fake = api.fake
    fake.seed(
        "transactions", 3, each=lambda i: {"type": ["PURCHASE", "USAGE", "REFUND"][i], "amount": "5.000000"}
    )
    provider = fake.seed("sending_accounts", name="Logs SMTP")[0]["id"]
    logs = fake.seed("email_logs", 4, each=lambda i: {"status": ["sent", "failed", "rejected", "pending"][i]})
    fake.seed("email_logs", 2, provider_id=provider, provider_name="Logs SMTP")
    inbox = fake.seed(
        "inbox_logs", 2, each=lambda i: {"event_type": ["message.received", "message.received.spam"][i]}
    )
    api("GET", "/billing/balance", 200)
    api("GET", "/billing/summary", 200)
    api("GET", "/billing/summary", 200, params={"days": "7"})
    api("GET", "/billing/summary", 400, params={"days": "1"})
    api("GET", "/billing/transactions", 200, params={"limit": 2})
    api("GET", "/billing/transactions", 200, params={"type": "USAGE"})
    api("GET", "/billing/transactions", 400, params={"type": "GIFT"})
    api("GET", "/emails/logs", 200, params={"limit": 2})
    api("GET", "/emails/logs", 200, params={"status": "sent", "provider_id": provider, "search": "example"})
    api("GET", "/emails/logs", 200, params={"from_date": "2020-01-01", "to_date": "2999-12-31"})
    api("GET", "/emails/logs", 400, params={"from_date": "last tuesday"})
    etag = api("GET", f"/emails/logs/{logs[0]['id']}", 200).headers["etag"]
    api("GET", f"/emails/logs/{logs[0]['id']}", 304, headers={"If-None-Match": etag})
    api("GET", "/emails/logs/dlog_missing", 404)
    api("GET", "/inboxes/logs", 200, params={"event_type": "message.received.spam"})
    api("GET", "/inboxes/logs", 200, params={"limit": 1, "search": "inbound"})
    api("GET", "/inboxes/logs", 400, params={"event_type": "message.sent"})
    api("GET", f"/inboxes/logs/{inbox[0]['id']}", 200)
    api("GET", "/inboxes/logs/ilog_missing", 404)
    api("GET", "/emails/metrics", 200)
    api(
        "GET",
        "/emails/metrics",
        200,
        params={"window": "7d", "granularity": "hourly", "provider_id": provider},
    )
    api("GET", "/emails/metrics", 200, params={"from_date": "2026-01-01", "to_date": "2026-01-03"})
    api("GET", "/emails/metrics", 400, params={"window": "1y"})
    api("GET", "/providers/usage", 200)


def _auth_permissions_limits(api: Api) -> None:
    fake = api.fake
    me = api("GET", "/me", 200)
    api("GET", "/me", 304, headers={"If-None-Match": me.headers["etag"]})
    api.as_key("smx_root_wrong")("GET", "/me", 401)
    api.as_key("smx_root_wrong")("GET", "/domains", 401)
    readonly = api.as_key(fake.create_key(["root:readonly"]))
    readonly("GET", "/me", 200)
    readonly("GET", "/domains", 200)
    readonly("POST", "/domains", 403, {"domain": "ro.example.com"})
    readonly("POST", "/webhooks", 403, {"url": "https://example.com", "event_types": ["sendmux.test"]})
    domains_only = api.as_key(fake.create_key(["domain.*"]))
    domains_only("GET", "/webhooks", 403)
    domains_only("GET", "/billing/balance", 403)
    domains_only("POST", "/domains", 201, {"domain": "wild.example.com"})
    with FakeSendmux(rate_limit=2, rate_window=60) as tight:
        small = Api(tight, api.recorder)
        small("GET", "/me", 200)
        small("GET", "/domains", 200)
        limited = small("GET", "/me", 429)
        assert int(limited.headers["retry-after"]) >= 1
        small("GET", "/providers", 429)


def _sweep(api: Api) -> None:
    """Statuses every operation documents that need no particular state: 401, 403, 413, and 429/500/503
    (injected, JSON bodies)."""
    fake = api.fake
    stranger = api.as_key("smx_root_unknown")
    nobody = api.as_key(fake.create_key(["nothing.at_all"]))
    huge = {"padding": "x" * 1_100_000}
    injected = {"429": "rate_limit", "500": "server_error", "503": "unavailable"}
    for op in api.recorder.ops:
        path = re.sub(r"\{\w+\}", "x_missing", op.path)
        statuses = set(op.responses)
        if "401" in statuses:
            stranger(op.method, path, 401)
        if "403" in statuses and op.operation_id != "managementGetConnection":  # /me needs no permission
            nobody(op.method, path, 403)
        if "413" in statuses:
            api(op.method, path, 413, huge)
        for status, kind in injected.items():
            if status in statuses:
                fake.faults.add(kind, route=op.operation_id, retry_after=0)  # type: ignore[arg-type]
                api(op.method, path, int(status))
    # One Idempotency-Key reused for another target or body: 409 idempotency_conflict.
    a, b = (x["id"] for x in fake.seed("sending_accounts", 2))
    hook_a, hook_b = (x["id"] for x in fake.seed("webhooks", 2))
    for verb in ("activate", "deactivate"):
        api("POST", f"/providers/{a}/{verb}", 200, headers={"Idempotency-Key": verb})
        api("POST", f"/providers/{b}/{verb}", 409, headers={"Idempotency-Key": verb})
    box_a, box_b = (x["id"] for x in fake.seed("mailboxes", 2))
    for verb in ("suspend", "resume"):
        api("POST", f"/mailboxes/{box_a}/{verb}", 200, headers={"Idempotency-Key": verb})
        api("POST", f"/mailboxes/{box_b}/{verb}", 409, headers={"Idempotency-Key": verb})
    api("POST", f"/webhooks/{hook_a}/rotate-secret", 200, headers={"Idempotency-Key": "rotate"})
    api("POST", f"/webhooks/{hook_b}/rotate-secret", 409, headers={"Idempotency-Key": "rotate"})
    hook = {"url": "https://x.example/h", "event_types": ["sendmux.test"]}
    api("POST", "/webhooks", 201, hook, headers={"Idempotency-Key": "hook"})
    api("POST", "/webhooks", 409, {**hook, "name": "other"}, headers={"Idempotency-Key": "hook"})
    with FakeSendmux(max_sending_accounts=1) as full:
        small = Api(full, api.recorder)
        small("POST", "/providers", 201, SMTP)
        assert small("POST", "/providers", 409, SMTP).json()["error"]["code"] == "limit_exceeded"


def _idempotency(api: Api) -> None:
    key = {"Idempotency-Key": "schema-test-1"}
    first = api("POST", "/domains", 201, {"domain": "idem.example.com"}, headers=key)
    again = api("POST", "/domains", 201, {"domain": "idem.example.com"}, headers=key)
    assert again.json() == first.json()
    api("POST", "/domains", 409, {"domain": "other.example.com"}, headers=key)


@pytest.fixture(scope="module")
def recorder() -> Iterator[Recorder]:
    spec = load_spec()
    ops = []
    for path, method, op in iter_operations(select_management(spec)):
        regex = "^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path)) + "$"
        ops.append(Op(op["operationId"], method.upper(), path, re.compile(regex), op["responses"]))
    patched = allow_null_in_nullable_enums(spec)
    registry: Registry[Any] = Registry().with_resource(SPEC_URI, Resource.from_contents(spec, DRAFT202012))
    rec = Recorder(ops, registry, patched=patched)
    with FakeSendmux(webhook_retry_delay=0.01) as fake:
        api = Api(fake, rec)
        other_team_key = fake.create_key(team=fake.create_team("Other"))
        _sending_accounts(api, other_team_key)
        d1, _ = _domains(api)
        _mailboxes(api, d1)
        _webhooks(api)
        _billing_logs_metrics(api)
        _auth_permissions_limits(api)
        _idempotency(api)
        _sweep(api)
    yield rec


def test_every_response_validates_against_the_spec(recorder: Recorder) -> None:
    assert not recorder.failures, "\n".join(recorder.failures)


def test_every_operation_answered_successfully(recorder: Recorder) -> None:
    succeeded = {op for op, status in recorder.validated if 200 <= status < 300}
    assert len(recorder.ops) == 54
    assert succeeded == {o.operation_id for o in recorder.ops}


def test_documented_error_statuses_are_exercised(recorder: Recorder) -> None:
    statuses = {status for _, status in recorder.validated | recorder.undocumented}
    assert {200, 201, 304, 400, 401, 403, 404, 409, 413, 422, 429} <= statuses
    documented = {(o.operation_id, int(s)) for o in recorder.ops for s in o.responses}
    missing = sorted(documented - recorder.validated)
    print(
        f"\nschema check: {recorder.count} responses; {len(recorder.validated)} of the spec's {len(documented)} "
        f"(operation, status) pairs; {len(recorder.undocumented)} undocumented pairs checked as ApiError; "
        f"not produced: {missing}"
    )
    assert set(missing) == NOT_PRODUCED


def test_nullable_enum_patch_stays_narrow(recorder: Recorder) -> None:
    """Only the known spec defects are patched; a new one shows up here instead of passing silently."""
    assert recorder.patched == NULLABLE_ENUMS_PATCHED
