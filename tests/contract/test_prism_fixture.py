"""The Prism fixtures themselves, with raw httpx: servers answer, and violations are detectable.

The client contract tests assert "no request violation"; these tests show that the check is not
vacuous — a bad request really does produce a violation we can see.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from prism_support import TEST_API_KEY, ExchangeRecorder, PrismServer, parse_violations

AUTH = {"Authorization": f"Bearer {TEST_API_KEY}"}
EXAMPLE_REQUEST_ID = "req_clxxxxxxxxxxxxxxxxxxxxxxxxx"  # ResponseMeta.request_id's example in the spec


def _envelope(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert isinstance(body, dict), body
    return body


def test_static_serves_the_spec_examples(prism_static: PrismServer) -> None:
    response = httpx.get(f"{prism_static.url}/me", headers=AUTH)
    assert response.status_code == 200, prism_static.log_tail()
    body = _envelope(response)
    assert body["ok"] is True
    assert body["meta"]["request_id"] == EXAMPLE_REQUEST_ID
    assert isinstance(body["data"], dict)
    assert [v for v in parse_violations(response.headers) if v.is_request] == []


def test_static_reports_an_invalid_body_in_the_header(prism_static: PrismServer) -> None:
    response = httpx.post(f"{prism_static.url}/domains", headers=AUTH, json={"mode": "bogus"})
    assert response.status_code == 400
    found = {(v.location, v.code) for v in parse_violations(response.headers) if v.is_request}
    assert (("request", "body"), "required") in found
    assert (("request", "body", "mode"), "enum") in found


def test_static_reports_a_missing_credential(prism_static: PrismServer) -> None:
    response = httpx.get(f"{prism_static.url}/me")
    assert response.status_code == 401
    assert any(v.is_request for v in parse_violations(response.headers))


def test_recorder_reads_violations_from_a_prism_problem_body(prism_static: PrismServer) -> None:
    # /emails/logs documents no 4xx for bad input, so Prism makes up a 422 problem+json.
    recorder = ExchangeRecorder()
    with httpx.Client(event_hooks={"response": [recorder]}) as http:
        response = http.get(f"{prism_static.url}/emails/logs", params={"limit": 500}, headers=AUTH)
    assert response.status_code == 422
    assert response.json()["status"] == 422  # the body stays readable after the hook read it
    (exchange,) = recorder.exchanges
    assert [(v.location, v.code) for v in exchange.request_violations()] == [
        (("request", "query", "limit"), "maximum")
    ]


def test_recorder_sees_a_valid_request_as_clean(prism_static: PrismServer) -> None:
    recorder = ExchangeRecorder()
    with httpx.Client(event_hooks={"response": [recorder]}) as http:
        http.get(
            f"{prism_static.url}/mailboxes/availability", params={"email": "agent@myagent.mx"}, headers=AUTH
        )
    (exchange,) = recorder.exchanges
    assert exchange.status_code == 200
    assert exchange.request_violations() == [], str(exchange)


def test_dynamic_generates_data_from_the_schemas(prism_dynamic: PrismServer) -> None:
    with httpx.Client(headers=AUTH) as http:
        bodies = [_envelope(http.get(f"{prism_dynamic.url}/me")) for _ in range(5)]
    for body in bodies:
        assert body["ok"] is True
        assert isinstance(body["meta"]["request_id"], str)
        assert isinstance(body["data"], dict)


def test_dynamic_validates_requests_too(prism_dynamic: PrismServer) -> None:
    response = httpx.post(f"{prism_dynamic.url}/domains", headers=AUTH, json={})
    assert response.status_code == 400
    assert any(v.is_request for v in parse_violations(response.headers))


def test_a_truncated_violation_header_keeps_its_complete_entries() -> None:
    entry = {"location": ["response", "body", "meta"], "severity": "Error", "code": "x", "message": "m"}
    cut = "Too many violations! " + json.dumps([entry, entry])[:-30]
    assert [v.location for v in parse_violations({"sl-violations": cut})] == [("response", "body", "meta")]
