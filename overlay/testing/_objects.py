"""Builders for objects in their wire shape (the spec's response schemas), with plausible defaults."""

from __future__ import annotations

import secrets
from typing import Any

from ._protocol import iso, new_id

MAIL_SERVER = "mail.sendmux.ai"
QUOTA_TIERS = (1_073_741_824, 5_368_709_120, 53_687_091_200)
EVENT_TYPES = (
    "message.delivered",
    "message.bounced",
    "message.complained",
    "message.rejected",
    "message.delivery_delayed",
    "message.received",
    "message.received.spam",
    "sendmux.test",
)


def _quota(value: Any) -> dict[str, int] | None:
    """A create/update quota (integer, range or null) in its stored range shape."""
    if value is None:
        return None
    if isinstance(value, int):
        return {"min": value, "max": value}
    return {"min": int(value["min"]), "max": int(value["max"])}


def quotas(given: dict[str, Any] | None, current: dict[str, Any] | None = None) -> dict[str, Any]:
    out = dict(current or {"per_second": None, "per_minute": None, "per_hour": None, "per_day": None})
    for name, value in (given or {}).items():
        out[name] = _quota(value)
    return out


def sending_account(**fields: Any) -> dict[str, Any]:
    now = iso()
    shared = fields.get("type") == "amazon_ses" and fields.get("is_shared", False)
    data: dict[str, Any] = {
        "id": new_id("dprov"),
        "name": "SMTP account",
        "type": "smtp",
        "status": "active",
        "status_reason": None,
        "is_active": True,
        "is_shared": False,
        "is_editable": not shared,
        "allowed_actions": {
            "update": not shared,
            "update_variables": True,
            "delete": not shared,
            "activate": True,
            "deactivate": True,
            "test": fields.get("type", "smtp") == "smtp",
        },
        "smtp_host": "smtp.example.com",
        "smtp_port": 587,
        "smtp_protocol": "starttls",
        "smtp_username": "user@example.com",
        "has_smtp_password": True,
        "from_email": None,
        "from_name": None,
        "reply_to_email": None,
        "reply_to_name": None,
        "oauth_email": None,
        "has_refresh_token": False,
        "quotas": quotas(None),
        "percentage": 100,
        "tracking_domain": None,
        "created_at": now,
        "updated_at": now,
        "last_tested_at": None,
        "last_used_at": None,
        "variables": {},
    }
    if fields.get("type", "smtp") != "smtp":
        data.update(
            smtp_host=None, smtp_port=None, smtp_protocol=None, smtp_username=None, has_smtp_password=False
        )
    data.update(fields)
    if "status" in fields and "is_active" not in fields:
        data["is_active"] = data["status"] == "active"
    return data


def sending_account_list_item(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "variables"}


def dns_records(domain: str) -> dict[str, Any]:
    token = secrets.token_hex(16)
    return {
        "mx": [{"priority": 10, "target": f"inbound.{MAIL_SERVER}"}],
        "mail_from": {
            "mx": {
                "name": f"bounce.{domain}",
                "priority": 10,
                "target": "feedback-smtp.us-east-1.amazonses.com",
            },
            "spf": {"name": f"bounce.{domain}", "value": "v=spf1 include:amazonses.com ~all"},
        },
        "spf": {"name": domain, "value": "v=spf1 include:spf.sendmux.ai ~all"},
        "dmarc": {"name": f"_dmarc.{domain}", "value": "v=DMARC1; p=none;"},
        "dkim": [
            {"name": f"sm{i}._domainkey.{domain}", "value": f"sm{i}.dkim.{MAIL_SERVER}"} for i in (1, 2, 3)
        ],
        "verification": {"name": f"_sendmux.{domain}", "value": f"sendmux-verification={token}"},
    }


def domain(**fields: Any) -> dict[str, Any]:
    name = str(fields.get("domain", f"mail{secrets.token_hex(3)}.example.com"))
    data: dict[str, Any] = {
        "id": new_id("mdom"),
        "domain": name,
        "mode": "send_receive",
        "verification_status": "pending",
        "ses_identity_verification_status": None,
        "ses_verified_for_sending": None,
        "ses_dkim_status": None,
        "ses_dkim_signing_enabled": None,
        "ses_identity_checked_at": None,
        "ses_mail_from_status": None,
        "verified_at": None,
        "created_at": iso(),
        "mailbox_count": 0,
        "dns_records": dns_records(name),
    }
    data.update(fields)
    if data["verification_status"] == "verified" and data["verified_at"] is None:
        data["verified_at"] = data["created_at"]
    return data


def zone_file(data: dict[str, Any]) -> str:
    rec = data["dns_records"]
    lines = [f"; Sendmux DNS records for {data['domain']}", "$TTL 3600"]
    for mx in rec["mx"]:
        lines.append(f"{data['domain']}.\tIN\tMX\t{mx['priority']}\t{mx['target']}.")
    mf = rec["mail_from"]
    lines.append(f"{mf['mx']['name']}.\tIN\tMX\t{mf['mx']['priority']}\t{mf['mx']['target']}.")
    lines.append(f'{mf["spf"]["name"]}.\tIN\tTXT\t"{mf["spf"]["value"]}"')
    for key in ("spf", "dmarc", "verification"):
        lines.append(f'{rec[key]["name"]}.\tIN\tTXT\t"{rec[key]["value"]}"')
    for dk in rec["dkim"]:
        lines.append(f"{dk['name']}.\tIN\tCNAME\t{dk['value']}.")
    return "\n".join(lines) + "\n"


