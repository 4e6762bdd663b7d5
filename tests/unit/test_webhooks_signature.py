"""sendmux.webhooks.sign / verify_signature.

Every expected value is computed here with the hmac module (or is a published RFC 4231 vector), never with the
code under test.
"""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendmux._errors import ConfigurationError, SendmuxError, WebhookSignatureError
from sendmux.webhooks import sign, verify_signature

SECRET = "whsec_test_3f9a2c"
OTHER = "whsec_other_77b1e0"
BODY = b'{"id":"evt_1","type":"sendmux.test","occurred_at":"2026-05-21T09:12:00Z"}'


def expected(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


# --- sign -------------------------------------------------------------------------------------------------


def test_sign_matches_rfc4231_test_case_2() -> None:
    # RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?".
    assert sign(b"what do ya want for nothing?", "Jefe") == (
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )


def test_sign_matches_independent_hmac() -> None:
    assert sign(BODY, SECRET) == expected(BODY, SECRET)


def test_sign_is_lowercase_hex_with_prefix() -> None:
    value = sign(b"", SECRET)
    assert value.startswith("sha256=")
    digest = value.removeprefix("sha256=")
    assert len(digest) == 64 and digest == digest.lower()
    int(digest, 16)


def test_sign_uses_the_secret_as_utf8_text() -> None:
    secret = "whsec_ünïcødé_✓"
    assert sign(BODY, secret) == expected(BODY, secret)


def test_sign_accepts_bytearray_and_memoryview() -> None:
    assert sign(bytearray(BODY), SECRET) == sign(memoryview(BODY), SECRET) == expected(BODY, SECRET)


def test_sign_refuses_str_payload() -> None:
    with pytest.raises(TypeError, match="bytes"):
        sign(BODY.decode(), SECRET)  # type: ignore[arg-type]


@pytest.mark.parametrize("secret", ["", [SECRET]])
def test_sign_refuses_empty_or_non_str_secret(secret: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        sign(BODY, secret)  # type: ignore[arg-type]


# --- verify_signature: accepted -----------------------------------------------------------------------------


def test_verify_accepts_valid_signature() -> None:
    verify_signature(BODY, expected(BODY, SECRET), SECRET)


def test_verify_accepts_empty_body_when_signed() -> None:
    verify_signature(b"", expected(b"", SECRET), SECRET)


def test_verify_accepts_bytes_like_payloads() -> None:
    verify_signature(bytearray(BODY), expected(BODY, SECRET), SECRET)
    verify_signature(memoryview(BODY), expected(BODY, SECRET), SECRET)


def test_verify_accepts_uppercase_hex() -> None:
    # Decision: the hex digest is case-insensitive (normalised to lowercase before the compare).
    sig = expected(BODY, SECRET)
    verify_signature(BODY, "sha256=" + sig.removeprefix("sha256=").upper(), SECRET)


def test_verify_accepts_mixed_case_hex() -> None:
    digest = expected(BODY, SECRET).removeprefix("sha256=")
    mixed = "".join(c.upper() if i % 2 else c for i, c in enumerate(digest))
    verify_signature(BODY, "sha256=" + mixed, SECRET)


def test_verify_uppercase_hex_of_wrong_digest_is_still_rejected() -> None:
    digest = expected(BODY, OTHER).removeprefix("sha256=")
    with pytest.raises(WebhookSignatureError):
        verify_signature(BODY, "sha256=" + digest.upper(), SECRET)


def test_verify_tolerates_surrounding_spaces() -> None:
    verify_signature(BODY, "  " + expected(BODY, SECRET) + "\t", SECRET)


# --- verify_signature: rotation -----------------------------------------------------------------------------


@pytest.mark.parametrize("secrets", [[SECRET, OTHER], [OTHER, SECRET], (OTHER, SECRET)])
def test_verify_with_several_secrets_accepts_any(secrets: list[str] | tuple[str, ...]) -> None:
    verify_signature(BODY, expected(BODY, SECRET), secrets)
    verify_signature(BODY, expected(BODY, OTHER), secrets)


def test_verify_with_several_secrets_rejects_a_third() -> None:
    with pytest.raises(WebhookSignatureError):
        verify_signature(BODY, expected(BODY, "whsec_third"), [SECRET, OTHER])


def test_verify_after_rotation_old_secret_alone_rejects_new_signature() -> None:
    with pytest.raises(WebhookSignatureError):
        verify_signature(BODY, expected(BODY, OTHER), [SECRET])


def test_str_secret_is_one_secret_not_a_sequence_of_characters() -> None:
    with pytest.raises(WebhookSignatureError):
        verify_signature(BODY, expected(BODY, "a"), "ab")


def test_verify_compares_the_full_prefixed_value_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[object, object]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    verify_signature(BODY, expected(BODY, SECRET), [OTHER, SECRET])
    want = expected(BODY, SECRET).encode()
    # Every candidate is compared (no early exit that would reveal which secret matched by timing).
    assert len(calls) == 2
    assert all(b == want for _, b in calls)
    assert want in {a for a, _ in calls}


# --- verify_signature: rejected ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        BODY + b" ",
        BODY[:-1],
        BODY.replace(b"evt_1", b"evt_2"),
        b" " + BODY,
        BODY.replace(b"sendmux.test", b"message.bounced"),
        b"",
    ],
)
def test_verify_rejects_tampered_body(body: bytes) -> None:
    with pytest.raises(WebhookSignatureError, match="does not match"):
        verify_signature(body, expected(BODY, SECRET), SECRET)


