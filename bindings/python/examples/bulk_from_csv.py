"""Bulk move: read grant ids from a CSV, move them all into one workspace, survive a partial
failure by retrying exactly what failed, and write a per-grant report.

It runs against the emulator bundled in the wheel, so it needs no API key and no network; a
fault injected into the emulator makes one of the requests fail on purpose::

    python examples/bulk_from_csv.py

The client splits the ids into requests of at most 500 per list. When some requests fail,
``manual_assign`` raises ``BulkAssignError``, which accounts for every id; its
``retry_request()`` holds exactly the failed and unsent ones.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import nylas_workspaces as nw
from nylas_workspaces.testing import Emulator

# Enough grants for two requests.
GRANTS = 750


def write_input_csv(emu: Emulator, path: Path) -> None:
    """Seeds the emulator with grants and writes them out the way an export would look."""
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["email", "grant_id"])
        for i in range(GRANTS):
            email = f"user{i}@support.example.com"
            writer.writerow([email, emu.add_grant(email)])


def read_grant_ids(path: Path) -> list[str]:
    """The non-empty ``grant_id`` column of a CSV with a header line."""
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames is None or "grant_id" not in reader.fieldnames:
            raise SystemExit(f"{path} has no grant_id column")
        return [row["grant_id"].strip() for row in reader if row["grant_id"].strip()]


def write_report(path: Path, rows: dict[str, str]) -> None:
    """One line per grant: ``grant_id,result``."""
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["grant_id", "result"])
        writer.writerows(sorted(rows.items()))


def main() -> None:
    with Emulator() as emu, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "grants.csv"
        write_input_csv(emu, source)
        grant_ids = read_grant_ids(source)
        print(f"read {len(grant_ids)} grant ids from {source.name}")

        # No automatic retries, so the injected fault shows up as a failure instead of being
        # retried away (a real program keeps the default of 2).
        with emu.client(max_retries=0) as client:
            target = client.workspaces.create("Support", domain="support.example.com")
            ws_id = target.workspace_id

            # The first manual-assign request gets a 503; the second goes through.
            emu.fail_next("manually-assign-workspace", 1, "service_unavailable")

            results: dict[str, str] = {}
            try:
                done = client.workspaces.manual_assign(
                    ws_id, assign_grants=grant_ids, concurrency=1)
                results.update(dict.fromkeys(done.grants_assigned, "assigned"))
            except nw.BulkAssignError as err:
                print(f"partial failure: {len(err.assigned)} assigned, "
                      f"{len(err.failed)} failed, {len(err.not_sent)} not sent")
                first_id, first_error = next(iter(err.failed.items()))
                print(f"  e.g. {first_id}: {type(first_error).__name__}: {first_error}")
                results.update(dict.fromkeys(err.assigned, "assigned"))
                results.update(dict.fromkeys(err.unmatched, "unmatched"))

                retry = err.retry_request()
                print(f"retrying {len(retry['assign_grants'])} grants")
                done = client.workspaces.manual_assign(err.workspace_id, **retry)
                results.update(dict.fromkeys(done.grants_assigned, "assigned (on retry)"))
                results.update(dict.fromkeys(done.unmatched, "unmatched"))

        report = folder / "report.csv"
        write_report(report, results)
        counts: dict[str, int] = {}
        for result in results.values():
            counts[result] = counts.get(result, 0) + 1
        print(f"report: {len(results)} grants, {counts}")
        assert len(emu.grants_in(ws_id)) == GRANTS
        print(f"all {GRANTS} grants are in {target.name}")


if __name__ == "__main__":
    main()
