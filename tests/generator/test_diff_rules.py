"""Each rule of `generator.diff` on small hand-written spec pairs."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# `generator` lives at the repo root, which pytest does not put on sys.path by itself.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator import diff, fetch  # noqa: E402
from generator.diff import Change, Report, compare  # noqa: E402

Spec = dict[str, Any]


def envelope(data: Spec) -> Spec:
    """A success body shaped like Sendmux's: `{ok, data, meta}` via allOf over a shared envelope."""
    return {
        "allOf": [
            {"$ref": "#/components/schemas/SuccessEnvelope"},
            {"type": "object", "properties": {"data": data}, "required": ["data"]},
        ]
    }


def json_content(schema: Spec) -> Spec:
    return {"content": {"application/json": {"schema": schema}}}


def base() -> Spec:
    thing = {"$ref": "#/components/schemas/Thing"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "tags": ["Things"],
                    "summary": "List things",
                    "parameters": [
                        {"in": "query", "name": "limit", "required": False, "schema": {"type": "integer"}},
                        {"in": "query", "name": "status", "schema": {"$ref": "#/components/schemas/Status"}},
                    ],
                    "security": [{"bearerAuth": []}],
                    "responses": {
                        "200": {
                            "description": "ok",
                            **json_content(envelope({"type": "array", "items": thing})),
                        },
                        "401": {
                            "description": "no",
                            **json_content({"$ref": "#/components/schemas/ApiError"}),
                        },
                    },
                },
                "post": {
                    "operationId": "createThing",
                    "tags": ["Things"],
                    "requestBody": {
                        "required": True,
                        **json_content(
                            {
                                "type": "object",
                                "properties": {
                                    "name": {"type": "string"},
                                    "size": {"type": "integer"},
                                    "mode": {"type": "string", "enum": ["a", "b"]},
                                },
                                "required": ["name"],
                            }
                        ),
                    },
                    "responses": {"201": {"description": "made", **json_content(envelope(thing))}},
                },
            },
            "/things/{id}": {
                "parameters": [{"in": "path", "name": "id", "required": True, "schema": {"type": "string"}}],
                "get": {
                    "operationId": "getThing",
                    "tags": ["Things"],
                    "responses": {"200": {"description": "ok", **json_content(envelope(thing))}},
                },
            },
            "/mailbox/me": {
                "get": {
                    "operationId": "mailboxMe",
                    "tags": ["Mailbox API"],
                    "responses": {"200": {"description": "ok", **json_content(envelope({"type": "object"}))}},
                }
            },
        },
        "components": {
            "schemas": {
                "SuccessEnvelope": {
                    "type": "object",
                    "properties": {
                        "ok": {"type": "boolean", "enum": [True]},
                        "meta": {"type": "object", "properties": {"request_id": {"type": "string"}}},
                    },
                    "required": ["ok"],
                },
                "Status": {"type": "string", "enum": ["active", "paused"]},
                "Thing": {
                    "type": "object",
                    "description": "A thing.",
                    "properties": {
                        "id": {"type": "string"},
                        "status": {"$ref": "#/components/schemas/Status"},
                        "note": {"type": ["string", "null"]},
                        "created_at": {"type": "string"},
                        "kind": {"type": "string", "enum": ["x", "y"]},
                    },
                    "required": ["id", "status", "created_at"],
                },
                "ApiError": {
                    "type": "object",
                    "properties": {
                        "ok": {"type": "boolean"},
                        "error": {
                            "type": "object",
                            "properties": {"code": {"type": "string", "enum": ["unauthorized"]}},
                        },
                    },
                },
            }
        },
    }


def changed(edit: Callable[[Spec], object]) -> Report:
    old = base()
    new = copy.deepcopy(old)
    edit(new)
    return compare(old, new)


def only(report: Report) -> Change:
    assert len(report.changes) == 1, report.to_text()
    return report.changes[0]


def kinds(report: Report) -> set[tuple[str, str, str]]:
    return {(c.kind, c.severity, c.path) for c in report.changes}


def schemas(spec: Spec) -> dict[str, Any]:
    result: dict[str, Any] = spec["components"]["schemas"]
    return result


