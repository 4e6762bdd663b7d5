"""Unit tests of the pure stages: normalise, overlays, surface, naming."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pytest

from generator import naming, normalise, overlays, surface


def _spec(**schemas: Any) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }


def test_ref_allof_with_bare_constraint_becomes_the_ref() -> None:
    node = {"allOf": [{"$ref": "#/components/schemas/X"}, {"type": "object"}], "description": "d"}
    assert normalise.simplify_ref_allof(node) == {"$ref": "#/components/schemas/X", "description": "d"}


def test_ref_allof_is_rewritten_at_any_depth_including_inside_anyof() -> None:
    inner = {"allOf": [{"$ref": "#/components/schemas/R"}, {"type": "object"}]}
    node = {"properties": {"q": {"anyOf": [{"type": "integer"}, inner, {"type": "null"}]}}}
    out = normalise.simplify_ref_allof(node)
    assert out["properties"]["q"]["anyOf"][1] == {"$ref": "#/components/schemas/R"}


def test_real_allof_compositions_are_left_alone() -> None:
    node = {"allOf": [{"$ref": "#/a"}, {"properties": {"x": {"type": "string"}}, "type": "object"}]}
    assert normalise.simplify_ref_allof(node) == node
    two_refs = {"allOf": [{"$ref": "#/a"}, {"$ref": "#/b"}]}
    assert normalise.simplify_ref_allof(two_refs) == two_refs


def _enveloped(data: dict[str, Any], paginated: bool = False) -> dict[str, Any]:
    props: dict[str, Any] = {"data": data, "meta": {"type": "object"}}
    if paginated:
        props["pagination"] = {"type": "object"}
    return {
        "allOf": [{"$ref": "#/components/schemas/SuccessEnvelope"}, {"type": "object", "properties": props}]
    }


def _with_op(spec: dict[str, Any], schema_name: str) -> dict[str, Any]:
    response = {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}}
    spec["paths"]["/things"] = {"get": {"operationId": "listThings", "responses": {"200": response}}}
    return spec


def test_envelope_is_unwrapped_to_its_data_and_marked() -> None:
    spec = _with_op(
        _spec(
            SuccessEnvelope={"type": "object", "properties": {"ok": {}, "meta": {}}},
            Thing={"type": "object", "properties": {"id": {"type": "string"}}},
            ThingListResponse=_enveloped(
                {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}, paginated=True
            ),
        ),
        "ThingListResponse",
    )
    out = normalise.unwrap_envelopes(spec)
    op = out["paths"]["/things"]["get"]
    assert op["responses"]["200"]["content"]["application/json"]["schema"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Thing"},
    }
    assert op[normalise.ENVELOPE_MARK] == {"paginated": True}
    assert spec["paths"]["/things"]["get"].get(normalise.ENVELOPE_MARK) is None  # input untouched


def test_inline_data_is_hoisted_and_named_after_its_envelope() -> None:
    deleted = {"type": "object", "properties": {"deleted": {"type": "boolean"}, "id": {"type": "string"}}}
    spec = _with_op(
        _spec(SuccessEnvelope={"type": "object"}, ThingDeletedResponse=_enveloped(deleted)),
        "ThingDeletedResponse",
    )
    out = normalise.unwrap_envelopes(spec)
    schema = out["paths"]["/things"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/ThingDeleted"}
    assert out["components"]["schemas"]["ThingDeleted"] == deleted


def _overlay(tmp_path: Path, name: str, actions: str) -> Path:
    path = tmp_path / name
    path.write_text(f"overlay: 1.0.0\ninfo:\n  title: t\n  version: 1.0.0\nactions:\n{actions}")
    return path


def test_overlay_update_deep_merges_and_remove_deletes(tmp_path: Path) -> None:
    spec = _spec(A={"type": "object", "properties": {"x": {"type": "string", "description": "keep"}}})
    first = _overlay(
        tmp_path,
        "10-a.yaml",
        "  - target: $.components.schemas.A.properties.x\n    update:\n      format: date-time\n",
    )
    second = _overlay(tmp_path, "20-b.yaml", "  - target: $.components.schemas.A.type\n    remove: true\n")
    out = overlays.apply_overlays(spec, [first, second])
    assert out["components"]["schemas"]["A"] == {
        "properties": {"x": {"type": "string", "description": "keep", "format": "date-time"}}
    }
    assert spec["components"]["schemas"]["A"]["type"] == "object"  # input untouched


def test_overlay_filter_selectors_are_rfc9535(tmp_path: Path) -> None:
    spec = _spec()
    spec["paths"]["/x"] = {"get": {"parameters": [{"name": "a", "schema": {}}, {"name": "b", "schema": {}}]}}
    path = _overlay(
        tmp_path,
        "10.yaml",
        "  - target: \"$.paths['/x'].get.parameters[?@.name == 'b'].schema\"\n    update:\n      format: date\n",
    )
    out = overlays.apply_overlays(spec, [path])
    assert out["paths"]["/x"]["get"]["parameters"] == [
        {"name": "a", "schema": {}},
        {"name": "b", "schema": {"format": "date"}},
    ]


def test_an_action_matching_nothing_fails_naming_file_and_action(tmp_path: Path) -> None:
    path = _overlay(
        tmp_path,
        "30-names.yaml",
        "  - target: $.components.schemas.A\n    update: {}\n"
        "  - description: rename Gone\n    target: $.components.schemas.Gone\n    update:\n      x: 1\n",
    )
    spec = _spec(A={})
    with pytest.raises(overlays.OverlayError) as info:
        overlays.apply_overlays(spec, [path])
    message = str(info.value)
    assert "30-names.yaml" in message and "action #1" in message and "rename Gone" in message
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        overlays.apply_overlays(spec, [path], lenient=True)
    assert any("30-names.yaml: action #1" in str(w.message) for w in caught)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("overlay: 2.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: $.a, remove: true}]\n", "1.x.x"),
        ("overlay: 1.0.0\nactions: [{target: $.a, remove: true}]\n", "info"),
        ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: []\n", "non-empty"),
        (
            "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: '$..[', remove: true}]\n",
            "JSONPath",
        ),
        ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: $.paths}]\n", "exactly one"),
        ("overlay: [unclosed\n", "cannot read"),
    ],
)
def test_malformed_overlays_fail_with_the_file_named(tmp_path: Path, body: str, fragment: str) -> None:
    path = tmp_path / "99-bad.yaml"
    path.write_text(body)
    with pytest.raises(overlays.OverlayError) as info:
        overlays.apply_overlays(_spec(), [path])
    assert "99-bad.yaml" in str(info.value) and fragment in str(info.value)


def test_select_keeps_management_and_prune_drops_unreferenced() -> None:
    spec = _spec(
        Used={"type": "object", "properties": {"n": {"$ref": "#/components/schemas/Nested"}}},
        Nested={"type": "string"},
        MailboxOnly={"type": "object"},
        Kept={"type": "object", surface.KEEP_MARK: True},
    )
    ok = {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Used"}}}}}
    mailbox = {
        "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/MailboxOnly"}}}}
    }
    spec["paths"] = {
        "/a": {"get": {"tags": ["Domains"], "responses": ok}},
        "/m": {"get": {"tags": ["Mailbox API"], "responses": mailbox}},
    }
    out = surface.prune(surface.select_management(spec))
    assert list(out["paths"]) == ["/a"]
    assert set(out["components"]["schemas"]) == {"Used", "Nested", "Kept"}


def test_naming_derives_names_where_no_overlay_gave_one() -> None:
    spec = _spec()
    spec["paths"] = {
        "/providers": {
            "get": {"operationId": "managementListProviders", "tags": ["Sending accounts"]},
            "post": {
                "operationId": "managementCreateProvider",
                "tags": ["Sending accounts"],
                naming.RESOURCE_KEY: "sending_accounts",
                naming.METHOD_KEY: "create",
            },
        },
        "/x": {"get": {"tags": ["Domain Filters"]}},
    }
    naming.assign_names(spec)
    get = spec["paths"]["/providers"]["get"]
    assert (get[naming.RESOURCE_KEY], get[naming.METHOD_KEY]) == ("sending_accounts", "list_providers")
    assert spec["paths"]["/x"]["get"][naming.RESOURCE_KEY] == "domain_filters"
    assert spec["paths"]["/x"]["get"][naming.METHOD_KEY] == "get_x"


def test_naming_refuses_two_operations_on_one_method() -> None:
    spec = _spec()
    spec["paths"] = {
        "/a": {"get": {naming.RESOURCE_KEY: "domains", naming.METHOD_KEY: "get"}},
        "/b": {"get": {naming.RESOURCE_KEY: "domains", naming.METHOD_KEY: "get"}},
    }
    with pytest.raises(naming.NamingError, match="both map to domains.get"):
        naming.assign_names(spec)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("managementGetFoo", "management_get_foo"),
        ("Sending accounts", "sending_accounts"),
        ("class", "class_"),
    ],
)
def test_snake(text: str, expected: str) -> None:
    assert naming.snake(text) == expected


def test_an_enum_whose_type_admits_null_becomes_a_nullable_union() -> None:
    node = {"properties": {"kind": {"type": ["string", "null"], "enum": ["a", "b"], "description": "d"}}}
    out = normalise.nullable_enums(node)
    assert out["properties"]["kind"] == {
        "description": "d",
        "anyOf": [{"type": "string", "enum": ["a", "b"], "title": "kind"}, {"type": "null"}],
    }
    plain = {"type": "string", "enum": ["a"]}
    assert normalise.nullable_enums(plain) == plain


def test_select_marks_each_operation_with_its_surface() -> None:
    spec = _spec()
    spec["paths"] = {
        "/a": {"get": {"tags": ["Domains"]}},
        "/mailbox/m": {"get": {"tags": ["Mailbox API"]}},
    }
    out = surface.select_spec(spec, "app")
    assert out["paths"]["/a"]["get"][surface.SURFACE_KEY] == "management"
    assert out["paths"]["/mailbox/m"]["get"][surface.SURFACE_KEY] == "mailbox"
    assert list(surface.select_surface(spec, "mailbox")["paths"]) == ["/mailbox/m"]


def test_derived_names_strip_the_surface_prefix_and_the_resource_noun() -> None:
    spec = _spec()
    spec["paths"] = {
        "/mailbox/messages": {"get": {"operationId": "mailboxListMessages", "tags": ["Mailbox API"]}},
        "/mailbox/messages:batch-get": {
            "post": {"operationId": "mailboxBatchGetMessages", "tags": ["Mailbox API"]}
        },
        "/mailbox/messages/{id}": {"get": {"operationId": "mailboxGetMessage", "tags": ["Mailbox API"]}},
        "/mailbox/me": {"get": {"operationId": "mailboxGetMe", "tags": ["Mailbox API"]}},
        "/connection": {"get": {"operationId": "managementGetConnection", "tags": ["Connection"]}},
    }
    named = naming.assign_names(surface.select_spec(spec, "app"))
    names = {
        op["operationId"]: f"{op[naming.RESOURCE_KEY]}.{op[naming.METHOD_KEY]}"
        for _, _, op in surface.iter_operations(named)
    }
    assert names == {
        "mailboxListMessages": "messages.list",
        "mailboxBatchGetMessages": "messages.batch_get",
        "mailboxGetMessage": "messages.get",
        "mailboxGetMe": "me.get",
        # Names are unique per surface: Management and Mailbox may both have `connection.get`.
        "managementGetConnection": "connection.get",
    }


def test_sending_operations_are_named_per_surface() -> None:
    spec = _spec()
    spec["servers"] = [{"url": "https://smtp.sendmux.ai/api/v1"}]
    spec["paths"] = {
        "/emails/send": {"post": {"operationId": "sendingSendEmail", "tags": ["Emails"]}},
        "/me": {"get": {"operationId": "sendingGetConnection", "tags": ["Meta"]}},
    }
    named = naming.assign_names(surface.select_spec(spec, "sending"))
    ops = {op["operationId"]: op for _, _, op in surface.iter_operations(named)}
    assert (ops["sendingSendEmail"][naming.RESOURCE_KEY], ops["sendingSendEmail"][naming.METHOD_KEY]) == (
        "emails",
        "send",
    )
    assert ops["sendingGetConnection"][surface.SURFACE_KEY] == "sending"


def test_recognise_tells_the_apis_apart() -> None:
    from generator import config

    sending = {"servers": [{"url": "https://smtp.sendmux.ai/api/v1"}], "paths": {"/emails/send": {}}}
    app = {"servers": [{"url": "https://app.sendmux.ai/api/v1"}], "paths": {"/domains": {}}}
    assert config.recognise(sending).name == "sending"
    assert config.recognise(app).name == "app"
    with pytest.raises(config.ConfigError):
        config.recognise({"paths": {"/nothing": {}}})


def test_a_nullable_component_moves_its_null_to_its_references() -> None:
    spec = _spec(
        Msg={"type": ["object", "null"], "properties": {"body": {"type": "object"}}},
        Event={"type": "object", "properties": {"message": {"$ref": "#/components/schemas/Msg"}}},
    )
    out = normalise.nullable_components(spec)
    assert out["components"]["schemas"]["Msg"]["type"] == "object"
    assert out["components"]["schemas"]["Event"]["properties"]["message"] == {
        "anyOf": [{"$ref": "#/components/schemas/Msg"}, {"type": "null"}]
    }


def test_an_anyof_of_envelopes_becomes_the_anyof_of_their_data() -> None:
    def env(name: str) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"ok": {}, "data": {"$ref": f"#/components/schemas/{name}"}, "meta": {}},
        }

    spec = _spec(A={"type": "object"}, B={"type": "object"}, EnvA=env("A"), EnvB=env("B"))
    schema = {"anyOf": [{"$ref": "#/components/schemas/EnvA"}, {"$ref": "#/components/schemas/EnvB"}]}
    spec["paths"] = {
        "/c": {"get": {"responses": {"200": {"content": {"application/json": {"schema": schema}}}}}}
    }
    out = normalise.unwrap_envelopes(spec)
    op = out["paths"]["/c"]["get"]
    assert op["responses"]["200"]["content"]["application/json"]["schema"] == {
        "anyOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]
    }
    assert op[normalise.ENVELOPE_MARK] == {"paginated": False}


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("X-Sendmux-Upload-Token", "upload_token"),
        ("X-Trace", "trace"),
        ("Accept-Language", "accept_language"),
    ],
)
def test_header_arguments_drop_vendor_prefixes(wire: str, expected: str) -> None:
    from generator import render

    assert render.header_argument(wire) == expected


def _inline_spec() -> dict[str, Any]:
    scope = {"type": ["object", "null"], "properties": {"kind": {"type": "string", "enum": ["all", "some"]}}}
    return {
        "openapi": "3.1.0",
        "paths": {
            "/things": {
                "get": {
                    "operationId": "managementListThings",
                    "parameters": [
                        {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["a"]}}
                    ],
                    "responses": {"200": {"description": "ok"}},
                },
                "post": {
                    "operationId": "managementCreateThing",
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"scope": {"$ref": "#/components/schemas/Scope"}},
                                }
                            }
                        }
                    },
                    "responses": {"200": {"description": "ok"}},
                },
            },
            "/other": {
                "post": {
                    "x-sendmux-resource": "things",
                    "x-sendmux-method": "archive",
                    "requestBody": {
                        "content": {"application/json": {"schema": {"type": "object", "properties": {}}}}
                    },
                    "responses": {"200": {"description": "ok"}},
                }
            },
        },
        "components": {
            "schemas": {
                "Scope": scope,
                "Quota": {
                    "type": "object",
                    "properties": {
                        "per_day": {"type": ["object", "null"], "properties": {"min": {"type": "integer"}}},
                        "either": {
                            "anyOf": [
                                {"type": "object", "properties": {"a": {"type": "string"}}},
                                {"type": "string"},
                            ]
                        },
                        "both": {
                            "oneOf": [
                                {
                                    "type": "object",
                                    "title": "by_id",
                                    "properties": {"id": {"type": "string"}},
                                },
                                {"type": "object", "properties": {"name": {"type": "string"}}},
                            ]
                        },
                    },
                },
            }
        },
    }


def test_inline_schemas_get_names_from_where_they_sit() -> None:
    spec = naming.name_inline_schemas(_inline_spec())
    schemas = spec["components"]["schemas"]
    # A nullable component names its object; the null moves to the references.
    assert schemas["Scope"]["type"] == "object" and "ScopeKind" in schemas
    body = spec["paths"]["/things"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/CreateThingBody"}  # the namespace word is dropped
    assert schemas["CreateThingBody"]["properties"]["scope"] == {
        "anyOf": [{"$ref": "#/components/schemas/Scope"}, {"type": "null"}]
    }
    param = spec["paths"]["/things"]["get"]["parameters"][0]["schema"]
    assert param == {"$ref": "#/components/schemas/ListThingsStatus"}
    # No operationId: the client's method and resource name it.
    assert "ArchiveThingsBody" in schemas
    quota = schemas["Quota"]["properties"]
    assert quota["per_day"]["anyOf"] == [{"$ref": "#/components/schemas/QuotaPerDay"}, {"type": "null"}]
    assert quota["either"]["anyOf"][0] == {"$ref": "#/components/schemas/QuotaEither"}  # one object branch
    assert [b["$ref"].rsplit("/", 1)[1] for b in quota["both"]["oneOf"]] == [
        "QuotaBothById",
        "QuotaBothWithName",  # no title: named by the key only that shape has
    ]
    assert not [n for n in schemas if re.search(r"Type\d|Body\d|^Management", n)]


def test_a_later_spec_s_clashing_schema_names_get_its_surface_prefix() -> None:
    from generator import pipeline

    app = _spec(Attachment={"type": "object"}, Only={"type": "object"})
    app[pipeline.SPEC_KEY] = "app"
    sending = _spec(Attachment={"type": "object", "properties": {"id": {"type": "string"}}})
    sending[pipeline.SPEC_KEY] = "sending"
    sending["paths"] = {
        "/a": {
            "get": {
                "responses": {
                    "200": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Attachment"}}
                        }
                    }
                }
            }
        }
    }
    first, second = pipeline.separate_model_names([app, sending])
    assert set(first["components"]["schemas"]) == {"Attachment", "Only"}
    assert set(second["components"]["schemas"]) == {"SendingAttachment"}
    ref = second["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ref == {"$ref": "#/components/schemas/SendingAttachment"}


def test_mixins_config_names_a_sync_and_an_async_class_per_resource() -> None:
    from generator import config

    loaded = config.load()
    mixins = loaded.surfaces["mailbox"].mixins["messages"]
    assert (mixins.sync.dotted, mixins.async_.dotted) == (
        "_waiting.MessagesWaitMixin",
        "_waiting.AsyncMessagesWaitMixin",
    )
    doc = yaml_doc(loaded_surfaces_with={"mixins": {"messages": ["_waiting.MessagesWaitMixin"]}})
    with pytest.raises(config.ConfigError, match="sync class, async class"):
        config.parse_config(doc)
    doc = yaml_doc(loaded_surfaces_with={"mixins": {"messages": ["waiting", "_waiting.Async"]}})
    with pytest.raises(config.ConfigError, match="module.Class"):
        config.parse_config(doc)


def yaml_doc(*, loaded_surfaces_with: dict[str, Any]) -> dict[str, Any]:
    """openapi/surfaces.yaml as data, with the mailbox surface's keys replaced by ``loaded_surfaces_with``."""
    import yaml

    from generator import config

    doc: dict[str, Any] = yaml.safe_load(config.CONFIG_FILE.read_text())
    doc["surfaces"]["mailbox"].update(loaded_surfaces_with)
    return doc


def test_a_resource_with_mixins_inherits_them_and_lists_their_methods() -> None:
    from generator import config, render

    surface_config = config.load().surfaces["mailbox"]
    tree = [render.ResourceView(path="messages", class_name="MailboxMessagesResource")]
    render.attach_mixins(tree, surface_config)
    assert tree[0].mixins is surface_config.mixins["messages"]
    assert [h.name.split("(")[0] for h in tree[0].helpers] == ["wait_for"]
    assert tree[0].helpers[0].doc.startswith("Wait for the first message matching the filters")
    # A spec without the resource (a trimmed test spec) renders without the helpers.
    other = [render.ResourceView(path="threads", class_name="MailboxThreadsResource")]
    render.attach_mixins(other, surface_config)
    assert other[0].mixins is None
