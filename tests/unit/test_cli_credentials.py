"""Pure parts of credentials: which APIs a key serves, masking, where profiles live, the resolution order."""

from __future__ import annotations

from pathlib import Path

import pytest

from sendmux.cli._clients import surfaces
from sendmux.cli._credentials import apis_for_key, key_refusal, resolve
from sendmux.cli._errors import CLIConfigurationError
from sendmux.cli._profile_store import ApiSettings, Profile, ProfileFile, config_dir, mask_key


def test_which_apis_a_key_serves() -> None:
    known = surfaces()
    assert apis_for_key(known, "smx_root_" + "a" * 40) == ["management"]
    assert apis_for_key(known, "smx_mbx_" + "a" * 40) == ["mailbox", "sending"]
    assert apis_for_key(known, "smx_agent_" + "a" * 40) == ["mailbox", "sending"]
    assert apis_for_key(known, "eyJhbGciOiJSUzI1NiJ9.oauth.token") == ["management", "mailbox", "sending"]
    refusal = key_refusal("mailbox", known["mailbox"], "smx_root_abc")
    assert refusal is not None and "which the Mailbox API does not take" in refusal
    assert "Sendmux" not in refusal  # no Python class names
    assert key_refusal("mailbox", known["mailbox"], "smx_agent_abc") is None


@pytest.mark.parametrize(
    ("key", "masked"),
    [
        ("smx_root_0123456789abcdef0123", "smx_root_…0123"),
        ("smx_mbx_0123456789abcdefWXYZ", "smx_mbx_…WXYZ"),
        ("smx_root_short", "smx_root_…"),
        ("an.oauth.access.token.value.1234", "…1234"),
        ("tiny", "…"),
    ],
)
def test_mask_key(key: str, masked: str) -> None:
    assert mask_key(key) == masked


def test_config_dir_order() -> None:
    assert config_dir({"SENDMUX_CONFIG_DIR": "/x", "XDG_CONFIG_HOME": "/y"}) == Path("/x")
    assert config_dir({"XDG_CONFIG_HOME": "/y"}) == Path("/y/sendmux")
    assert config_dir({"XDG_CONFIG_HOME": "relative"}) == Path.home() / ".config" / "sendmux"


def test_resolve_reads_a_profile_without_an_environment_base_url() -> None:
    management = surfaces()["management"]
    profiles = ProfileFile(Path("/nowhere/profiles.json"), default="work")
    profiles.profiles["work"] = Profile("work", {"management": ApiSettings(api_key="smx_root_k")})
    env = {"SENDMUX_BASE_URL": "http://127.0.0.1:1/api/v1"}
    found = resolve(
        "management",
        management,
        api_key=None,
        profile=None,
        base_url=None,
        environ=env,
        load=lambda: profiles,
    )
    assert (found.api_key, found.base_url) == ("smx_root_k", management.default_base_url)
    assert found.source == "profile 'work' (the default profile)"
    assert "smx_root_k" not in repr(found)
    with pytest.raises(CLIConfigurationError, match="has no key for the Mailbox API"):
        resolve(
            "mailbox",
            surfaces()["mailbox"],
            api_key=None,
            profile=None,
            base_url=None,
            environ={},
            load=lambda: profiles,
        )