def verify_result(data: dict[str, Any]) -> dict[str, Any]:
    ok = data["verification_status"] == "verified"
    word = "Success" if ok else ("Failed" if data["verification_status"] == "failed" else "Pending")
    return {
        "status": data["verification_status"],
        "ses_identity_verification_status": word,
        "ses_verified_for_sending": ok,
        "ses_dkim_status": word,
        "ses_dkim_signing_enabled": ok,
        "ses_identity_checked_at": data["ses_identity_checked_at"] or iso(),
        "ses_mail_from_status": word,
        "checks": {
            "mx": ok,
            "verification_txt": ok,
            "spf": ok,
            "dmarc": ok,
            "mail_from_mx": ok,
            "mail_from_spf": ok,
        },
    }


def mailbox(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": new_id("mbx"),
        "email": f"agent{secrets.token_hex(3)}@myagent.mx",
        "display_name": None,
        "quota_bytes": QUOTA_TIERS[0],
        "send_scope": {"type": "all"},
        "status": "active",
        "created_at": iso(),
    }
    data.update(fields)
    return data


def credential(email: str) -> dict[str, Any]:
    secret = "smx_mbx_" + secrets.token_hex(20)
    return {
        "public_id": new_id("smx"),
        "secret": secret,
        "key_prefix": secret[:12],
        "key_suffix": secret[-4:],
        "server": MAIL_SERVER,
        "imap_port": 993,
        "smtp_port": 465,
        "username": email,
    }


def webhook_secret() -> str:
    return "whsec_" + secrets.token_hex(24)


def webhook(**fields: Any) -> dict[str, Any]:
    now = iso()
    data: dict[str, Any] = {
        "id": new_id("whk"),
        "name": None,
        "url": "https://example.com/webhooks/sendmux",
        "event_types": list(EVENT_TYPES),
        "filters": {"mailbox_ids": []},
        "enabled": True,
        "failing": False,
        "created_at": now,
        "updated_at": now,
    }
    data.update(fields)
    return data


def email_log(**fields: Any) -> dict[str, Any]:
    to = str(fields.get("to_email", "someone@example.org"))
    status = str(fields.get("status", "sent"))
    data: dict[str, Any] = {
        "id": new_id("dlog"),
        "provider_id": None,
        "provider_name": None,
        "delivery_group": None,
        "message_id": f"<{secrets.token_hex(8)}@sendmux.ai>",
        "from_email": "sender@example.com",
        "sent_from_email": "sender@example.com",
        "to_email": to,
        "subject": "Hello from FakeSendmux",
        "status": status,
        "status_reason": None,
        "attempts": 1,
        "sent_at": iso() if status == "sent" else None,
        "size_bytes": 2048,
        "created_at": iso(),
        "recipient_count": 1,
        "accepted_recipient_count": 1 if status == "sent" else 0,
        "rejected_recipient_count": 0 if status == "sent" else 1,
        "recipients": [
            {
                "email": to,
                "type": "to",
                "status": "accepted" if status == "sent" else "rejected",
                "reason": None,
            }
        ],
    }
    data.update(fields)
    return data


def email_log_item(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "recipients"}


def inbox_log(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": new_id("ilog"),
        "mailbox_id": None,
        "mailbox_email": None,
        "event_type": "message.received",
        "message_id": f"<{secrets.token_hex(8)}@example.org>",
        "message_id_kind": "rfc5322",
        "from_email": "someone@example.org",
        "to_emails": ["agent@myagent.mx"],
        "subject": "Inbound message",
        "size_bytes": 4096,
        "received_at": iso(),
        "is_spam": False,
        "billing_bucket_start": iso(),
        "unit_amount": "0.000100",
        "amount": "0.000100",
    }
    data.update(fields)
    if data["event_type"] == "message.received.spam" and "is_spam" not in fields:
        data["is_spam"] = True
    return data


def transaction(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": new_id("tx"),
        "amount": "-0.001500",
        "type": "USAGE",
        "description": "Email sending",
        "quantity": 1,
        "balance_before": None,
        "balance_after": None,
        "created_at": iso(),
    }
    data.update(fields)
    return data


def balance() -> dict[str, Any]:
    return {
        "balance": "25.000000",
        "balance_purchased": "25.000000",
        "balance_consumed": "0.000000",
        "currency": "USD",
        "auto_topup": {
            "enabled": False,
            "threshold": None,
            "amount": None,
            "monthly_limit": None,
            "monthly_used": "0.000000",
        },
    }


def ses_limit_request(current_limit: int, sent_today: int, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": new_id("slir"),
        "status": "pending",
        "current_daily_limit": current_limit,
        "current_daily_sent": sent_today,
        "approved_daily_limit": None,
        "decision_note": None,
        "created_at": iso(),
        "decided_at": None,
    }
    data.update(fields)
    return data


def event_data(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "message_id": None,
        "message_id_kind": None,
        "sendmux_message_id": None,
        "sender": None,
        "recipients": [],
        "mailbox_id": None,
        "bounce_type": None,
        "bounce_subtype": None,
        "complaint_type": None,
        "complaint_subtype": None,
        "reject_reason": None,
        "delay_type": None,
        "delay_expires_at": None,
        "is_spam": None,
        "webhook_id": None,
    }
    data.update(fields)
    return data