def test_verify_rejects_single_bit_flip() -> None:
    for i in range(len(BODY)):
        tampered = bytearray(BODY)
        tampered[i] ^= 0x01
        with pytest.raises(WebhookSignatureError):
            verify_signature(bytes(tampered), expected(BODY, SECRET), SECRET)


@pytest.mark.parametrize("secret", [OTHER, SECRET + " ", SECRET.upper(), SECRET[:-1]])
def test_verify_rejects_wrong_secret(secret: str) -> None:
    with pytest.raises(WebhookSignatureError):
        verify_signature(BODY, expected(BODY, SECRET), secret)


@pytest.mark.parametrize("signature", [None, "", "   ", "\t"])
def test_verify_rejects_missing_or_empty_header(signature: str | None) -> None:
    with pytest.raises(WebhookSignatureError, match="missing|empty"):
        verify_signature(BODY, signature, SECRET)


def _digest() -> str:
    return expected(BODY, SECRET).removeprefix("sha256=")


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param(_digest(), id="bare-hex-no-prefix"),
        pytest.param("SHA256=" + _digest(), id="uppercase-prefix"),
        pytest.param("sha1=" + _digest(), id="sha1-prefix"),
        pytest.param("sha512=" + _digest(), id="sha512-prefix"),
        pytest.param("sha256:" + _digest(), id="colon"),
        pytest.param("sha256 =" + _digest(), id="space-in-prefix"),
        pytest.param("=" + _digest(), id="no-scheme"),
        pytest.param("v1," + _digest(), id="other-scheme"),
    ],
)
def test_verify_rejects_wrong_prefix(signature: str) -> None:
    with pytest.raises(WebhookSignatureError, match="must start with"):
        verify_signature(BODY, signature, SECRET)


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param("sha256=", id="prefix-only"),
        pytest.param("sha256=" + _digest()[:-1], id="63-digits"),
        pytest.param("sha256=" + _digest() + "0", id="65-digits"),
        pytest.param("sha256=" + _digest()[:-1] + "g", id="non-hex"),
        pytest.param("sha256=" + _digest() + "\n", id="trailing-newline"),
        pytest.param("sha256=" + _digest()[:32] + " " + _digest()[32:], id="inner-space"),
        pytest.param("sha256=" + _digest()[:-1] + "\u0661", id="non-ascii-digit"),
        pytest.param("sha256=" + _digest()[:-1] + "\uff41", id="fullwidth-a"),
        pytest.param("sha256=" + _digest() + ", sha256=" + _digest(), id="two-values"),
        pytest.param("sha256=sha256=" + _digest(), id="double-prefix"),
        pytest.param("sha256=" + hashlib.sha256(BODY).digest().hex()[:40], id="sha1-length"),
    ],
)
def test_verify_rejects_malformed_signature(signature: str) -> None:
    with pytest.raises(WebhookSignatureError, match="64 hex digits"):
        verify_signature(BODY, signature, SECRET)


def test_verify_rejects_non_str_signature_as_signature_error() -> None:
    with pytest.raises(WebhookSignatureError):
        verify_signature(BODY, expected(BODY, SECRET).encode(), SECRET)  # type: ignore[arg-type]


