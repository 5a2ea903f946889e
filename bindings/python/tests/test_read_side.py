"""The read side through the blocking client, against ``testing.Emulator``: listings of
grants, policies and rules under each live quirk, the filters, frames, the workspace
helpers and what they refuse before sending.

The emulator's call counts (``emu.calls(operation)``) show what went on the wire, so "lazy",
"refused before sending" and "one request per page" are checked, not assumed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

import pytest

import nylas_workspaces as nw
from nylas_workspaces.testing import Emulator

UTC = dt.timezone.utc
T0 = 1_800_000_000


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as e:
        e.set_clock(T0)
        yield e


@pytest.fixture
def client(emu: Emulator) -> nw.Client:
    return emu.client(max_retries=0, timeout=10.0)


def seed_grants(emu: Emulator, n: int, **kw: Any) -> list[str]:
    ids = []
    for i in range(n):
        ids.append(emu.add_grant(f"user{i}@example.com", created_at=T0 + i, **kw))
    return ids


def test_a_listing_sends_nothing_until_iterated_and_each_walk_is_fresh(
        emu: Emulator, client: nw.Client) -> None:
    seed_grants(emu, 3)
    listing = client.grants.list()
    it = iter(listing)
    assert emu.calls("get-all-grants") == 0
    next(it)
    assert emu.calls("get-all-grants") == 1
    assert len(listing.to_list()) == 3
    assert len(listing.to_list()) == 3
    # 1 (the abandoned walk) + 2 per complete walk (the page, then the empty page that ends it)
    assert emu.calls("get-all-grants") == 5


@pytest.mark.parametrize("cap", [1, 2, 3])
def test_grant_paging_follows_a_capped_page_size_to_the_end(
        emu: Emulator, client: nw.Client, cap: int) -> None:
    ids = seed_grants(emu, 7)
    emu.set_quirks(page_size_cap=cap)
    got = [g.grant_id for g in client.grants.list()]
    assert got == ids, "oldest first, every grant once, none lost to a short page"
    pages = -(-7 // cap)
    assert emu.calls("get-all-grants") == pages + 1
    assert [len(p) for p in client.grants.list().pages()] == [cap] * (7 // cap) + (
        [7 % cap] if 7 % cap else [])


def test_page_size_is_what_is_asked_per_request(emu: Emulator, client: nw.Client) -> None:
    seed_grants(emu, 5)
    assert [len(p) for p in client.grants.list(page_size=2).pages()] == [2, 2, 1]
    with pytest.raises(nw.InvariantError) as info:
        client.grants.list(page_size=0)
    assert info.value.rule == "grant_query_invalid"
    with pytest.raises(nw.InvariantError):
        client.grants.list(page_size=201)
    with pytest.raises(OverflowError):
        client.grants.list(page_size=-1)
    with pytest.raises(TypeError):
        client.grants.list(page_size=True)
    assert emu.calls("get-all-grants") == 4


def test_grants_created_while_paging_are_not_yielded_twice(emu: Emulator, client: nw.Client) -> None:
    first = seed_grants(emu, 4)
    seen = []
    for i, page in enumerate(client.grants.list(page_size=2).pages()):
        seen += [g.grant_id for g in page]
        if i == 0:
            emu.set_clock(T0 + 100)
            first.append(emu.add_grant("late@example.com"))
    assert seen == first and len(set(seen)) == len(seen)


def test_policies_end_on_the_empty_page_after_a_trailing_cursor(
        emu: Emulator, client: nw.Client) -> None:
    ids = [emu.add_policy(f"Policy {i}") for i in range(5)]
    emu.set_quirks(trailing_policy_cursor=True, page_size_cap=2)
    policies = client.policies.list().to_list()
    assert sorted(p.policy_id for p in policies) == sorted(ids)
    assert len({p.policy_id for p in policies}) == 5
    assert emu.calls("list-policies") == 4  # 2 + 2 + 1, then the empty page
    assert {p.name for p in policies} == {f"Policy {i}" for i in range(5)}
    assert all(p.application_id == client.application.get().application_id for p in policies)


@pytest.mark.parametrize("nested", [False, True])
def test_rules_are_read_from_either_envelope(emu: Emulator, client: nw.Client, nested: bool) -> None:
    ids = [emu.add_rule(f"Rule {i}", priority=i, enabled=i % 2 == 0) for i in range(5)]
    emu.set_quirks(nested_rules_envelope=nested, page_size_cap=2)
    rules = client.rules.list().to_list()
    assert sorted(r.rule_id for r in rules) == sorted(ids)
    by_id = {r.rule_id: r for r in rules}
    assert by_id[ids[3]].priority == 3 and by_id[ids[3]].enabled is False
    assert by_id[ids[3]].trigger == "inbound"


def test_a_lagging_filtered_listing_is_beaten_by_a_full_scan(emu: Emulator, client: nw.Client) -> None:
    ws = client.workspaces.create("Field team")
    old = emu.add_grant("old@example.com", workspace_id=ws.workspace_id)
    emu.add_grant("elsewhere@example.com")
    emu.set_clock(T0 + 1_000)
    emu.set_quirks(filtered_grant_lag_secs=70)
    fresh = emu.add_grant("fresh@example.com", workspace_id=ws.workspace_id)
    filtered = [g.grant_id for g in client.grants.list(ws.workspace_id)]
    assert filtered == [old], "the filtered listing lags, as Nylas's has been seen to"
    scanned = [g.grant_id for g in client.grants.list(ws.workspace_id, full_scan=True)]
    assert scanned == [old, fresh]
    assert all(g.workspace_id == ws.workspace_id
               for g in client.grants.list(ws.workspace_id, full_scan=True))


def test_workspace_id_is_exposed_exactly_as_sent(emu: Emulator, client: nw.Client) -> None:
    default = emu.default_workspace_id()
    assert default is not None
    agent = emu.add_grant("agent@example.com")
    google = emu.add_grant("mailbox@example.com", provider="google")
    emu.set_quirks(omit_default_workspace_id=True)
    by_id = {g.grant_id: g for g in client.grants.list()}
    assert by_id[agent].workspace_id == default
    assert by_id[google].workspace_id is None and by_id[google].provider == "google"
    assert client.grants.get(google).workspace_id is None
    # A full scan for the default workspace cannot see the grant whose workspace was left out.
    assert [g.grant_id for g in client.grants.list(default, full_scan=True)] == [agent]


def test_filters_reach_the_server_and_bad_ones_are_refused_before_sending(
        emu: Emulator, client: nw.Client) -> None:
    a = emu.add_grant("ann@example.com", created_at=T0 - 100)
    b = emu.add_grant("bob@example.com", provider="google", grant_status="invalid",
                      created_at=T0)
    c = emu.add_grant("cy@example.com", provider="microsoft", created_at=T0 + 100)
    ids = lambda **kw: [g.grant_id for g in client.grants.list(**kw)]  # noqa: E731
    assert ids(email="bob@example.com") == [b]
    assert ids(provider="microsoft") == [c]
    assert ids(grant_status="invalid") == [b]
    assert ids(grant_status="valid") == [a, c]
    assert ids(since=T0) == [b, c]
    assert ids(before=T0) == [a, b], "at or before, as the spec says"
    assert ids(since=dt.datetime.fromtimestamp(T0, UTC), before=T0 + 99) == [b]
    # A fraction of a second rounds inwards: since up, before down.
    assert ids(since=dt.datetime.fromtimestamp(T0 - 99.5, UTC)) == [b, c]
    assert ids(before=dt.datetime.fromtimestamp(T0 + 0.5, UTC)) == [a, b]
    sent = emu.calls("get-all-grants")

    refused: list[tuple[dict[str, Any], type[Exception], str]] = [
        ({"grant_status": "VALID"}, nw.InvariantError, "grant_query_invalid"),
        ({"email": " "}, nw.InvariantError, "grant_query_invalid"),
        ({"provider": ""}, nw.InvariantError, "grant_query_invalid"),
        ({"since": T0 + 10, "before": T0}, nw.InvariantError, "grant_query_invalid"),
        ({"full_scan": True}, nw.InvariantError, "grant_query_invalid"),
        ({"since": -1}, nw.InvariantError, "timestamp_before_epoch"),
        ({"workspace_id": ".."}, nw.InvariantError, "workspace_id_invalid"),
        ({"since": dt.datetime(2026, 1, 1)}, ValueError, "naive"),
        ({"before": True}, TypeError, "bool"),
        ({"since": "yesterday"}, TypeError, "since"),
        ({"before": 2**70}, OverflowError, "before"),
    ]
    for kwargs, error, word in refused:
        with pytest.raises(error) as info:
            client.grants.list(**kwargs)
        shown = getattr(info.value, "rule", None) or str(info.value)
        assert word in shown, (kwargs, shown)
    assert emu.calls("get-all-grants") == sent, "refused at list(), nothing sent"


def test_single_reads_and_the_application(emu: Emulator, client: nw.Client) -> None:
    gid = emu.add_grant("ann@example.com", name="Ann", provider="google",
                        created_at=T0, updated_at=T0 + 5)
    grant = client.grants.get(gid)
    assert (grant.email, grant.name, grant.provider, grant.grant_status, grant.created_at,
            grant.updated_at) == ("ann@example.com", "Ann", "google", "valid", T0, T0 + 5)
    listed = client.grants.list().to_list()[0]
    assert listed == grant and hash(listed) == hash(grant)
    assert listed.request_id and grant.request_id and listed.request_id != grant.request_id
    assert grant.to_dict() == {
        "grant_id": gid, "email": "ann@example.com", "name": "Ann", "provider": "google",
        "grant_status": "valid", "workspace_id": emu.default_workspace_id(),
        "created_at": T0, "updated_at": T0 + 5}
    assert repr(grant).startswith(f'Grant(grant_id="{gid}", email="ann@example.com"')
    with pytest.raises(AttributeError):
        grant.email = "x"  # type: ignore[misc]

    app = client.application.get()
    assert app.default_workspace_id == emu.default_workspace_id()
    assert app.request_id and app.application_id
    assert set(app.to_dict()) == {"application_id", "region", "environment",
                                  "default_workspace_id"}

    pid = emu.add_policy("Strict", policy_id="pol-1")
    rid = emu.add_rule("Block", rule_id="rule-1", description="drops it", priority=7)
    policy, rule = client.policies.get(pid), client.rules.get(rid)
    assert (policy.name, policy.created_at) == ("Strict", T0)
    assert (rule.name, rule.description, rule.priority, rule.enabled) == ("Block", "drops it", 7,
                                                                         True)
    assert repr(rule) == 'Rule(rule_id="rule-1", name="Block", priority=7, enabled=True)'
    assert policy.request_id and rule.request_id and policy.request_id != rule.request_id
    listed_rule = client.rules.list().to_list()[0]
    assert listed_rule == rule and listed_rule.request_id != rule.request_id
    for missing in (lambda: client.grants.get("nope"), lambda: client.policies.get("nope"),
                    lambda: client.rules.get("nope")):
        with pytest.raises(nw.NotFoundError):
            missing()
    with pytest.raises(nw.InvariantError):
        client.grants.get("")
    assert emu.calls("get_grant_by_id") == 2


def test_an_error_mid_walk_is_raised_by_the_iteration(emu: Emulator, client: nw.Client) -> None:
    seed_grants(emu, 4)
    pages = client.grants.list(page_size=2).pages()
    assert len(next(pages)) == 2
    emu.fail_next("get-all-grants", fault="service_unavailable")
    with pytest.raises(nw.InternalServerError) as info:
        next(pages)
    assert info.value.status == 503
    with pytest.raises(StopIteration):
        next(pages)


def test_frames_from_the_emulator(emu: Emulator, client: nw.Client) -> None:
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    seed_grants(emu, 3, provider="google")
    emu.set_quirks(page_size_cap=2)
    df = client.grants.list().to_pandas()
    assert len(df) == 3 and str(df["created_at"].dtype) == "datetime64[us, UTC]"
    assert df["created_at"][0] == pd.Timestamp(T0, unit="s", tz="UTC")
    assert list(df["provider"]) == ["google"] * 3
    pf = client.grants.list().to_polars()
    assert pf.schema["updated_at"] == pl.Datetime("us", "UTC")
    assert pf["created_at"][2] == dt.datetime.fromtimestamp(T0 + 2, UTC)
    table = client.rules.list().to_arrow()
    assert table.num_rows == 0 and table.schema.field("priority").type == pa.int64()
    policies = client.policies.list().to_pandas()
    assert list(policies.columns) == ["policy_id", "name", "application_id", "created_at",
                                      "updated_at"]


def test_attach_detach_and_set_policy_keep_the_rest(emu: Emulator, client: nw.Client) -> None:
    r1, r2, r3 = (emu.add_rule(n) for n in ("one", "two", "three"))
    pol = emu.add_policy("Strict")
    ws = client.workspaces.create("Ops", rule_ids=[r2])
    after = client.workspaces.attach_rules(ws.workspace_id, [r1, r2, r3])
    assert after.rule_ids == [r2, r1, r3], "kept first, new ones after, no repeat"
    assert after.request_id
    assert client.workspaces.detach_rules(ws.workspace_id, [r1]).rule_ids == [r2, r3]
    updates = emu.calls("update-workspace")
    assert client.workspaces.detach_rules(ws.workspace_id, [r1]).rule_ids == [r2, r3]
    assert emu.calls("update-workspace") == updates, "nothing to change, nothing written"
    assert client.workspaces.set_policy(ws.workspace_id, pol).policy_id == pol
    assert client.workspaces.set_policy(ws.workspace_id, None).policy_id is None
    assert client.workspaces.get(ws.workspace_id).rule_ids == [r2, r3]


def test_unknown_references_are_refused_before_any_change(emu: Emulator, client: nw.Client) -> None:
    known = emu.add_rule("known")
    ws = client.workspaces.create("Ops")
    for call in (lambda: client.workspaces.attach_rules(ws.workspace_id, [known, "ghost-1",
                                                                          "ghost-2"]),
                 lambda: client.workspaces.detach_rules(ws.workspace_id, ["ghost-1"]),
                 lambda: client.workspaces.set_policy(ws.workspace_id, "ghost-policy")):
        with pytest.raises(nw.InvariantError) as info:
            call()
        assert info.value.rule == "unknown_reference"
        assert "ghost" in str(info.value)
    assert emu.calls("update-workspace") == 0
    assert emu.calls("get-workspace") == 0, "refused before the workspace was even read"
    with pytest.raises(nw.InvariantError) as empty:
        client.workspaces.attach_rules(ws.workspace_id, [])
    assert empty.value.rule == "empty_update"
    with pytest.raises(TypeError, match="single string"):
        client.workspaces.attach_rules(ws.workspace_id, known)  # type: ignore[arg-type]
    with pytest.raises(nw.NotFoundError):
        client.workspaces.attach_rules("no-such-workspace", [known])
    assert emu.calls("update-workspace") == 0
