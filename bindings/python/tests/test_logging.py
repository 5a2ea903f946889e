"""The crate's tracing reaches Python's ``logging``: attempts at INFO with their fields as
record attributes, retries at DEBUG with their wait, nothing when the level is WARNING, the
``NYLAS_WORKSPACES_LOG`` switch, and never the API key."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from typing import Iterator

import pytest

from nylas_workspaces import _logs
from nylas_workspaces.testing import Emulator

LOGGER = "nylas_workspaces"


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as e:
        yield e


def ours(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER]


def attempts(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in ours(caplog) if getattr(r, "rust_span", None) == "nylas_workspaces.attempt"
            and r.levelno == logging.INFO]


def test_an_attempt_is_one_info_record_with_its_fields_as_attributes(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    ws = emu.default_workspace_id()
    assert ws is not None
    emu.client().workspaces.get(ws)
    [record] = attempts(caplog)
    attrs = record.__dict__
    assert attrs["operation"] == "get_workspace"
    assert attrs["method"] == "GET"
    assert attrs["attempt"] == 1
    assert attrs["status"] == 200
    assert isinstance(attrs["request_id"], str) and attrs["request_id"]
    assert isinstance(attrs["duration_ms"], int)
    text = record.getMessage()
    assert text.startswith("attempt 1 of get_workspace: 200 in ")
    assert text.endswith(f"ms, request_id {attrs['request_id']}")
    # Where the span lives in the crate, not this package's Python glue.
    assert record.pathname.endswith("transport.rs")
    # INFO does not let the DEBUG events through.
    assert all(r.levelno >= logging.INFO for r in ours(caplog))


def test_a_retry_is_a_debug_record_with_its_wait_and_the_attempt_it_follows(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    ws = emu.default_workspace_id()
    assert ws is not None
    emu.fail_next("get-workspace", 1, "service_unavailable")
    emu.client(max_retries=1).workspaces.get(ws)
    [retry] = [r for r in ours(caplog) if r.getMessage().startswith("retrying")]
    assert retry.levelno == logging.DEBUG
    wait = retry.__dict__["wait_ms"]
    assert isinstance(wait, int) and wait > 0
    assert "503" in retry.__dict__["error"]
    # The span it happened in lends its fields: which attempt of which call was retried.
    assert retry.__dict__["operation"] == "get_workspace"
    assert retry.__dict__["attempt"] == 1
    assert f"wait_ms={wait}" in retry.getMessage()
    assert "during attempt 1 of get_workspace" in retry.getMessage()
    assert [(r.__dict__["attempt"], r.__dict__["status"]) for r in attempts(caplog)] == [
        (1, 503),
        (2, 200),
    ]


def test_nothing_is_captured_at_warning(emu: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    ws = emu.default_workspace_id()
    assert ws is not None
    emu.fail_next("get-workspace", 1, "service_unavailable")
    emu.client(max_retries=1).workspaces.get(ws)
    assert logging.getLogger(LOGGER).getEffectiveLevel() == logging.WARNING
    assert ours(caplog) == []


def test_a_level_set_after_calls_applies_to_the_next_call(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    client = emu.client()
    client.workspaces.list()
    assert ours(caplog) == []
    caplog.set_level(logging.INFO, logger=LOGGER)
    client.workspaces.list()
    assert [r.__dict__["operation"] for r in attempts(caplog)] == ["list_workspaces"]


def test_logging_disable_silences_the_bridge_and_lifting_it_restores_it(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    client = emu.client()
    logging.disable(logging.INFO)
    try:
        client.workspaces.list()
    finally:
        logging.disable(logging.NOTSET)
    assert ours(caplog) == []
    client.workspaces.list()
    assert len(attempts(caplog)) == 1


def test_a_level_raised_on_the_root_logger_reaches_the_bridge(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    # The package logger has no level of its own: it follows the root logger.
    caplog.set_level(logging.INFO)  # the root logger
    emu.client().workspaces.list()
    assert len(attempts(caplog)) == 1


def test_the_async_client_logs_from_the_runtime_threads(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)

    async def main() -> None:
        async with emu.async_client() as client:
            await client.workspaces.list()

    asyncio.run(main())
    [record] = attempts(caplog)
    assert record.__dict__["operation"] == "list_workspaces"
    assert record.__dict__["status"] == 200


class AskCounter:
    """Stands in for ``_logs.logger`` and counts the records the native side hands over."""

    def __init__(self, real: logging.Logger) -> None:
        self.real = real
        self.asked: list[int] = []

    def isEnabledFor(self, level: int) -> bool:
        self.asked.append(level)
        return self.real.isEnabledFor(level)

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)


def test_below_the_level_the_crate_never_calls_into_python(
    emu: Emulator, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = AskCounter(_logs.logger)
    monkeypatch.setattr(_logs, "logger", counter)
    ws = emu.default_workspace_id()
    assert ws is not None

    def retried_get() -> None:
        emu.fail_next("get-workspace", 1, "service_unavailable")
        emu.client(max_retries=1).workspaces.get(ws)

    retried_get()  # WARNING: every span and event is refused without the GIL
    assert counter.asked == []
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    logging.disable(logging.INFO)
    try:
        retried_get()  # logging.disable counts too
    finally:
        logging.disable(logging.NOTSET)
    assert counter.asked == []
    retried_get()
    assert counter.asked.count(logging.DEBUG) == 1  # the retry
    assert counter.asked.count(logging.INFO) == 2  # the two attempts


class Exploding(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        raise ValueError("handler bug")


class ExplodingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        raise ValueError("filter bug")


def test_a_failing_handler_or_filter_does_not_break_the_call(
    emu: Emulator, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    logger = logging.getLogger(LOGGER)
    handler, bad_filter = Exploding(), ExplodingFilter()
    logger.addHandler(handler)
    try:
        names = [w.name for w in emu.client().workspaces.list()]
        # A filter's exception is not the handler's to report: the bridge reports it.
        logger.addFilter(bad_filter)
        try:
            again = [w.name for w in emu.client().workspaces.list()]
        finally:
            logger.removeFilter(bad_filter)
    finally:
        logger.removeHandler(handler)
    assert names == again == ["Default workspace"]
    err = capsys.readouterr().err
    assert "ValueError: handler bug" in err  # logging's own handleError
    assert "--- Logging error in nylas_workspaces ---" in err
    assert "ValueError: filter bug" in err


def test_a_field_named_like_a_record_attribute_is_renamed_not_refused(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The crate may add fields at any time; one called `name` or `message` must not make
    # makeRecord raise or overwrite the record's own attribute.
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    _logs._emit(logging.INFO, "nylas_workspaces::bulk", "bulk.rs", 7, "chunk done",
                {"name": "x", "message": "y", "assigned": 3}, "nylas_workspaces.bulk",
                {"chunk": 2})
    [record] = ours(caplog)
    assert record.name == LOGGER
    assert record.__dict__["field_name"] == "x"
    assert record.__dict__["field_message"] == "y"
    assert record.__dict__["assigned"] == 3 and record.__dict__["chunk"] == 2
    assert record.getMessage() == (
        "chunk done (name=x, message=y, assigned=3), during nylas_workspaces.bulk (chunk=2)"
    )


def test_any_span_is_logged_when_it_ends_with_its_fields(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    _logs._emit(logging.INFO, "nylas_workspaces::bulk", None, None, None, {},
                "nylas_workspaces.chunk", {"chunk": 1, "status": 200})
    [record] = ours(caplog)
    assert record.getMessage() == "nylas_workspaces.chunk ended (chunk=1, status=200)"
    assert record.funcName == "nylas_workspaces.chunk"


# --- the environment switch and the key, in fresh interpreters ---------------------------

CANARY = "nyk_CANARY_d0n0tl0g_8f3a91"
OTHER_CANARY = "nyk_OTHER_CANARY_77c2e0"

SCRIPT = f"""
import nylas_workspaces as nw
from nylas_workspaces.testing import Emulator
with Emulator(api_key={CANARY!r}) as emu:
    ws = emu.default_workspace_id()
    emu.fail_next("get-workspace", 1, "service_unavailable")
    emu.client(max_retries=1).workspaces.get(ws)
    try:
        nw.Client({OTHER_CANARY!r}, api_uri=emu.url, max_retries=0).workspaces.get(ws)
    except nw.AuthenticationError:
        print("401 seen")
