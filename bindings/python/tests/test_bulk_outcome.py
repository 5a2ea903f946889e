"""``BulkAssignError``'s account of a part-failed assignment: every id in exactly one of
``assigned``, ``removed``, ``unmatched``, ``failed`` and ``not_sent``, and a
``retry_request()`` that names exactly the ids still to do, each with its move."""

from __future__ import annotations

from typing import Any

import nylas_workspaces as nw
from conftest import Recorded, RecordingServer, Reply, envelope, workspace


def test_a_dooming_failure_leaves_the_rest_not_sent_and_retry_names_them(
    server: RecordingServer, client: nw.Client
) -> None:
    assign = [f"a{i}" for i in range(1200)]
    remove = [f"r{i}" for i in range(600)]

    def answer(rec: Recorded) -> Reply:
        if rec.method == "GET":
            return Reply(200, {"request_id": "r", "data": workspace("ws-1")})
        body: dict[str, Any] = rec.body
        if "a500" in body["assign_grants"]:
            return Reply(403, envelope("req-403", "forbidden", "not allowed"))
        return Reply(200, {"request_id": "req-ok", "data": {
            "grants_assigned": body["assign_grants"],
            "grants_removed": body.get("remove_grants", [])}})

    server.respond_with(answer)
    try:
        client.workspaces.manual_assign("ws-1", assign_grants=assign, remove_grants=remove,
                                        concurrency=1)
    except nw.BulkAssignError as caught:
        err = caught
    else:
        raise AssertionError("no BulkAssignError")
    # Chunks: (a0-499, r0-499) ok; (a500-999, r500-599) refused with 403; (a1000-1199) unsent.
    assert err.assigned == assign[:500] and err.grants_assigned == err.assigned
    assert err.removed == remove[:500] and err.grants_removed == err.removed
    assert set(err.failed) == set(assign[500:1000]) | set(remove[500:])
    assert all(isinstance(e, nw.PermissionDeniedError) for e in err.failed.values())
    assert err.not_sent == assign[1000:]
    accounted = err.assigned + err.removed + err.unmatched + list(err.failed) + err.not_sent
    assert sorted(accounted) == sorted(assign + remove)
    assert err.request_ids == ["req-ok"]
    assert err.retry_request() == {"assign_grants": assign[500:], "remove_grants": remove[500:]}
    posts = [r for r in server.requests if r.method == "POST"]
    assert len(posts) == 2


def test_retry_request_finishes_the_job(server: RecordingServer, client: nw.Client) -> None:
    failing = {"on": True}

    def answer(rec: Recorded) -> Reply:
        if rec.method == "GET":
            return Reply(200, {"request_id": "r", "data": workspace("ws-1")})
        if failing["on"] and "r0" in rec.body.get("remove_grants", []):
            return Reply(400, envelope("req-bad", "invalid_request_error", "refused"))
        return Reply(200, {"request_id": "req-ok", "data": {
            "grants_assigned": rec.body.get("assign_grants", []),
            "grants_removed": rec.body.get("remove_grants", [])}})

    server.respond_with(answer)
    try:
        client.workspaces.manual_assign("ws-1", assign_grants=["a0"], remove_grants=["r0"])
    except nw.BulkAssignError as caught:
        err = caught
    else:
        raise AssertionError("no BulkAssignError")
    assert err.not_sent == [] and set(err.failed) == {"a0", "r0"}
    failing["on"] = False
    result = client.workspaces.manual_assign(err.workspace_id, **err.retry_request())
    assert (result.grants_assigned, result.grants_removed) == (["a0"], ["r0"])


def test_the_interrupt_class_is_a_keyboard_interrupt_with_the_same_account() -> None:
    assert issubclass(nw.BulkAssignInterrupted, KeyboardInterrupt)
    assert not issubclass(nw.BulkAssignInterrupted, Exception)
    failure = nw.NotFoundError("gone", status=404)
    err = nw.BulkAssignInterrupted(
        "stopped", workspace_id="ws-1", assigned=["a"], removed=["r"], failed={"b": failure},
        not_sent=["c", "d"], request_ids=["req-1"],
        retry={"assign_grants": ["b", "c"], "remove_grants": ["d"]})
    assert (err.assigned, err.removed, err.grants_assigned, err.grants_removed) == (
        ["a"], ["r"], ["a"], ["r"])
    assert err.failed == {"b": failure} and err.not_sent == ["c", "d"]
    assert err.retry_request() == {"assign_grants": ["b", "c"], "remove_grants": ["d"]}
    assert str(err) == "stopped"
    # The list handed out is a copy: editing it does not change the next answer.
    err.retry_request()["assign_grants"].clear()
    assert err.retry_request()["assign_grants"] == ["b", "c"]
