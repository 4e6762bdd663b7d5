"""Property test: whatever body or query a client sends, FakeSendmux answers with a documented shape.

Drives the request pipeline directly (no sockets, so hypothesis can run many examples) with valid bodies
with one field replaced, dropped or added, and with random query strings.  Every answer must be a 2xx or a
4xx error, validate against the pinned spec (as in tests/integration/test_fake_schema.py), and never be a
crash of the fake itself.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from sendmux.testing import FakeSendmux
from sendmux.testing._routes import ROUTES

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator.fetch import load_spec  # noqa: E402

SPEC_URI = "urn:sendmux:spec"

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=8,
)

VALID: dict[str, dict[str, Any]] = {
    "managementCreateProvider": {
        "name": "SMTP",
        "smtp_host": "smtp.example.com",
        "smtp_port": 587,
        "smtp_protocol": "tls",
        "smtp_username": "u",
        "smtp_password": "p",
        "quotas": {"per_day": 100},
    },
    "managementUpdateProvider": {"name": "Renamed", "percentage": 50},
    "managementCreateDomain": {"domain": "fuzz.example.com", "mode": "send_only"},
    "managementUpdateDomain": {"mode": "send_receive"},
    "managementSetDomainFilters": {
        "mode": "allowlist",
        "rules": [{"type": "allow", "pattern": "*@x.example"}],
    },
    "managementCreateMailbox": {
        "email": "fuzz@myagent.mx",
        "quota_bytes": 1073741824,
        "send_scope": {"type": "all"},
    },
    "managementUpdateMailbox": {
        "display_name": "Fuzz",
        "send_scope": {"type": "group", "group_public_ids": ["g"]},
    },
    "managementSetMailboxFilters": {"mode": "off", "rules": []},
    "managementCreateMailboxKey": {"app_name": "fuzz"},
    "managementCreateWebhook": {"url": "https://x.example/h", "event_types": ["sendmux.test"], "name": "n"},
    "managementUpdateWebhook": {"enabled": False, "filters": {"mailbox_ids": []}},
}


def _patch_nullable_enums(node: Any) -> None:
    if isinstance(node, dict):
        types, enum = node.get("type"), node.get("enum")
        if isinstance(types, list) and "null" in types and isinstance(enum, list) and None not in enum:
            enum.append(None)
        for value in node.values():
            _patch_nullable_enums(value)
    elif isinstance(node, list):
        for value in node:
            _patch_nullable_enums(value)


@pytest.fixture(scope="module")
def world() -> dict[str, Any]:
    spec = load_spec()
    _patch_nullable_enums(spec)  # the spec's nullable enums lack null; see test_fake_schema.py
    registry: Registry[Any] = Registry().with_resource(SPEC_URI, Resource.from_contents(spec, DRAFT202012))
    fake = FakeSendmux(rate_limit=None)  # the pipeline only; no socket needed
    ids = {
        "provider": fake.seed("sending_accounts")[0]["id"],
        "domain": fake.seed("domains", domain="in.example.com", verification_status="verified")[0]["id"],
        "mailbox": fake.seed("mailboxes", email="box@in.example.com")[0]["id"],
        "webhook": fake.seed("webhooks")[0]["id"],
    }
    return {"spec": spec, "registry": registry, "fake": fake, "ids": ids}


def _path(route_path: str, ids: dict[str, str]) -> str:
    kind = route_path.split("/")[1]
    public_id = {"providers": ids["provider"], "domains": ids["domain"], "mailboxes": ids["mailbox"]}.get(
        kind, ids["webhook"]
    )
    return route_path.replace("{public_id}", public_id)


def _check(world: dict[str, Any], route_path: str, method: str, status: int, body: bytes) -> None:
    fake: FakeSendmux = world["fake"]
    assert not fake.crashes, fake.crashes[-1]
    assert status < 500, body
    responses = world["spec"]["paths"][route_path][method.lower()]["responses"]
    pointer = route_path.replace("~", "~0").replace("/", "~1")
    if str(status) in responses:
        ref = f"{SPEC_URI}#/paths/{pointer}/{method.lower()}/responses/{status}/content/application~1json/schema"
    else:
        ref = f"{SPEC_URI}#/components/schemas/ApiError"
    validator = jsonschema.Draft202012Validator({"$ref": ref}, registry=world["registry"])
    errors = list(validator.iter_errors(json.loads(body)))
    assert not errors, (route_path, status, errors[0].message)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_body_gets_a_documented_answer(world: dict[str, Any], data: st.DataObject) -> None:
    op_id = data.draw(st.sampled_from(sorted(VALID)))
    route = next(r for r in ROUTES if r.operation_id == op_id)
    body: Any = dict(VALID[op_id])
    action = data.draw(st.sampled_from(["replace", "drop", "add", "whole"]))
    if action == "replace":
        body[data.draw(st.sampled_from(sorted(body)))] = data.draw(json_values)
    elif action == "drop":
        body.pop(data.draw(st.sampled_from(sorted(body))))
    elif action == "add":
        body[data.draw(st.text(max_size=10))] = data.draw(json_values)
    else:
        body = data.draw(json_values)
    fake: FakeSendmux = world["fake"]
    headers = {"authorization": f"Bearer {fake.api_key}", "content-type": "application/json"}
    path = _path(route.path, world["ids"])
    outcome = fake._app.handle(route.method, "/api/v1" + path, headers, json.dumps(body).encode())
    _check(world, route.path, route.method, outcome.response.status, outcome.response.body)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_query_gets_a_documented_answer(world: dict[str, Any], data: st.DataObject) -> None:
    route = data.draw(st.sampled_from([r for r in ROUTES if r.method == "GET" and r.query_params]))
    names = sorted(route.query_params) + ["unknown"]
    query = data.draw(st.dictionaries(st.sampled_from(names), st.text(max_size=12), max_size=4))
    if data.draw(st.booleans()) and "limit" in route.query_params:
        query["limit"] = str(data.draw(st.integers(-5, 150)))
    fake: FakeSendmux = world["fake"]
    headers = {"authorization": f"Bearer {fake.api_key}"}
    path = _path(route.path, world["ids"])
    outcome = fake._app.handle("GET", "/api/v1" + path + "?" + urlencode(query), headers, b"")
    _check(world, route.path, "GET", outcome.response.status, outcome.response.body)