def post_body(spec: Spec) -> Spec:
    result: Spec = spec["paths"]["/things"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    return result


# ---------------------------------------------------------------------------- whole report


def test_identical_specs_have_no_changes() -> None:
    report = compare(base(), base())
    assert report.changes == ()
    assert report.bump() == "none"
    assert (report.old_operations, report.new_operations) == (4, 4)  # the Mailbox API counts too


def test_mailbox_api_changes_are_reported() -> None:
    # The Mailbox API is a generated client (SendmuxMailbox) like Management.
    report = changed(lambda s: s["paths"].pop("/mailbox/me"))
    assert [(c.kind, c.severity) for c in report.changes] == [("operation-removed", "breaking")]


def test_a_sending_spec_is_compared_as_the_sending_api() -> None:
    old = base()
    old["servers"] = [{"url": "https://smtp.sendmux.ai/api/v1"}]
    new = copy.deepcopy(old)
    new["paths"]["/things/{id}"]["delete"] = {"operationId": "deleteThing", "responses": {"204": {}}}
    report = compare(old, new)
    assert report.api == "sending" and "Sending" in report.to_text().splitlines()[0]
    # No tag selects Sending operations: every operation of the document is the Sending client's.
    assert report.new_operations == report.old_operations + 1


# ---------------------------------------------------------------------------- operations


def test_operation_added_is_additive() -> None:
    def edit(s: Spec) -> None:
        s["paths"]["/things/{id}"]["delete"] = {"operationId": "deleteThing", "responses": {"204": {}}}

    c = only(changed(edit))
    assert (c.kind, c.severity, c.operation) == ("operation-added", "additive", "deleteThing")
    assert changed(edit).bump() == "minor"


def test_operation_removed_is_breaking() -> None:
    report = changed(lambda s: s["paths"]["/things/{id}"].pop("get"))
    c = only(report)
    assert (c.kind, c.severity, c.operation) == ("operation-removed", "breaking", "getThing")
    assert report.bump() == "major"


def test_operation_moved_keeps_its_id() -> None:
    def edit(s: Spec) -> None:
        s["paths"]["/items/{id}"] = s["paths"].pop("/things/{id}")

    c = only(changed(edit))
    assert (c.kind, c.severity, c.operation) == ("operation-moved", "breaking", "getThing")
    assert c.detail == "GET /things/{id} -> GET /items/{id}"


def test_operation_renamed_at_the_same_route() -> None:
    def edit(s: Spec) -> None:
        s["paths"]["/things/{id}"]["get"]["operationId"] = "fetchThing"

    c = only(changed(edit))
    assert (c.kind, c.severity, c.operation) == ("operation-id-changed", "breaking", "fetchThing")


def test_operation_id_given_where_there_was_none_matches_by_route() -> None:
    old = base()
    del old["paths"]["/things/{id}"]["get"]["operationId"]
    c = only(compare(old, base()))
    assert (c.kind, c.severity, c.operation) == ("operation-id-added", "additive", "getThing")


def test_deprecation_is_noted() -> None:
    c = only(changed(lambda s: s["paths"]["/things/{id}"]["get"].update(deprecated=True)))
    assert (c.kind, c.severity) == ("operation-deprecated", "additive")


# ---------------------------------------------------------------------------- parameters


def _params(s: Spec) -> list[Spec]:
    result: list[Spec] = s["paths"]["/things"]["get"]["parameters"]
    return result


@pytest.mark.parametrize(("required", "severity"), [(False, "additive"), (True, "breaking")])
def test_parameter_added(required: bool, severity: str) -> None:
    def edit(s: Spec) -> None:
        _params(s).append({"in": "query", "name": "q", "required": required, "schema": {"type": "string"}})

    c = only(changed(edit))
    assert (c.kind, c.severity, c.path, c.operation) == ("parameter-added", severity, "query:q", "listThings")


def test_parameter_removed_is_breaking() -> None:
    c = only(changed(lambda s: _params(s).pop(0)))
    assert (c.kind, c.severity, c.path) == ("parameter-removed", "breaking", "query:limit")


def test_parameter_becoming_required_is_breaking_and_the_reverse_additive() -> None:
    c = only(changed(lambda s: _params(s)[0].update(required=True)))
    assert (c.kind, c.severity, c.detail) == ("parameter-required-changed", "breaking", "now required")
    old = base()
    _params(old)[0]["required"] = True
    c = only(compare(old, base()))
    assert (c.kind, c.severity, c.detail) == ("parameter-required-changed", "additive", "now optional")


def test_parameter_retyped_incompatibly_is_breaking() -> None:
    c = only(changed(lambda s: _params(s)[0].update(schema={"type": "string"})))
    assert (c.kind, c.severity) == ("parameter-retyped", "breaking")
    assert c.detail == "integer -> string (incompatible)"


@pytest.mark.parametrize(
    "schema",
    [{"type": ["integer", "null"]}, {"type": "number"}, {"anyOf": [{"type": "integer"}, {"type": "string"}]}],
)
def test_parameter_widened_is_additive(schema: Spec) -> None:
    c = only(changed(lambda s: _params(s)[0].update(schema=schema)))
    assert (c.kind, c.severity) == ("parameter-retyped", "additive")


def test_path_parameter_renamed_is_matched_by_route_shape() -> None:
    def edit(s: Spec) -> None:
        item = s["paths"].pop("/things/{id}")
        item["parameters"][0]["name"] = "thing_id"
        s["paths"]["/things/{thing_id}"] = item

    report = changed(edit)
    assert kinds(report) == {
        ("operation-moved", "breaking", ""),
        ("parameter-added", "breaking", "path:thing_id"),
        ("parameter-removed", "breaking", "path:id"),
    }


# ---------------------------------------------------------------------------- request bodies


@pytest.mark.parametrize(("required", "severity"), [(False, "additive"), (True, "breaking")])
def test_request_field_added(required: bool, severity: str) -> None:
    def edit(s: Spec) -> None:
        post_body(s)["properties"]["color"] = {"type": "string"}
        if required:
            post_body(s)["required"].append("color")

    c = only(changed(edit))
    assert (c.kind, c.severity, c.path, c.operation) == (
        "request-field-added",
        severity,
        "color",
        "createThing",
    )


def test_request_field_removed_is_breaking() -> None:
    c = only(changed(lambda s: post_body(s)["properties"].pop("size")))
    assert (c.kind, c.severity, c.path) == ("request-field-removed", "breaking", "size")


def test_request_field_required_changes() -> None:
    c = only(changed(lambda s: post_body(s)["required"].append("size")))
    assert (c.kind, c.severity, c.path) == ("request-field-required-changed", "breaking", "size")
    c = only(changed(lambda s: post_body(s).update(required=[])))
    assert (c.kind, c.severity, c.path) == ("request-field-required-changed", "additive", "name")


def test_request_field_retyped() -> None:
    c = only(changed(lambda s: post_body(s)["properties"].update(size={"type": "string"})))
    assert (c.kind, c.severity) == ("request-field-retyped", "breaking")
    c = only(changed(lambda s: post_body(s)["properties"].update(size={"type": ["integer", "null"]})))
    assert (c.kind, c.severity) == ("request-field-retyped", "additive")


def test_new_nested_object_is_one_change_not_one_per_leaf() -> None:
    def edit(s: Spec) -> None:
        nested = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
        post_body(s)["properties"]["extra"] = nested

    c = only(changed(edit))
    assert (c.kind, c.severity, c.path, c.detail) == (
        "request-field-added",
        "additive",
        "extra",
        "optional object",
    )


def test_request_body_becoming_required_is_breaking() -> None:
    old = base()
    old["paths"]["/things"]["post"]["requestBody"]["required"] = False
    report = compare(old, base())
    assert ("request-body-required", "breaking", "(body)") in kinds(report)


def test_request_content_type_change_is_breaking() -> None:
    def edit(s: Spec) -> None:
        content = s["paths"]["/things"]["post"]["requestBody"]["content"]
        content["multipart/form-data"] = content.pop("application/json")

    assert ("request-content-type-changed", "breaking", "") in kinds(changed(edit))


# ---------------------------------------------------------------------------- responses


def test_response_field_added_is_additive_in_every_operation_using_it() -> None:
    report = changed(lambda s: schemas(s)["Thing"]["properties"].update(color={"type": "string"}))
    assert {(c.operation, c.path) for c in report.changes} == {
        ("listThings", "[].color"),  # list data is an array: looked through the envelope and the array
        ("createThing", "color"),
        ("getThing", "color"),
    }
    assert {c.severity for c in report.changes} == {"additive"}
    assert all(c.kind == "response-field-added" for c in report.changes)


def test_response_field_removed_is_breaking() -> None:
    report = changed(lambda s: schemas(s)["Thing"]["properties"].pop("note"))
    assert {(c.kind, c.severity, c.path) for c in report.changes} == {
        ("response-field-removed", "breaking", "note"),
        ("response-field-removed", "breaking", "[].note"),
    }


def test_response_field_becoming_nullable_is_breaking_and_the_reverse_additive() -> None:
    def nullable(s: Spec) -> None:
        schemas(s)["Thing"]["properties"]["created_at"] = {"type": ["string", "null"]}

    c = changed(nullable).changes[0]
    assert (c.kind, c.severity, c.detail) == (
        "response-field-retyped",
        "breaking",
        "string -> string|null (incompatible)",
    )
    old = base()
    nullable(old)
    c = compare(old, base()).changes[0]
    assert (c.kind, c.severity, c.detail) == (
        "response-field-retyped",
        "additive",
        "string|null -> string (narrowed)",
    )


def test_response_format_that_changes_the_python_type_is_breaking() -> None:
    def edit(s: Spec) -> None:
        schemas(s)["Thing"]["properties"]["created_at"]["format"] = "date-time"

    report = changed(edit)
    assert {(c.kind, c.severity, c.detail) for c in report.changes} == {
        ("response-field-retyped", "breaking", "string -> string(date-time) (incompatible)")
    }  # and not also a "description" change: this format is code


def test_response_field_becoming_optional_is_breaking() -> None:
    report = changed(lambda s: schemas(s)["Thing"]["required"].remove("created_at"))
    assert {(c.kind, c.severity) for c in report.changes} == {("response-field-required-changed", "breaking")}


def test_envelope_without_allof_is_looked_through_too() -> None:
    def edit(s: Spec) -> None:
        schema = {
            "type": "object",
            "properties": {"ok": {"type": "boolean"}, "data": {"$ref": "#/components/schemas/Thing"}},
        }
        s["paths"]["/things/{id}"]["get"]["responses"]["200"] = {"description": "ok", **json_content(schema)}

    # The same data schema behind a differently written envelope: nothing for users changed.
    assert changed(edit).changes == ()


def test_inline_schema_moved_into_a_component_is_no_change() -> None:
    def edit(s: Spec) -> None:
        schemas(s)["CreateThing"] = post_body(s)
        s["paths"]["/things"]["post"]["requestBody"]["content"]["application/json"]["schema"] = {
            "$ref": "#/components/schemas/CreateThing"
        }

    assert changed(edit).changes == ()


# ---------------------------------------------------------------------------- enums


def test_shared_enum_value_added_is_reported_once_per_side() -> None:
    report = changed(lambda s: schemas(s)["Status"]["enum"].append("archived"))
    assert [(c.kind, c.severity, c.schema, c.path) for c in report.changes] == [
        ("enum-value-added", "additive", "Status", ""),
        ("enum-value-added", "additive", "Status", ""),
    ]
    request, response = report.changes
    assert request.detail == '"archived" (request; 1 operation(s))'
    assert response.detail == '"archived" (response; 3 operation(s); strict clients may reject it)'
    assert report.bump() == "minor"


def test_enum_value_removed_is_breaking_on_both_sides() -> None:
    report = changed(lambda s: schemas(s)["Status"]["enum"].remove("paused"))
    assert {(c.kind, c.severity) for c in report.changes} == {("enum-value-removed", "breaking")}
    assert sorted(c.detail for c in report.changes) == [
        '"paused" (request; 1 operation(s); callers sending it will fail)',
        '"paused" (response; 3 operation(s); generated member removed)',
    ]


def test_inline_enum_in_a_request_body_is_reported_per_operation() -> None:
    c = only(changed(lambda s: post_body(s)["properties"]["mode"]["enum"].remove("b")))
    assert (c.kind, c.severity, c.operation, c.path) == (
        "enum-value-removed",
        "breaking",
        "createThing",
        "mode",
    )


def test_inline_enum_in_a_named_schema_is_reported_once_under_that_schema() -> None:
    report = changed(lambda s: schemas(s)["Thing"]["properties"]["kind"]["enum"].append("z"))
    c = only(report)
    assert (c.kind, c.severity, c.schema, c.path) == ("enum-value-added", "additive", "Thing", "kind")


def test_error_codes_are_additive_either_way() -> None:
    def edit(s: Spec) -> None:
        schemas(s)["ApiError"]["properties"]["error"]["properties"]["code"]["enum"] = ["forbidden"]

    report = changed(edit)
    assert {(c.kind, c.severity, c.schema, c.path) for c in report.changes} == {
        ("enum-value-added", "additive", "ApiError", "error.code"),
        ("enum-value-removed", "additive", "ApiError", "error.code"),
    }


def test_error_body_fields_are_noted_once_as_additive() -> None:
    def edit(s: Spec) -> None:
        error = schemas(s)["ApiError"]["properties"]["error"]
        error["properties"]["doc_url"] = {"type": "string"}
        error["properties"]["retry"] = {"type": "object", "properties": {"after": {"type": "integer"}}}

    report = changed(edit)
    assert [(c.kind, c.severity, c.schema, c.path, c.detail) for c in report.changes] == [
        ("error-field-added", "additive", "ApiError", "error.doc_url", "string (error body; 1 operation(s))"),
        ("error-field-added", "additive", "ApiError", "error.retry", "object (error body; 1 operation(s))"),
    ]


def test_enum_becoming_a_plain_string_widens_requests_and_breaks_responses() -> None:
    report = changed(lambda s: schemas(s).update(Status={"type": "string"}))
    assert {(c.operation, c.severity) for c in report.changes} == {
        ("listThings", "additive"),
        ("listThings", "breaking"),
        ("createThing", "breaking"),
        ("getThing", "breaking"),
    }


# ---------------------------------------------------------------------------- other rules


def test_error_response_added_and_security_changes() -> None:
    def edit(s: Spec) -> None:
        op = s["paths"]["/things"]["get"]
        op["responses"]["429"] = {"description": "slow down"}
        op["security"] = [{"oauth2": ["thing.read"]}]

    assert kinds(changed(edit)) == {
        ("error-response-added", "additive", ""),
        ("permission-added", "additive", ""),
        ("permission-removed", "breaking", ""),
    }


def test_description_only_changes_are_a_patch() -> None:
    def edit(s: Spec) -> None:
        s["paths"]["/things"]["get"]["summary"] = "List all the things"
        schemas(s)["Thing"]["description"] = "A thing, described better."
        post_body(s)["properties"]["name"]["maxLength"] = 64  # validation the client does not enforce

    report = changed(edit)
    assert {(c.kind, c.severity) for c in report.changes} == {("description-changed", "description")}
    assert report.bump() == "patch"
    listing = next(c for c in report.changes if c.operation == "listThings")
    assert listing.detail.startswith("2 text or constraint change(s) at /responses/200/")


def test_a_property_named_description_is_not_a_text() -> None:
    report = changed(lambda s: schemas(s)["Thing"]["properties"].update(description={"type": "string"}))
    assert {c.kind for c in report.changes} == {"response-field-added"}


def test_unclassified_change_is_flagged_for_review() -> None:
    report = changed(lambda s: _params(s)[0].update(style="deepObject"))
    c = only(report)
    assert (c.kind, c.severity, c.operation) == ("other-changed", "additive", "listThings")
    assert "/parameters/0/style" in c.detail


def test_ref_cycles_are_followed_safely() -> None:
    def add_tree(s: Spec) -> None:
        schemas(s)["Node"] = {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                "parent": {"allOf": [{"$ref": "#/components/schemas/Node"}]},
            },
        }
        schemas(s)["Thing"]["properties"]["tree"] = {"$ref": "#/components/schemas/Node"}
        schemas(s)["Loop"] = {"$ref": "#/components/schemas/Loop"}
        schemas(s)["Thing"]["properties"]["loop"] = {"$ref": "#/components/schemas/Loop"}

    old = base()
    add_tree(old)
    new = copy.deepcopy(old)
    schemas(new)["Node"]["properties"]["size"] = {"type": "integer"}
    report = compare(old, new)
    assert ("response-field-added", "additive", "tree.size") in kinds(report)
    assert ("response-field-added", "additive", "tree.children[].size") not in kinds(report)  # not followed


