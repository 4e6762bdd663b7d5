"""Domains: CRUD, verification, zone file, inbound filters; plus the filter helpers mailboxes share.

Verification is deterministic so tests can choose the outcome by name: a domain whose first label starts
with `fail` fails, one starting with `pending` stays pending, every other domain verifies.
"""

from __future__ import annotations

import re
from typing import Any

from . import _objects as obj
from ._context import Ctx
from ._protocol import ApiError, Result, iso, semantic_error
from ._state import Record
from ._validate import Issue

KIND = "domains"
WHAT = "Domain"
_FQDN = re.compile(r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
DEFAULT_FILTERS: dict[str, Any] = {"mode": "off", "rules": []}


def _domain(ctx: Ctx) -> Record:
    return ctx.team.get(KIND, ctx.path_params["public_id"], WHAT)


def list_domains(ctx: Ctx) -> Result:
    return ctx.page(ctx.team.all(KIND), lambda r: r.data, descending=True)  # newest first, as documented


def create(ctx: Ctx) -> Result:
    name = ctx.body["domain"]
    if not _FQDN.match(name):
        message = "Must be a lower-case, fully qualified domain name without a scheme."
        raise ApiError(
            "invalid_parameter", message, param="domain", errors=[Issue("domain", "invalid_format", message)]
        )
    if any(r.data["domain"] == name for r in ctx.team.all(KIND)):
        raise ApiError("conflict", f"The domain {name!r} is already registered.", param="domain")
    data = obj.domain(domain=name, mode=ctx.body.get("mode", "send_receive"))
    ctx.team.add(KIND, data, filters=dict(DEFAULT_FILTERS))
    ctx.created(KIND)
    return Result(data, status=201, headers={"Location": f"/api/v1/domains/{data['id']}"})


def get(ctx: Ctx) -> Result:
    return Result(_domain(ctx).data, etag=True)


def update(ctx: Ctx) -> Result:
    record = _domain(ctx)
    ctx.if_match(record.data)
    if record.data["mode"] == "send_receive":
        raise semantic_error("mode", "The domain already sends and receives; downgrades are not supported.")
    # After the upgrade the domain is pending again until its MX record verifies.
    record.data.update(mode="send_receive", verification_status="pending", verified_at=None)
    return Result(record.data, etag=True)


def delete(ctx: Ctx) -> Result:
    record = _domain(ctx)
    ctx.if_match(record.data)
    suffix = "@" + record.data["domain"]
    if any(
        m.data["status"] != "deleted" and m.data["email"].endswith(suffix) for m in ctx.team.all("mailboxes")
    ):
        raise ApiError("conflict", "Mailboxes still use this domain; delete them first.")
    del ctx.team.collections[KIND][record.id]
    return Result({"deleted": True, "id": record.id})


def verify(ctx: Ctx) -> Result:
    record = _domain(ctx)
    data = record.data
    label = data["domain"].split(".", 1)[0]
    status = (
        "failed" if label.startswith("fail") else "pending" if label.startswith("pending") else "verified"
    )
    now = iso()
    ok = status == "verified"
    word = {"verified": "Success", "failed": "Failed", "pending": "Pending"}[status]
    data.update(
        verification_status=status,
        ses_identity_verification_status=word,
        ses_verified_for_sending=ok,
        ses_dkim_status=word,
        ses_dkim_signing_enabled=ok,
        ses_identity_checked_at=now,
        ses_mail_from_status=word,
        verified_at=now if ok else None,
    )
    return Result(obj.verify_result(data))


def zone_file(ctx: Ctx) -> Result:
    data = _domain(ctx).data
    disposition = f'attachment; filename="{data["domain"]}.zone"'
    return Result(text=obj.zone_file(data), headers={"Content-Disposition": disposition})


# ---- filters (shared with mailboxes) --------------------------------------------------------------


def check_rules(body: dict[str, Any]) -> None:
    for i, rule in enumerate(body["rules"]):
        if not rule["pattern"].strip():
            raise semantic_error(f"rules[{i}].pattern", "A filter pattern cannot be empty.", "empty")


def read_filters(ctx: Ctx, record: Record) -> Result:
    return Result(record.extra.setdefault("filters", dict(DEFAULT_FILTERS)), etag=True)


def write_filters(ctx: Ctx, record: Record) -> Result:
    ctx.if_match(record.extra.setdefault("filters", dict(DEFAULT_FILTERS)))
    check_rules(ctx.body)
    state = {"mode": ctx.body["mode"], "rules": [dict(r) for r in ctx.body["rules"]]}
    record.extra["filters"] = state
    return Result(state, etag=True)


def _inbound_domain(ctx: Ctx) -> Record:
    record = _domain(ctx)
    if record.data["mode"] != "send_receive":
        raise ApiError("conflict", "Inbound filters need a send_receive domain.")
    return record


def get_filters(ctx: Ctx) -> Result:
    return read_filters(ctx, _inbound_domain(ctx))


def set_filters(ctx: Ctx) -> Result:
    return write_filters(ctx, _inbound_domain(ctx))


HANDLERS = {
    "managementListDomains": list_domains,
    "managementCreateDomain": create,
    "managementGetDomain": get,
    "managementUpdateDomain": update,
    "managementDeleteDomain": delete,
    "managementVerifyDomain": verify,
    "managementGetDomainZoneFile": zone_file,
    "managementGetDomainFilters": get_filters,
    "managementSetDomainFilters": set_filters,
}
