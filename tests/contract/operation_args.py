"""Valid arguments for every operation of every client (Management, Mailbox, Sending), keyed by operationId.

Values come from the spec's own examples where it has them (ids like `mdom_clxxx…`, `mail.acme.com`,
`https://hooks.acme.com/sendmux`).  Every required path parameter, query parameter and body field is
given (`test_prism_static.py` checks that against the spec), plus a few optional ones chosen to
exercise the client's encoding: enums as plain strings, nested objects as dicts, lists, explicit
nulls, timestamps.  Keys are the client's keyword names: the wire name, with a trailing `_` only
where it is a Python keyword (`from_` sends `from`; `type` stays `type`).  A new operation without an entry here fails `test_table_covers_every_operation`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DOMAIN_ID = "mdom_clxxxxxxxxxxxxxxxxxxxxxxxxx"
MAILBOX_ID = "mbx_clxxxxxxxxxxxxxxxxxxxxxxxxx"
KEY_ID = "smx_clxxxxxxxxxxxxxxxxxxxxxxxxx"
PROVIDER_ID = "dprov_clxxxxxxxxxxxxxxxxxxxxxxxxx"
LIMIT_REQUEST_ID = "slir_clxxxxxxxxxxxxxxxxxxxxxxxxx"
WEBHOOK_ID = "whk_clxxxxxxxxxxxxxxxxxxxxxxxxx"
DELIVERY_ID = "whda_clxxxxxxxxxxxxxxxxxxxxxxxxx"
EMAIL_LOG_ID = "dlog_clxxxxxxxxxxxxxxxxxxxxxxxxx"
INBOX_LOG_ID = "ilog_clxxxxxxxxxxxxxxxxxxxxxxxxx"
ETAG = 'W/"a1b2c3d4e5f60718"'
MESSAGE_ID = "msg_clxxxxxxxxxxxxxxxxxxxxxxxxx"
THREAD_ID = "thr_clxxxxxxxxxxxxxxxxxxxxxxxxx"
FOLDER_ID = "fld_clxxxxxxxxxxxxxxxxxxxxxxxxx"
ATTACHMENT_PART = "att_part_2"
SUBMISSION_ID = "sub_clxxxxxxxxxxxxxxxxxxxxxxxxx"
UPLOAD_ID = "upl_abcdefghijklmnopqrstuvwx"
SENDING_ATTACHMENT_ID = "att_abcdefghijklmnopqrstuvwx"
PDF_BYTES = b"%PDF-1.4\n% a tiny test file\n"


@dataclass(frozen=True)
class Call:
    """Positional path parameters (in path order) and keyword arguments for one method call."""

    args: tuple[str, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


SMTP_ACCOUNT: dict[str, Any] = {
    "name": "Transactional SMTP",
    "smtp_host": "smtp.example.com",
    "smtp_port": 587,
    "smtp_protocol": "starttls",
    "smtp_username": "api-user",
    "smtp_password": "smtp-password",
}

CALLS: dict[str, Call] = {
    # billing
    "managementListBalance": Call(),
    "managementGetSpendSummary": Call(kwargs={"days": "30"}),
    "managementListTransactions": Call(kwargs={"limit": 10, "type": "PURCHASE"}),
    # domains
    "managementListDomains": Call(kwargs={"limit": 10}),
    "managementCreateDomain": Call(
        kwargs={
            "domain": "mail.acme.com",
            "mode": "send_only",
            "idempotency_key": "domains-create-20260424-001",
        }
    ),
    "managementGetDomain": Call((DOMAIN_ID,)),
    "managementDeleteDomain": Call((DOMAIN_ID,)),
    "managementUpdateDomain": Call((DOMAIN_ID,), {"mode": "send_receive", "if_match": ETAG}),
    "managementGetDomainFilters": Call((DOMAIN_ID,)),
    "managementSetDomainFilters": Call(
        (DOMAIN_ID,),
        {
            "mode": "denylist",
            "rules": [{"type": "deny", "pattern": "partner.com", "note": "billing webhooks"}],
        },
    ),
    "managementVerifyDomain": Call((DOMAIN_ID,)),
    "managementGetDomainZoneFile": Call((DOMAIN_ID,)),
    # email and inbox logs, metrics
    "managementListEmailLogs": Call(
        kwargs={
            "limit": 10,
            "status": "sent",
            "from_date": "2026-05-01T00:00:00Z",
            "to_date": "2026-05-31T23:59:59Z",
            "search": "acme.com",
        }
    ),
    "managementGetEmailLog": Call((EMAIL_LOG_ID,)),
    "managementGetEmailMetrics": Call(kwargs={"window": "7d", "granularity": "daily"}),
    "managementListInboxLogs": Call(
        kwargs={"limit": 10, "mailbox_id": MAILBOX_ID, "event_type": "message.received"}
    ),
    "managementGetInboxLog": Call((INBOX_LOG_ID,)),
    # mailboxes
    "managementListMailboxes": Call(kwargs={"limit": 10, "include_deleted": "true"}),
    "managementCreateMailbox": Call(
        kwargs={
            "email": "agent@myagent.mx",
            "display_name": "Support Agent",
            "quota_bytes": 5368709120,
            "send_scope": {"type": "providers", "provider_public_ids": [PROVIDER_ID]},
        }
    ),
    "managementGetMailbox": Call((MAILBOX_ID,)),
    "managementDeleteMailbox": Call((MAILBOX_ID,)),
    # display_name=None sends null, which the spec allows to clear the name.
    "managementUpdateMailbox": Call((MAILBOX_ID,), {"display_name": None, "quota_bytes": 1073741824}),
    "managementGetMailboxFilters": Call((MAILBOX_ID,)),
    "managementSetMailboxFilters": Call((MAILBOX_ID,), {"mode": "allowlist", "rules": []}),
    "managementCreateMailboxKey": Call((MAILBOX_ID,), {"app_name": "CI agent"}),
    "managementDeleteMailboxKey": Call((MAILBOX_ID, KEY_ID)),
    "managementResumeMailbox": Call((MAILBOX_ID,)),
    "managementSuspendMailbox": Call((MAILBOX_ID,)),
    "managementCheckMailboxAvailability": Call(kwargs={"email": "agent@myagent.mx"}),
    # connection
    "managementGetConnection": Call(),
    # sending accounts (the API's /providers)
    "managementListProviders": Call(kwargs={"limit": 10, "status": "active", "type": "smtp"}),
    "managementCreateProvider": Call(
        kwargs={
            **SMTP_ACCOUNT,
            "from_email": "sender@example.com",
            "reply_to_name": None,
            "quotas": {"per_day": 1000, "per_minute": {"min": 30, "max": 60}},
            "variables": {"signature_url": "https://example.com/signature"},
        }
    ),
    "managementGetProvider": Call((PROVIDER_ID,)),
    "managementDeleteProvider": Call((PROVIDER_ID,)),
    "managementUpdateProvider": Call((PROVIDER_ID,), {"name": "Renamed SMTP", "percentage": 50}),
    "managementActivateProvider": Call((PROVIDER_ID,)),
    "managementDeactivateProvider": Call((PROVIDER_ID,)),
    "managementTestProvider": Call((PROVIDER_ID,)),
    "managementGetProviderLimits": Call(),
    "managementRequestSendingAccountLimitIncrease": Call(),
    "managementGetSharedAmazonSesLimitRequest": Call(),
    "managementCreateSharedAmazonSesLimitRequest": Call(),
    "managementCancelSharedAmazonSesLimitRequest": Call((LIMIT_REQUEST_ID,)),
    "managementGetProviderStats": Call(),
    "managementGetProviderUsage": Call(),
    # webhooks
    "managementListWebhooks": Call(kwargs={"limit": 10}),
    "managementCreateWebhook": Call(
        kwargs={
            "url": "https://hooks.acme.com/sendmux",
            "event_types": ["message.bounced", "message.received"],
            "filters": {"mailbox_ids": [MAILBOX_ID]},
            "name": "Acme inbound forwarder",
            "enabled": True,
        }
    ),
    "managementGetWebhook": Call((WEBHOOK_ID,)),
    "managementDeleteWebhook": Call((WEBHOOK_ID,)),
    "managementUpdateWebhook": Call((WEBHOOK_ID,), {"enabled": False, "name": None}),
    "managementListDelivery": Call(
        (WEBHOOK_ID,), {"limit": 10, "event_type": "message.bounced", "result": "failed"}
    ),
    "managementGetDeliveryPayload": Call((WEBHOOK_ID, DELIVERY_ID)),
    "managementRotateWebhookSecret": Call((WEBHOOK_ID,)),
    "managementTestWebhook": Call((WEBHOOK_ID,)),
    # --- Mailbox API (SendmuxMailbox) ---
    "mailboxCreateAttachmentUpload": Call(
        kwargs={"filename": "invoice.pdf", "content_type": "application/pdf", "size_bytes": len(PDF_BYTES)}
    ),
    "mailboxUploadAttachment": Call(kwargs={"file": PDF_BYTES, "filename": "invoice.pdf"}),
    "mailboxGetChanges": Call(kwargs={"since_state": "s_1", "limit": 50}),
    "mailboxGetConnection": Call(),
    "mailboxStreamEvents": Call(kwargs={"event_types": "message.received", "close_after": 30}),
    "mailboxListFolders": Call(),
    "mailboxCreateFolder": Call(kwargs={"name": "Invoices"}),
    "mailboxGetFolder": Call((FOLDER_ID,)),
    "mailboxDeleteFolder": Call((FOLDER_ID,)),
    "mailboxUpdateFolder": Call((FOLDER_ID,), {"name": "Paid invoices"}),
    "mailboxGetFolderChanges": Call(kwargs={"since_state": "s_1"}),
    "mailboxQueryFolderChanges": Call(kwargs={"since_query_state": "q_1"}),
    "mailboxListIdentities": Call(),
    "mailboxGetIdentity": Call(),
    "mailboxUpdateIdentity": Call(kwargs={"name": "Support Agent", "text_signature": None}),
    "mailboxListGrantedMailboxes": Call(),
    "mailboxGetMe": Call(),
    "mailboxListMessages": Call(kwargs={"limit": 10, "q": "invoice"}),
    "mailboxBatchDeleteMessages": Call(kwargs={"ids": [MESSAGE_ID]}),
    "mailboxBatchGetMessages": Call(kwargs={"ids": [MESSAGE_ID]}),
    "mailboxBatchUpdateMessages": Call(kwargs={"ids": [MESSAGE_ID], "flagged": True}),
    "mailboxGetMessage": Call((MESSAGE_ID,)),
    "mailboxDeleteMessage": Call((MESSAGE_ID,)),
    "mailboxUpdateMessage": Call((MESSAGE_ID,), {"seen": True, "keywords": {"agent_triaged": True}}),
    "mailboxGetMessageAttachment": Call((MESSAGE_ID, ATTACHMENT_PART)),
    "mailboxListBody": Call((MESSAGE_ID,)),
    "mailboxListContent": Call((MESSAGE_ID,)),
    "mailboxCountMessages": Call(),
    "mailboxQueryMessageChanges": Call(kwargs={"since_query_state": "q_1"}),
    "mailboxSearchMessageSnippets": Call(kwargs={"q": "invoice"}),
    "mailboxSendMessage": Call(
        kwargs={
            "to": [{"email": "customer@example.com", "name": "Customer"}],
            "subject": "Your invoice",
            "text_body": "Attached.",
            "idempotency_key": "mailbox-send-20260424-001",
        }
    ),
    "mailboxListQuotas": Call(),
    "mailboxGetQuotaChanges": Call(kwargs={"since_state": "s_1"}),
    "mailboxGetSession": Call(),
    "mailboxListSubmissions": Call(),
    "mailboxGetSubmission": Call((SUBMISSION_ID,)),
    "mailboxGetSubmissionChanges": Call(kwargs={"since_state": "s_1"}),
    "mailboxListThreads": Call(kwargs={"limit": 10}),
    "mailboxGetThread": Call((THREAD_ID,)),
    "mailboxGetThreadContent": Call((THREAD_ID,)),
    "mailboxListThreadMessages": Call((THREAD_ID,)),
    "mailboxListUsage": Call(),
    # --- Sending API (SendmuxSending) ---
    "sendingCreateAttachmentUpload": Call(
        kwargs={"filename": "analysis.pdf", "size_bytes": len(PDF_BYTES), "content_type": "application/pdf"}
    ),
    "sendingCompleteAttachmentUpload": Call(
        (UPLOAD_ID,), {"file": PDF_BYTES, "upload_token": "upt_test_token"}
    ),
    "sendingUploadAttachment": Call(kwargs={"file": PDF_BYTES, "filename": "analysis.pdf"}),
    "sendingGetAttachment": Call((SENDING_ATTACHMENT_ID,)),
    "sendingSendEmail": Call(
        kwargs={
            "from_": {"email": "sender@acme.com", "name": "Acme"},
            "to": {"email": "customer@example.com"},
            "subject": "Welcome to Sendmux",
            "html_body": "<p>Hello</p>",
            "idempotency_key": "send-20260424-001",
        }
    ),
    "sendingSendEmailBatch": Call(
        kwargs={
            "messages": [
                {
                    "from": {"email": "sender@acme.com"},
                    "to": {"email": "a@example.com"},
                    "subject": "Hello A",
                    "html_body": "<p>A</p>",
                },
                {
                    "from": {"email": "sender@acme.com"},
                    "to": {"email": "b@example.com"},
                    "subject": "Hello B",
                    "html_body": "<p>B</p>",
                },
            ]
        }
    ),
    "sendingGetConnection": Call(),
    "sendingGetOpenApiSpec": Call(),
}