# ---------------------------------------------------------------------------- output


def test_order_is_deterministic_whatever_the_document_order() -> None:
    def edit(s: Spec) -> None:
        schemas(s)["Status"]["enum"] = ["paused", "gone"]
        post_body(s)["properties"].pop("size")
        s["paths"]["/things/{id}"]["delete"] = {"operationId": "deleteThing", "responses": {"204": {}}}

    old, new = base(), base()
    edit(new)
    shuffled_old = json.loads(json.dumps(old))
    shuffled_old["paths"] = dict(reversed(list(shuffled_old["paths"].items())))
    first, second = compare(old, new), compare(shuffled_old, copy.deepcopy(new))
    assert first.to_json() == second.to_json()
    assert first.to_text() == second.to_text()
    severities = [c.severity for c in first.changes]
    assert severities == sorted(severities, key=diff.SEVERITIES.index)


def test_text_and_json_outputs() -> None:
    report = changed(lambda s: post_body(s)["properties"].pop("size"))
    text = report.to_text()
    assert "Breaking (1):\n  createThing\n    - request-field-removed `size`: integer removed" in text
    assert "Additive (0):\n  none" in text
    assert "bump: major" in text
    data = json.loads(report.to_json())
    assert data["bump"] == "major"
    assert data["counts"] == {"breaking": 1, "additive": 0, "description": 0}
    assert data["changes"][0]["kind"] == "request-field-removed"
    assert "- `createThing` request-field-removed `size`" in report.to_markdown()


