"""``testing.Emulator``'s read-side seeding and live quirks, checked on the raw wire.

The client is kept out of these tests on purpose: they read the emulator's answers with
``urllib``, so that a quirk switched on from Python is seen to change what the server sends
(and the client tests elsewhere can rely on the switches doing what they say).
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

from nylas_workspaces.testing import Emulator


def get(emu: Emulator, path: str) -> Any:
    request = urllib.request.Request(
        emu.url + path, headers={"Authorization": f"Bearer {emu.api_key}"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def test_policies_and_rules_get_names_and_the_no_argument_forms_still_work() -> None:
    with Emulator() as emu:
        unnamed_policy = emu.add_policy()
        strict = emu.add_policy("Strict")
        fixed = emu.add_policy("Lax", policy_id="pol-fixed")
        assert fixed == "pol-fixed"
        names = {p["id"]: p["name"] for p in get(emu, "/v3/policies")["data"]}
        assert names[strict] == "Strict" and names["pol-fixed"] == "Lax"
        assert names[unnamed_policy] == f"Policy {unnamed_policy}"

        unnamed_rule = emu.add_rule()
        block = emu.add_rule("Block spam", rule_id="rule-1", description="drops spam",
                             priority=3, enabled=False, trigger="outbound")
        assert block == "rule-1"
        rule = get(emu, "/v3/rules/rule-1")["data"]
        assert (rule["name"], rule["description"], rule["priority"], rule["enabled"],
                rule["trigger"]) == ("Block spam", "drops spam", 3, False, "outbound")
        default = get(emu, f"/v3/rules/{unnamed_rule}")["data"]
        assert (default["name"], default["priority"], default["enabled"], default["trigger"]) \
            == (f"Rule {unnamed_rule}", 10, True, "inbound")


@pytest.mark.parametrize("kwargs, match", [
    ({"priority": 1001}, "priority"),
    ({"priority": -1}, "priority"),
    ({"trigger": "sideways"}, "trigger"),
    ({"rule_id": " "}, "empty|blank"),
])
def test_rules_the_api_could_not_hold_are_value_errors(kwargs: dict[str, Any], match: str) -> None:
    with Emulator() as emu:
        with pytest.raises(ValueError, match=match):
            emu.add_rule("x", **kwargs)


def test_an_empty_policy_name_is_a_value_error() -> None:
    with Emulator() as emu:
        with pytest.raises(ValueError):
            emu.add_policy("")


def test_grants_carry_provider_name_status_and_times() -> None:
    with Emulator() as emu:
        gid = emu.add_grant("bo@example.com", provider="google", name="Bo", grant_status="invalid",
                            created_at=1_700_000_000, updated_at=1_700_000_500)
        grant = get(emu, f"/v3/grants/{gid}")["data"]
        assert (grant["provider"], grant["name"], grant["grant_status"], grant["created_at"],
                grant["updated_at"]) == ("google", "Bo", "invalid", 1_700_000_000, 1_700_000_500)
        plain = get(emu, f"/v3/grants/{emu.add_grant('cy@example.com', valid=False)}")["data"]
        assert plain["provider"] == "nylas" and plain["grant_status"] == "invalid"
        assert "name" not in plain or plain["name"] is None
        with pytest.raises(ValueError, match="disagree"):
            emu.add_grant("dee@example.com", valid=True, grant_status="invalid")
        with pytest.raises(ValueError, match="'valid' or 'invalid'"):
            emu.add_grant("dee@example.com", grant_status="VALID")


def test_quirks_read_back_and_every_call_sets_them_all() -> None:
    with Emulator() as emu:
        off = {"nested_rules_envelope": False, "trailing_policy_cursor": False,
               "page_size_cap": None, "filtered_grant_lag_secs": None,
               "omit_default_workspace_id": False}
        assert emu.quirks == off
        emu.set_quirks(page_size_cap=2, nested_rules_envelope=True)
        assert emu.quirks == {**off, "page_size_cap": 2, "nested_rules_envelope": True}
        emu.set_quirks(**{**emu.quirks, "omit_default_workspace_id": True})
        assert emu.quirks["page_size_cap"] == 2 and emu.quirks["omit_default_workspace_id"]
        emu.set_quirks()
        assert emu.quirks == off
        with pytest.raises(ValueError, match="page_size_cap"):
            emu.set_quirks(page_size_cap=0)
        with pytest.raises(OverflowError):
            emu.set_quirks(filtered_grant_lag_secs=-1)
        with pytest.raises(TypeError):
            emu.set_quirks(nested_rules_envelope="yes")  # type: ignore[arg-type]
        assert emu.quirks == off, "a refused call changes nothing"


def test_each_quirk_changes_what_the_server_sends() -> None:
    with Emulator() as emu:
        for i in range(3):
            emu.add_rule(f"r{i}")
            emu.add_policy(f"p{i}")
            emu.add_grant(f"u{i}@example.com", provider="google")

        emu.set_quirks(nested_rules_envelope=True)
        body = get(emu, "/v3/rules")
        assert isinstance(body["data"], dict) and len(body["data"]["items"]) == 3

        emu.set_quirks(trailing_policy_cursor=True)
        body = get(emu, "/v3/policies")
        assert len(body["data"]) == 3 and body.get("next_cursor")
        assert get(emu, f"/v3/policies?page_token={body['next_cursor']}")["data"] == []

        emu.set_quirks(page_size_cap=2)
        body = get(emu, "/v3/grants?limit=200&offset=0")
        assert len(body["data"]) == 2 and body["limit"] == 2

        emu.set_quirks(omit_default_workspace_id=True)
        assert all("workspace_id" not in g or g["workspace_id"] is None
                   for g in get(emu, "/v3/grants")["data"])
        emu.set_quirks()
        default = emu.default_workspace_id()
        assert all(g["workspace_id"] == default for g in get(emu, "/v3/grants")["data"])

        emu.set_quirks(filtered_grant_lag_secs=60)
        fresh = emu.add_grant("new@example.com")
        filtered = get(emu, f"/v3/grants?workspace_id={default}")["data"]
        assert fresh not in [g["id"] for g in filtered]
        assert fresh in [g["id"] for g in get(emu, "/v3/grants")["data"]]
        emu.advance_clock(61)
        assert fresh in [g["id"] for g in get(emu, f"/v3/grants?workspace_id={default}")["data"]]


def test_the_clock_can_be_set_and_read() -> None:
    with Emulator() as emu:
        emu.set_clock(1_800_000_000)
        assert emu.now() == 1_800_000_000
        gid = emu.add_grant("t@example.com")
        assert get(emu, f"/v3/grants/{gid}")["data"]["created_at"] == 1_800_000_000