"""


def run(script: str, log: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != _logs.ENV_VAR}
    if log is not None:
        env[_logs.ENV_VAR] = log
    return subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=60)


def test_debug_in_the_environment_prints_attempts_and_retries_on_stderr_without_the_key() -> None:
    proc = run(SCRIPT, "DEBUG")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "401 seen"
    lines = proc.stderr.splitlines()
    assert any(" DEBUG nylas_workspaces: retrying (wait_ms=" in line for line in lines)
    assert any(" INFO nylas_workspaces: attempt 1 of get_workspace: 503 in " in line
               for line in lines)
    assert any(" INFO nylas_workspaces: attempt 2 of get_workspace: 200 in " in line
               for line in lines)
    assert any("attempt 1 of get_workspace: 401 in " in line for line in lines)
    for key in (CANARY, OTHER_CANARY, "CANARY", "Bearer"):
        assert key not in proc.stderr
        assert key not in proc.stdout


def test_info_in_the_environment_prints_attempts_but_not_retries() -> None:
    proc = run(SCRIPT, "info")
    assert proc.returncode == 0, proc.stderr
    assert "attempt 2 of get_workspace: 200 in " in proc.stderr
    assert "DEBUG" not in proc.stderr and "retrying" not in proc.stderr


def test_without_the_variable_nothing_is_printed() -> None:
    proc = run(SCRIPT, None)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""


def test_a_warning_of_the_package_logger_prints_nothing_by_default() -> None:
    # Python prints an unhandled WARNING on stderr ("last resort"); a library's logger must not.
    script = "import logging, nylas_workspaces\nlogging.getLogger('nylas_workspaces').warning('x')\n"
    assert run(script, None).stderr == ""


def test_an_unknown_value_is_ignored_with_a_warning() -> None:
    proc = run(SCRIPT, "verbose")
    assert proc.returncode == 0, proc.stderr
    assert "RuntimeWarning: NYLAS_WORKSPACES_LOG='verbose' is ignored" in proc.stderr
    assert "attempt" not in proc.stderr


def test_ctrl_c_landing_while_a_record_is_logged_still_interrupts_the_call() -> None:
    # A signal handler runs inside whatever Python code is running, here a log handler during
    # a retry: the KeyboardInterrupt must reach the call, not be swallowed by the bridge.
    script = """
import logging, sys
from nylas_workspaces.testing import Emulator

class CtrlC(logging.Handler):
    def emit(self, record):
        if record.getMessage().startswith("retrying"):
            raise KeyboardInterrupt

logger = logging.getLogger("nylas_workspaces")
logger.addHandler(CtrlC())
logger.setLevel(logging.DEBUG)
with Emulator() as emu:
    emu.set_retry_after(5)
    emu.fail_next("get-all-workspaces", 1, "too_many_requests")
    try:
        emu.client(max_retries=1).workspaces.list()
    except KeyboardInterrupt:
        print("interrupted")
        sys.exit(0)
print("not interrupted")
"""
    proc = run(script, None)
    assert proc.stdout.strip() == "interrupted", proc.stderr
