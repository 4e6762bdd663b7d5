"""The operation table's rules (generator/operation_table.py), on small documents.

The same extraction feeds `generated/operations.py` (the client's and the CLI's `OPERATIONS`) and
`generated/spec_data.py` (the fake's table); test_pipeline checks both agree on every historical spec.
"""

from __future__ import annotations

from typing import Any

import pytest

from generator import operation_table

SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer"},
    "oauth": {"type": "oauth2", "flows": {}},
    "OAuth2": {"type": "oauth2", "flows": {}},
}


def doc(op: dict[str, Any], security: list[Any] | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "openapi": "3.1.0",
        "components": {"securitySchemes": SCHEMES},
        "paths": {"/things": {"post": {"operationId": "makeThing", "responses": {"201": {}}, **op}}},
    }
    if security is not None:
        spec["security"] = security
    return spec


def facts(spec: dict[str, Any]) -> operation_table.OperationFacts:
    return operation_table.extract(spec)[("/things", "post")]


@pytest.mark.parametrize(
    ("op_security", "doc_security", "permission", "auth"),
    [
        # The operation's own requirements win over the document's.
        (
            [{"bearer": []}, {"oauth": ["thing.create", "thing.*"]}],
            [{"oauth": ["other"]}],
            "thing.create",
            True,
        ),
        # The first requirement that names an OAuth2 scope, whatever the scheme is called.
        ([{"OAuth2": []}, {"OAuth2": ["b"]}, {"oauth": ["c"]}], None, "b", True),
        (None, [{"bearer": []}, {"OAuth2": ["email.send"]}], "email.send", True),
        # Bearer only: a credential, no permission.
        ([{"bearer": []}], None, None, True),
        # `security: []` (the operation's or the document's): no credential at all.
        ([], [{"bearer": []}], None, False),
        (None, [], None, False),
        # Nothing declared anywhere: the API's credential still goes (every Sendmux API is authenticated).
        (None, None, None, True),
        # An optional requirement (`{}`) still takes a credential.
        ([{}, {"oauth": ["x"]}], None, "x", True),
    ],
)
def test_permission_and_credential(
    op_security: list[Any] | None, doc_security: list[Any] | None, permission: str | None, auth: bool
) -> None:
    op = {} if op_security is None else {"security": op_security}
    got = facts(doc(op, doc_security))
    assert (got.permission, got.auth) == (permission, auth)


def test_request_body_kind_success_status_and_inlined_schemas() -> None:
    spec = doc(
        {
            "parameters": [{"$ref": "#/components/parameters/Limit"}],
            "requestBody": {
                "content": {
                    "application/merge-patch+json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                }
            },
            "responses": {"202": {}, "200": {}, "400": {}},
        }
    )
    spec["components"]["parameters"] = {
        "Limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "description": "how many"}}
    }
    spec["components"]["schemas"] = {
        "Thing": {
            "type": "object",
            "title": "Thing",
            "x-sendmux-note": "dropped",
            "properties": {"description": {"type": "string", "example": "x"}},
        }
    }
    got = facts(spec)
    assert got.request_body == "json"
    assert got.success == 200
    assert got.params == [{"name": "limit", "in": "query", "required": False, "schema": {"type": "integer"}}]
    # A property called `description` is a name, not an annotation: it stays.
    assert got.body == {"type": "object", "properties": {"description": {"type": "string"}}}
    binary = doc({"requestBody": {"content": {"application/octet-stream": {"schema": {"type": "string"}}}}})
    assert (facts(binary).request_body, facts(binary).body) == ("binary", None)
    assert facts(doc({})).request_body == "none"


def _array(max_items: int | None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
    if max_items is not None:
        schema["maxItems"] = max_items
    return schema


@pytest.mark.parametrize(
    ("properties", "required", "batch"),
    [
        # A required `ids` array with maxItems: a batch the client may chunk.
        ({"ids": _array(100), "seen": {"type": "boolean"}}, ["ids"], ("ids", 100)),
        # Optional ids, no bound, or another name (a send batch's `messages`): one request, never chunked.
        ({"ids": _array(100)}, [], None),
        ({"ids": _array(None)}, ["ids"], None),
        ({"messages": _array(100)}, ["messages"], None),
        ({"ids": {"type": "string", "maxItems": 3}}, ["ids"], None),
    ],
)
def test_batch_over_ids_by_rule(
    properties: dict[str, Any], required: list[str], batch: tuple[str, int] | None
) -> None:
    schema = {"type": "object", "properties": properties, "required": required}
    got = facts(doc({"requestBody": {"content": {"application/json": {"schema": schema}}}}))
    assert ((got.batch_field, got.batch_max) if got.batch_field else None) == batch
    assert facts(doc({})).batch_field is None