def test_verify_rejects_plain_sha256_without_key() -> None:
    with pytest.raises(WebhookSignatureError):
        verify_signature(BODY, "sha256=" + hashlib.sha256(BODY).hexdigest(), SECRET)


# --- programmer / configuration errors ---------------------------------------------------------------------


def test_verify_refuses_str_payload_with_a_clear_message() -> None:
    with pytest.raises(TypeError, match="raw request body as bytes, not str"):
        verify_signature(BODY.decode(), expected(BODY, SECRET), SECRET)  # type: ignore[arg-type]


@pytest.mark.parametrize("payload", [None, {"id": "evt_1"}, 123, ["a"]])
def test_verify_refuses_non_bytes_payload(payload: object) -> None:
    with pytest.raises(TypeError, match="bytes"):
        verify_signature(payload, expected(BODY, SECRET), SECRET)  # type: ignore[arg-type]


@pytest.mark.parametrize("secret", ["", [], (), [SECRET, ""], [""]])
def test_verify_refuses_empty_secret_as_configuration_error(secret: str | list[str]) -> None:
    with pytest.raises(ConfigurationError) as info:
        verify_signature(BODY, expected(BODY, SECRET), secret)
    assert isinstance(info.value, ValueError)
    # Not a signature failure: a misconfigured receiver must not look like it received forgeries.
    assert not isinstance(info.value, WebhookSignatureError)


@pytest.mark.parametrize("secret", [SECRET.encode(), None, 42, [SECRET.encode()], [None]])
def test_verify_refuses_non_str_secret(secret: object) -> None:
    with pytest.raises(TypeError, match="secret"):
        verify_signature(BODY, expected(BODY, SECRET), secret)  # type: ignore[arg-type]


def test_signature_error_is_sendmux_error_and_value_error() -> None:
    with pytest.raises(WebhookSignatureError) as info:
        verify_signature(BODY, expected(BODY, OTHER), SECRET)
    assert isinstance(info.value, SendmuxError)
    assert isinstance(info.value, ValueError)


def test_errors_never_reveal_secret_payload_or_expected_digest() -> None:
    wrong = expected(BODY, OTHER)
    with pytest.raises(WebhookSignatureError) as info:
        verify_signature(BODY, wrong, SECRET)
    text = str(info.value) + repr(info.value) + repr(info.value.args)
    assert SECRET not in text
    assert "evt_1" not in text
    assert expected(BODY, SECRET).removeprefix("sha256=") not in text


# --- properties --------------------------------------------------------------------------------------------

secrets_st = st.text(min_size=1, max_size=40)


@given(body=st.binary(max_size=512), secret=secrets_st)
def test_property_sign_then_verify_roundtrips(body: bytes, secret: str) -> None:
    sig = sign(body, secret)
    assert sig == expected(body, secret)
    verify_signature(body, sig, secret)


@given(body=st.binary(max_size=256), secret=secrets_st, data=st.data())
def test_property_any_hex_case_verifies(body: bytes, secret: str, data: st.DataObject) -> None:
    digest = expected(body, secret).removeprefix("sha256=")
    flips = data.draw(st.lists(st.booleans(), min_size=64, max_size=64))
    cased = "".join(c.upper() if f else c for c, f in zip(digest, flips, strict=True))
    verify_signature(body, "sha256=" + cased, secret)


@given(body=st.binary(min_size=1, max_size=256), secret=secrets_st, data=st.data())
def test_property_any_byte_change_is_rejected(body: bytes, secret: str, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(body) - 1))
    delta = data.draw(st.integers(1, 255))
    tampered = bytearray(body)
    tampered[index] = (tampered[index] + delta) % 256
    with pytest.raises(WebhookSignatureError):
        verify_signature(bytes(tampered), expected(body, secret), secret)


signature_st = st.one_of(
    st.none(),
    st.text(max_size=80),
    st.text(alphabet="0123456789abcdefABCDEF", min_size=60, max_size=68).map(lambda h: "sha256=" + h),
    st.text(alphabet="sha256=0123456789abcdef \t,\n", max_size=90),
)


@given(
    body=st.binary(max_size=512),
    signature=signature_st,
    secret=st.one_of(secrets_st, st.lists(secrets_st, min_size=1, max_size=3)),
)
def test_property_random_input_raises_only_signature_error(
    body: bytes, signature: str | None, secret: str | list[str]
) -> None:
    with pytest.raises(WebhookSignatureError):
        verify_signature(body, signature, secret)
