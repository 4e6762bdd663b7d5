"""Token query values and credential headers never reach an error's `.url` or message (pure functions)."""

from __future__ import annotations

import pytest

from sendmux._redact import REDACTED, redact_url, scrub


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (None, None),
        ("https://h/a/b", "https://h/a/b"),
        ("https://h/a?mailbox_id=mbx_1", "https://h/a?mailbox_id=mbx_1"),
        ("https://h/a?download_token=abc.def", f"https://h/a?download_token={REDACTED}"),
        (
            "https://h/a?mailbox_id=m&download_token=abc&x=1",
            f"https://h/a?mailbox_id=m&download_token={REDACTED}&x=1",
        ),
        ("https://h/a?Access_Token=t#frag", f"https://h/a?Access_Token={REDACTED}#frag"),
        (
            "https://h/a?client_secret=s&upload_token=",
            f"https://h/a?client_secret={REDACTED}&upload_token={REDACTED}",
        ),
        # A path segment or another parameter that merely contains the word is kept.
        ("https://h/token/a?tokens_left=3", "https://h/token/a?tokens_left=3"),
    ],
)
def test_redact_url(url: str | None, expected: str | None) -> None:
    assert redact_url(url) == expected


def test_scrub_removes_header_credentials_and_query_tokens() -> None:
    headers = {
        "Authorization": "Bearer smx_mbx_secret1",
        "X-Sendmux-Upload-Token": "upl_secret2",
        "Accept": "x",
    }
    url = "https://h/a?download_token=tok%2Bsecret3"
    text = "failed: Bearer smx_mbx_secret1 / smx_mbx_secret1 / upl_secret2 / tok%2Bsecret3 / tok+secret3 / x"
    out = scrub(text, headers, url)
    for secret in ("smx_mbx_secret1", "upl_secret2", "tok%2Bsecret3", "tok+secret3"):
        assert secret not in out
    assert out.endswith("/ x") and out.count(REDACTED) == 5
