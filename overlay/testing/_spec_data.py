"""Static facts about the 54 Management operations, copied from the pinned spec.

Written by `python tests/unit/test_fake_spec_sync.py --write`; that test fails when the copy drifts.
Kept as data so the fake imports no generated code and never reads the spec at run time.
"""

from __future__ import annotations

from typing import Any, Final

OPERATIONS: Final[dict[str, dict[str, Any]]] = {
    "managementListBalance": {
        "method": "GET",
        "path": "/billing/balance",
        "permission": "billing.read",
        "success": 200,
        "params": [],
        "body": None,
    },
    "managementGetSpendSummary": {
        "method": "GET",
        "path": "/billing/summary",
        "permission": "billing.read",
        "success": 200,
        "params": [
            {
                "name": "days",
                "in": "query",
                "required": False,
                "schema": {"enum": ["7", "30", "90"], "type": "string"},
            }
        ],
        "body": None,
    },
    "managementListTransactions": {
        "method": "GET",
        "path": "/billing/transactions",
        "permission": "billing.read",
        "success": 200,
        "params": [
            {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"}},
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "schema": {"maximum": 100, "minimum": 1, "type": "integer"},
            },
            {
                "name": "type",
                "in": "query",
                "required": False,
                "schema": {
                    "enum": ["PURCHASE", "USAGE", "AUTO_TOPUP", "REFUND", "ADJUSTMENT"],
                    "type": "string",
                },
            },
        ],
        "body": None,
    },
    "managementListDomains": {
        "method": "GET",
        "path": "/domains",
        "permission": "domain.read",
        "success": 200,
        "params": [
            {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"}},
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "schema": {"maximum": 100, "minimum": 1, "type": "integer"},
            },
        ],
        "body": None,
    },
    "managementCreateDomain": {
        "method": "POST",
        "path": "/domains",
        "permission": "domain.create",
        "success": 201,
        "params": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"maxLength": 255, "type": "string"},
            }
        ],
        "body": {
            "additionalProperties": False,
            "properties": {
                "domain": {"type": "string"},
                "mode": {"enum": ["send_only", "send_receive"], "type": "string"},
            },
            "required": ["domain"],
            "type": "object",
        },
    },
    "managementGetDomain": {
        "method": "GET",
        "path": "/domains/{public_id}",
        "permission": "domain.read",
        "success": 200,
        "params": [
            {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}},
        ],
        "body": None,
    },
    "managementDeleteDomain": {
        "method": "DELETE",
        "path": "/domains/{public_id}",
        "permission": "domain.delete",
        "success": 200,
        "params": [{"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "body": None,
    },
    "managementUpdateDomain": {
        "method": "PATCH",
        "path": "/domains/{public_id}",
        "permission": "domain.create",
        "success": 200,
        "params": [
            {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"}},
        ],
        "body": {
            "additionalProperties": False,
            "properties": {"mode": {"enum": ["send_receive"], "type": "string"}},
            "required": ["mode"],
            "type": "object",
        },
    },
    "managementGetDomainFilters": {
        "method": "GET",
        "path": "/domains/{public_id}/filters",
        "permission": "mailbox.admin.manage",
        "success": 200,
        "params": [
            {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}},
        ],
        "body": None,
    },
    "managementSetDomainFilters": {
        "method": "PUT",
        "path": "/domains/{public_id}/filters",
        "permission": "mailbox.admin.manage",
        "success": 200,
        "params": [
            {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"}},
        ],
        "body": {
            "additionalProperties": False,
            "properties": {
                "mode": {"enum": ["off", "allowlist", "denylist"], "type": "string"},
                "rules": {
                    "items": {
                        "additionalProperties": False,
                        "properties": {
                            "note": {"maxLength": 255, "type": ["string", "null"]},
                            "pattern": {"type": "string"},
                            "type": {"enum": ["allow", "deny"], "type": "string"},
                        },
                        "required": ["type", "pattern"],
                        "type": "object",
                    },
                    "maxItems": 1000,
                    "type": "array",
                },
            },
            "required": ["mode", "rules"],
            "type": "object",
        },
    },
    "managementVerifyDomain": {
        "method": "POST",
        "path": "/domains/{public_id}/verify",
        "permission": "domain.verify",
        "success": 200,
        "params": [{"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "body": None,
    },
    "managementGetDomainZoneFile": {
        "method": "GET",
        "path": "/domains/{public_id}/zone-file",
        "permission": "domain.read",
        "success": 200,
        "params": [{"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "body": None,
    },
    "managementListEmailLogs": {
        "method": "GET",
        "path": "/emails/logs",
        "permission": "logs.read",
        "success": 200,
        "params": [
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "schema": {"maximum": 100, "minimum": 1, "type": "integer"},
            },
            {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"}},
            {
                "name": "status",
                "in": "query",
                "required": False,
                "schema": {"enum": ["pending", "sent", "failed", "rejected"], "type": "string"},
            },
            {"name": "from_date", "in": "query", "required": False, "schema": {"type": "string"}},
            {"name": "to_date", "in": "query", "required": False, "schema": {"type": "string"}},
            {"name": "provider_id", "in": "query", "required": False, "schema": {"type": "string"}},
            {"name": "search", "in": "query", "required": False, "schema": {"type": "string"}},
        ],
        "body": None,
    },
    "managementGetEmailLog": {
        "method": "GET",
        "path": "/emails/logs/{public_id}",
        "permission": "logs.read",
        "success": 200,
        "params": [
            {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}},
        ],
        "body": None,
    },
    "managementGetEmailMetrics": {
        "method": "GET",
        "path": "/emails/metrics",
        "permission": "analytics.read",
        "success": 200,
        "params": [
            {
                "name": "window",
                "in": "query",
                "required": False,
                "schema": {"enum": ["24h", "7d", "30d"], "type": "string"},
            },
            {"name": "from_date", "in": "query", "required": False, "schema": {"type": "string"}},
            {"name": "to_date", "in": "query", "required": False, "schema": {"type": "string"}},
            {
                "name": "granularity",
                "in": "query",
                "required": False,
                "schema": {"enum": ["hourly", "daily"], "type": "string"},
            },
            {"name": "provider_id", "in": "query", "required": False, "schema": {"type": "string"}},
        ],
        "body": None,
    },
    "managementListInboxLogs": {
        "method": "GET",
        "path": "/inboxes/logs",
        "permission": "logs.read",
        "success": 200,
        "params": [
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "schema": {"maximum": 100, "minimum": 1, "type": "integer"},
            },
            {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"}},
            {"name": "mailbox_id", "in": "query", "required": False, "schema": {"type": "string"}},
            {
                "name": "event_type",
                "in": "query",
                "required": False,
                "schema": {"enum": ["message.received", "message.received.spam"], "type": "string"},
            },
            {"name": "from_date", "in": "query", "required": False, "schema": {"type": "string"}},
            {"name": "to_date", "in": "query", "required": False, "schema": {"type": "string"}},
            {"name": "search", "in": "query", "required": False, "schema": {"type": "string"}},
        ],
        "body": None,
    },
    "managementGetInboxLog": {
        "method": "GET",
        "path": "/inboxes/logs/{public_id}",
        "permission": "logs.read",
        "success": 200,
        "params": [{"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "body": None,
    },
    "managementListMailboxes": {
        "method": "GET",
        "path": "/mailboxes",
        "permission": "mailbox.admin.read",
        "success": 200,
        "params": [
            {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"}},
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "schema": {"maximum": 100, "minimum": 1, "type": "integer"},
            },
            {
                "name": "include_deleted",
                "in": "query",
                "required": False,
                "schema": {"enum": ["true"], "type": "string"},
            },
        ],
        "body": None,
    },
    "managementCreateMailbox": {
        "method": "POST",
        "path": "/mailboxes",
        "permission": "mailbox.admin.create",
        "success": 201,
        "params": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"maxLength": 255, "type": "string"},
            }
        ],
        "body": {
            "additionalProperties": False,
            "properties": {
                "display_name": {"maxLength": 254, "minLength": 1, "type": "string"},
                "email": {
                    "maxLength": 254,
                    "minLength": 5,
                    "pattern": "^(?![^\\r\\n]*[\\r\\n])(?![^@]*\\.\\.)[a-zA-Z0-9_%+-](?:[a-zA-Z0-9._%+-]*[a-zA-Z0-9_%+-])?@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,63}$",
                    "type": "string",
                },
                "quota_bytes": {"minimum": 1, "type": "integer"},
                "send_scope": {
                    "additionalProperties": False,
                    "properties": {
                        "group_public_ids": {
                            "items": {"maxLength": 128, "minLength": 1, "type": "string"},
                            "type": "array",
                        },
                        "provider_public_ids": {
                            "items": {"maxLength": 128, "minLength": 1, "type": "string"},
                            "type": "array",
                        },
                        "type": {"enum": ["all", "providers", "group"], "type": "string"},
                    },
                    "required": ["type"],
                    "type": "object",
                },
            },
            "required": ["email"],
            "type": "object",
        },
    },
    "managementGetMailbox": {
        "method": "GET",
        "path": "/mailboxes/{public_id}",
        "permission": "mailbox.admin.read",
        "success": 200,
        "params": [
            {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}},
        ],
        "body": None,
    },
    "managementDeleteMailbox": {
        "method": "DELETE",
        "path": "/mailboxes/{public_id}",
        "permission": "mailbox.admin.delete",
        "success": 200,
        "params": [{"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "body": None,
    },
    "managementUpdateMailbox": {
        "method": "PATCH",
        "path": "/mailboxes/{public_id}",
        "permission": "mailbox.admin.manage",
        "success": 200,
        "params": [
            {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"}},
        ],
        "body": {
            "additionalProperties": False,
            "properties": {
                "display_name": {"maxLength": 254, "minLength": 1, "type": ["string", "null"]},
                "quota_bytes": {"minimum": 1, "type": "integer"},
                "send_scope": {
                    "additionalProperties": False,
                    "properties": {
                        "group_public_ids": {
                            "items": {"maxLength": 128, "minLength": 1, "type": "string"},
                            "type": "array",
                        },
                        "provider_public_ids": {
                            "items": {"maxLength": 128, "minLength": 1, "type": "string"},
                            "type": "array",
                        },
                        "type": {"enum": ["all", "providers", "group"], "type": "string"},
                    },
                    "required": ["type"],
                    "type": "object",
                },
            },
            "type": "object",
        },
    },
    "managementGetMailboxFilters": {
        "method": "GET",
        "path": "/mailboxes/{public_id}/filters",
        "permission": "mailbox.admin.manage",
        "success": 200,
        "params": [
            {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}},
        ],
        "body": None,
    },
    "managementSetMailboxFilters": {
        "method": "PUT",
        "path": "/mailboxes/{public_id}/filters",
        "permission": "mailbox.admin.manage",
        "success": 200,
        "params": [
            {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"}},
        ],
        "body": {
            "additionalProperties": False,
            "properties": {
                "mode": {"enum": ["off", "allowlist", "denylist"], "type": "string"},
                "rules": {
                    "items": {
                        "additionalProperties": False,
                        "properties": {
                            "note": {"maxLength": 255, "type": ["string", "null"]},
                            "pattern": {"type": "string"},
                            "type": {"enum": ["allow", "deny"], "type": "string"},
                        },
                        "required": ["type", "pattern"],
                        "type": "object",
                    },
                    "maxItems": 1000,
                    "type": "array",
                },
            },
            "required": ["mode", "rules"],
            "type": "object",
        },
    },
    "managementCreateMailboxKey": {
        "method": "POST",
        "path": "/mailboxes/{public_id}/keys",
        "permission": "mailbox.admin.manage",
        "success": 201,
        "params": [
            {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}},
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"maxLength": 255, "type": "string"},
            },
        ],
        "body": {
            "additionalProperties": False,
            "properties": {"app_name": {"maxLength": 255, "minLength": 1, "type": "string"}},
            "required": ["app_name"],
            "type": "object",
        },
    },
    "managementDeleteMailboxKey": {
        "method": "DELETE",
        "path": "/mailboxes/{public_id}/keys/{key_id}",
        "permission": "mailbox.admin.manage",
        "success": 200,
        "params": [
            {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "key_id", "in": "path", "required": True, "schema": {"type": "string"}},
        ],
        "body": None,
    },
    "managementResumeMailbox": {
        "method": "POST",
        "path": "/mailboxes/{public_id}/resume",
        "permission": "mailbox.admin.manage",
        "success": 200,
        "params": [
            {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}},
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"maxLength": 255, "type": "string"},
            },
        ],
        "body": None,
    },
    "managementSuspendMailbox": {
        "method": "POST",
        "path": "/mailboxes/{public_id}/suspend",
        "permission": "mailbox.admin.manage",
        "success": 200,
        "params": [
            {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}},
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"maxLength": 255, "type": "string"},
            },
        ],
        "body": None,
    },
    "managementCheckMailboxAvailability": {
        "method": "GET",
        "path": "/mailboxes/availability",
        "permission": "mailbox.admin.create",
        "success": 200,
        "params": [{"name": "email", "in": "query", "required": True, "schema": {"type": "string"}}],
        "body": None,
    },
    "managementGetConnection": {
        "method": "GET",
        "path": "/me",
        "permission": None,
        "success": 200,
        "params": [
            {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}}
        ],
        "body": None,
    },
    "managementListProviders": {
        "method": "GET",
        "path": "/providers",
        "permission": "provider.read",
        "success": 200,
        "params": [
            {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"}},
            {
                "name": "status",
                "in": "query",
                "required": False,
                "schema": {"enum": ["active", "inactive", "error", "pending"], "type": "string"},
            },
            {
                "name": "type",
                "in": "query",
                "required": False,
                "schema": {"enum": ["smtp", "gmail_api", "outlook_api", "amazon_ses"], "type": "string"},
            },
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "schema": {"maximum": 100, "minimum": 1, "type": "integer"},
            },
        ],
        "body": None,
    },
    "managementCreateProvider": {
        "method": "POST",
        "path": "/providers",
        "permission": "provider.create",
        "success": 201,
        "params": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"maxLength": 255, "type": "string"},
            }
        ],
        "body": {
            "additionalProperties": False,
            "properties": {
                "from_email": {"format": "email", "maxLength": 255, "type": ["string", "null"]},
                "from_name": {"maxLength": 255, "type": ["string", "null"]},
                "name": {"maxLength": 255, "minLength": 1, "type": "string"},
                "percentage": {"maximum": 100, "minimum": 0, "type": "integer"},
                "quotas": {
                    "additionalProperties": False,
                    "properties": {
                        "per_day": {
                            "anyOf": [
                                {"exclusiveMinimum": 0, "type": "integer"},
                                {
                                    "additionalProperties": False,
                                    "properties": {
                                        "max": {"exclusiveMinimum": 0, "type": "integer"},
                                        "min": {"exclusiveMinimum": 0, "type": "integer"},
                                    },
                                    "required": ["min", "max"],
                                    "type": "object",
                                },
                                {"type": "null"},
                            ]
                        },
                        "per_hour": {
                            "anyOf": [
                                {"exclusiveMinimum": 0, "type": "integer"},
                                {
                                    "additionalProperties": False,
                                    "properties": {
                                        "max": {"exclusiveMinimum": 0, "type": "integer"},
                                        "min": {"exclusiveMinimum": 0, "type": "integer"},
                                    },
                                    "required": ["min", "max"],
                                    "type": "object",
                                },
                                {"type": "null"},
                            ]
                        },
                        "per_minute": {
                            "anyOf": [
                                {"exclusiveMinimum": 0, "type": "integer"},
                                {
                                    "additionalProperties": False,
                                    "properties": {
                                        "max": {"exclusiveMinimum": 0, "type": "integer"},
                                        "min": {"exclusiveMinimum": 0, "type": "integer"},
                                    },
                                    "required": ["min", "max"],
                                    "type": "object",
                                },
                                {"type": "null"},
                            ]
                        },
                        "per_second": {
                            "anyOf": [
                                {"exclusiveMinimum": 0, "type": "integer"},
                                {
                                    "additionalProperties": False,
                                    "properties": {
                                        "max": {"exclusiveMinimum": 0, "type": "integer"},
                                        "min": {"exclusiveMinimum": 0, "type": "integer"},
                                    },
                                    "required": ["min", "max"],
                                    "type": "object",
                                },
                                {"type": "null"},
                            ]
                        },
                    },
                    "type": "object",
                },
                "reply_to_email": {"format": "email", "maxLength": 255, "type": ["string", "null"]},
                "reply_to_name": {"maxLength": 255, "type": ["string", "null"]},
                "smtp_host": {"maxLength": 255, "minLength": 1, "type": "string"},
                "smtp_password": {"maxLength": 500, "minLength": 1, "type": "string"},
                "smtp_port": {"maximum": 65535, "minimum": 1, "type": "integer"},
                "smtp_protocol": {"enum": ["tls", "ssl", "none", "starttls"], "type": "string"},
                "smtp_username": {"maxLength": 255, "minLength": 1, "type": "string"},
                "tracking_domain": {"maxLength": 255, "type": ["string", "null"]},
                "variables": {
                    "additionalProperties": {"maxLength": 4096, "type": "string"},
                    "maxProperties": 50,
                    "propertyNames": {
                        "maxLength": 64,
                        "pattern": "^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$",
                        "type": "string",
                    },
                    "type": "object",
                },
            },
            "required": ["name", "smtp_host", "smtp_port", "smtp_protocol", "smtp_username", "smtp_password"],
            "type": "object",
        },
    },
    "managementGetProvider": {
        "method": "GET",
        "path": "/providers/{public_id}",
        "permission": "provider.read",
        "success": 200,
        "params": [
            {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}},
        ],
        "body": None,
    },
    "managementDeleteProvider": {
        "method": "DELETE",
        "path": "/providers/{public_id}",
        "permission": "provider.delete",
        "success": 200,
        "params": [{"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "body": None,
    },
    "managementUpdateProvider": {
        "method": "PATCH",
        "path": "/providers/{public_id}",
        "permission": "provider.update",
        "success": 200,
        "params": [
            {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"}},
        ],
        "body": {
            "additionalProperties": False,
            "properties": {
                "from_email": {"format": "email", "maxLength": 255, "type": ["string", "null"]},
                "from_name": {"maxLength": 255, "type": ["string", "null"]},
                "name": {"maxLength": 255, "minLength": 1, "type": "string"},
                "percentage": {"maximum": 100, "minimum": 0, "type": "integer"},
                "quotas": {
                    "additionalProperties": False,
                    "properties": {
                        "per_day": {
                            "anyOf": [
                                {"exclusiveMinimum": 0, "type": "integer"},
                                {
                                    "additionalProperties": False,
                                    "properties": {
                                        "max": {"exclusiveMinimum": 0, "type": "integer"},
                                        "min": {"exclusiveMinimum": 0, "type": "integer"},
                                    },
                                    "required": ["min", "max"],
                                    "type": "object",
                                },
                                {"type": "null"},
                            ]
                        },
                        "per_hour": {
                            "anyOf": [
                                {"exclusiveMinimum": 0, "type": "integer"},
                                {
                                    "additionalProperties": False,
                                    "properties": {
                                        "max": {"exclusiveMinimum": 0, "type": "integer"},
                                        "min": {"exclusiveMinimum": 0, "type": "integer"},
                                    },
                                    "required": ["min", "max"],
                                    "type": "object",
                                },
                                {"type": "null"},
                            ]
                        },
                        "per_minute": {
                            "anyOf": [
                                {"exclusiveMinimum": 0, "type": "integer"},
                                {
                                    "additionalProperties": False,
                                    "properties": {
                                        "max": {"exclusiveMinimum": 0, "type": "integer"},
                                        "min": {"exclusiveMinimum": 0, "type": "integer"},
                                    },
                                    "required": ["min", "max"],
                                    "type": "object",
                                },
                                {"type": "null"},
                            ]
                        },
                        "per_second": {
                            "anyOf": [
                                {"exclusiveMinimum": 0, "type": "integer"},
                                {
                                    "additionalProperties": False,
                                    "properties": {
                                        "max": {"exclusiveMinimum": 0, "type": "integer"},
                                        "min": {"exclusiveMinimum": 0, "type": "integer"},
                                    },
                                    "required": ["min", "max"],
                                    "type": "object",
                                },
                                {"type": "null"},
                            ]
                        },
                    },
                    "type": "object",
                },
                "reply_to_email": {"format": "email", "maxLength": 255, "type": ["string", "null"]},
                "reply_to_name": {"maxLength": 255, "type": ["string", "null"]},
                "smtp_host": {"maxLength": 255, "minLength": 1, "type": "string"},
                "smtp_password": {"maxLength": 500, "minLength": 1, "type": "string"},
                "smtp_port": {"maximum": 65535, "minimum": 1, "type": "integer"},
                "smtp_protocol": {"enum": ["tls", "ssl", "none", "starttls"], "type": "string"},
                "smtp_username": {"maxLength": 255, "minLength": 1, "type": "string"},
                "tracking_domain": {"maxLength": 255, "type": ["string", "null"]},
                "variables": {
                    "additionalProperties": {"maxLength": 4096, "type": "string"},
                    "maxProperties": 50,
                    "propertyNames": {
                        "maxLength": 64,
                        "pattern": "^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$",
                        "type": "string",
                    },
                    "type": "object",
                },
            },
            "type": "object",
        },
    },
    "managementActivateProvider": {
        "method": "POST",
        "path": "/providers/{public_id}/activate",
        "permission": "provider.update",
        "success": 200,
        "params": [
            {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}},
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"maxLength": 255, "type": "string"},
            },
        ],
        "body": None,
    },
    "managementDeactivateProvider": {
        "method": "POST",
        "path": "/providers/{public_id}/deactivate",
        "permission": "provider.update",
        "success": 200,
        "params": [
            {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}},
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"maxLength": 255, "type": "string"},
            },
        ],
        "body": None,
    },
    "managementTestProvider": {
        "method": "POST",
        "path": "/providers/{public_id}/test",
        "permission": "provider.update",
        "success": 200,
        "params": [
            {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}},
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"maxLength": 255, "type": "string"},
            },
        ],
        "body": None,
    },
    "managementGetProviderLimits": {
        "method": "GET",
        "path": "/providers/limits",
        "permission": "provider.read",
        "success": 200,
        "params": [],
        "body": None,
    },
    "managementRequestSendingAccountLimitIncrease": {
        "method": "POST",
        "path": "/providers/limits/sending-accounts/request-increase",
        "permission": "provider.create",
        "success": 200,
        "params": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"maxLength": 255, "type": "string"},
            }
        ],
        "body": None,
    },
    "managementGetSharedAmazonSesLimitRequest": {
        "method": "GET",
        "path": "/providers/shared-amazon-ses-limit-request",
        "permission": "provider.read",
        "success": 200,
        "params": [],
        "body": None,
    },
    "managementCreateSharedAmazonSesLimitRequest": {
        "method": "POST",
        "path": "/providers/shared-amazon-ses-limit-request",
        "permission": "provider.update",
        "success": 200,
        "params": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"maxLength": 255, "type": "string"},
            }
        ],
        "body": None,
    },
    "managementCancelSharedAmazonSesLimitRequest": {
        "method": "DELETE",
        "path": "/providers/shared-amazon-ses-limit-request/{request_id}",
        "permission": "provider.update",
        "success": 200,
        "params": [{"name": "request_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "body": None,
    },
    "managementGetProviderStats": {
        "method": "GET",
        "path": "/providers/stats",
        "permission": "provider.read",
        "success": 200,
        "params": [],
        "body": None,
    },
    "managementGetProviderUsage": {
        "method": "GET",
        "path": "/providers/usage",
        "permission": "provider.read",
        "success": 200,
        "params": [],
        "body": None,
    },
    "managementListWebhooks": {
        "method": "GET",
        "path": "/webhooks",
        "permission": "webhook.read",
        "success": 200,
        "params": [
            {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"}},
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "schema": {"maximum": 100, "minimum": 1, "type": "integer"},
            },
        ],
        "body": None,
    },
    "managementCreateWebhook": {
        "method": "POST",
        "path": "/webhooks",
        "permission": "webhook.create",
        "success": 201,
        "params": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"maxLength": 255, "type": "string"},
            }
        ],
        "body": {
            "additionalProperties": False,
            "properties": {
                "enabled": {"type": "boolean"},
                "event_types": {
                    "items": {
                        "enum": [
                            "message.delivered",
                            "message.bounced",
                            "message.complained",
                            "message.rejected",
                            "message.delivery_delayed",
                            "message.received",
                            "message.received.spam",
                            "sendmux.test",
                        ],
                        "type": "string",
                    },
                    "minItems": 1,
                    "type": "array",
                },
                "filters": {
                    "allOf": [
                        {
                            "additionalProperties": False,
                            "properties": {"mailbox_ids": {"items": {"type": "string"}, "type": "array"}},
                            "required": ["mailbox_ids"],
                            "type": "object",
                        },
                        {},
                    ]
                },
                "name": {"maxLength": 255, "minLength": 1, "type": "string"},
                "url": {"format": "uri", "type": "string"},
            },
            "required": ["url", "event_types"],
            "type": "object",
        },
    },
    "managementGetWebhook": {
        "method": "GET",
        "path": "/webhooks/{public_id}",
        "permission": "webhook.read",
        "success": 200,
        "params": [
            {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}},
        ],
        "body": None,
    },
    "managementDeleteWebhook": {
        "method": "DELETE",
        "path": "/webhooks/{public_id}",
        "permission": "webhook.delete",
        "success": 200,
        "params": [{"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "body": None,
    },
    "managementUpdateWebhook": {
        "method": "PATCH",
        "path": "/webhooks/{public_id}",
        "permission": "webhook.update",
        "success": 200,
        "params": [
            {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"}},
        ],
        "body": {
            "additionalProperties": False,
            "properties": {
                "enabled": {"type": "boolean"},
                "event_types": {
                    "items": {
                        "enum": [
                            "message.delivered",
                            "message.bounced",
                            "message.complained",
                            "message.rejected",
                            "message.delivery_delayed",
                            "message.received",
                            "message.received.spam",
                            "sendmux.test",
                        ],
                        "type": "string",
                    },
                    "minItems": 1,
                    "type": "array",
                },
                "filters": {
                    "allOf": [
                        {
                            "additionalProperties": False,
                            "properties": {"mailbox_ids": {"items": {"type": "string"}, "type": "array"}},
                            "required": ["mailbox_ids"],
                            "type": "object",
                        },
                        {},
                    ]
                },
                "name": {"maxLength": 255, "type": ["string", "null"]},
                "url": {"format": "uri", "type": "string"},
            },
            "type": "object",
        },
    },
    "managementListDelivery": {
        "method": "GET",
        "path": "/webhooks/{public_id}/deliveries",
        "permission": "webhook.read",
        "success": 200,
        "params": [
            {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"}},
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "schema": {"maximum": 100, "minimum": 1, "type": "integer"},
            },
            {
                "name": "event_type",
                "in": "query",
                "required": False,
                "schema": {
                    "enum": [
                        "message.delivered",
                        "message.bounced",
                        "message.complained",
                        "message.rejected",
                        "message.delivery_delayed",
                        "message.received",
                        "message.received.spam",
                        "sendmux.test",
                    ],
                    "type": "string",
                },
            },
            {
                "name": "result",
                "in": "query",
                "required": False,
                "schema": {"enum": ["success", "retrying", "failed", "permanent_failure"], "type": "string"},
            },
        ],
        "body": None,
    },
    "managementGetDeliveryPayload": {
        "method": "GET",
        "path": "/webhooks/{public_id}/deliveries/{delivery_id}/payload",
        "permission": "webhook.read",
        "success": 200,
        "params": [
            {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "delivery_id", "in": "path", "required": True, "schema": {"type": "string"}},
        ],
        "body": None,
    },
    "managementRotateWebhookSecret": {
        "method": "POST",
        "path": "/webhooks/{public_id}/rotate-secret",
        "permission": "webhook.manage",
        "success": 200,
        "params": [
            {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}},
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"maxLength": 255, "type": "string"},
            },
        ],
        "body": None,
    },
    "managementTestWebhook": {
        "method": "POST",
        "path": "/webhooks/{public_id}/test",
        "permission": "webhook.manage",
        "success": 200,
        "params": [
            {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}},
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"maxLength": 255, "type": "string"},
            },
        ],
        "body": None,
    },
}