def test_main_reads_files_and_can_fail_on_breaking(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = base(), base()
    new["paths"]["/things/{id}"].pop("get")
    (tmp_path / "old.json").write_text(json.dumps(old))
    (tmp_path / "new.json").write_text(json.dumps(new))
    args = [str(tmp_path / "old.json"), str(tmp_path / "new.json")]
    assert diff.main(args) == 0
    assert "operation-removed" in capsys.readouterr().out
    assert diff.main([*args, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["bump"] == "major"
    assert diff.main([*args, "--fail-on-breaking"]) == 1
    assert diff.main([args[0], str(tmp_path / "missing.json")]) == 2


def test_closing_an_object_is_noted_once_per_schema() -> None:
    report = changed(lambda s: schemas(s)["Thing"].update(additionalProperties=False))
    c = only(report)
    assert (c.kind, c.severity, c.schema, c.path) == ("object-closed", "additive", "Thing", "")
    assert c.detail == "unknown keys now forbidden (response; 3 operation(s))"


# ---------------------------------------------------------------------------- real history


def shared_specs(sub: str = "") -> list[Path]:
    from tests.generator.helpers import shared_specs_dir

    folder = shared_specs_dir() / sub
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


SPECS = shared_specs()
needs_specs = pytest.mark.skipif(len(SPECS) < 2, reason="no ../shared/specs (set SENDMUX_SHARED_SPECS)")


@needs_specs
@pytest.mark.parametrize(
    ("old", "new"), list(zip(SPECS, SPECS[1:], strict=False)), ids=lambda p: p.name[13:23]
)
def test_consecutive_shared_specs_diff_deterministically(old: Path, new: Path) -> None:
    a, b = fetch.load_spec(str(old)), fetch.load_spec(str(new))
    first = compare(a, b, old.name, new.name)
    again = compare(copy.deepcopy(a), copy.deepcopy(b), old.name, new.name)
    assert first.to_json() == again.to_json()
    assert first.to_text() == again.to_text()
    # Each dated version changed something for Management clients, and never removed an operation.
    assert first.bump() != "none"
    assert not [c for c in first.changes if c.kind == "operation-removed"]
    assert first.new_operations >= first.old_operations


@needs_specs
def test_history_shows_the_known_growth() -> None:
    oldest, newest = fetch.load_spec(str(SPECS[0])), fetch.load_spec(str(SPECS[-1]))
    report = compare(oldest, newest)
    assert report.old_operations == 70  # 34 Management + 36 Mailbox
    assert report.new_operations > report.old_operations
    added = [c for c in report.changes if c.kind == "operation-added"]
    assert len(added) == report.new_operations - report.old_operations
    # Management only grew; the Mailbox API made fields nullable/optional (breaking for its clients).
    assert not [c for c in report.breaking if c.operation and c.operation.startswith("management")]
    assert {c.kind for c in report.breaking} == {"response-field-required-changed"}


@needs_specs
def test_newest_shared_spec_against_the_pinned_one() -> None:
    try:
        pinned = fetch.load_spec()  # cached after the first `make generate`; offline otherwise
    except fetch.SpecError as exc:
        pytest.skip(f"pinned spec unavailable: {exc}")
    report = compare(fetch.load_spec(str(SPECS[-1])), pinned)
    assert (report.old_operations, report.new_operations) == (94, 96)
    assert [c.operation for c in report.changes if c.kind == "operation-added"] == [
        "mailboxGetConnection",
        "managementGetConnection",
    ]


def test_python_m_generator_diff_dispatches_here(tmp_path: Path) -> None:
    if not (ROOT / "generator" / "__main__.py").is_file():
        pytest.skip("the generator CLI is not there yet")
    old, new = base(), base()
    schemas(new)["Status"]["enum"].append("archived")
    (tmp_path / "old.json").write_text(json.dumps(old))
    (tmp_path / "new.json").write_text(json.dumps(new))
    cmd = [
        sys.executable,
        "-m",
        "generator",
        "diff",
        str(tmp_path / "old.json"),
        str(tmp_path / "new.json"),
        "--json",
    ]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(proc.stdout)["bump"] == "minor"
