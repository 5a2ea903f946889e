"""Absurd numbers in every numeric argument: a clear ``ValueError``, ``TypeError`` or
``OverflowError``, or a working object; never a ``PanicException`` (a ``BaseException``
that would take down the caller's ``except Exception``) and never a hang.

Hypothesis draws floats (NaN, infinities, subnormals, 1e300), ints far beyond 64 bits and
bools; the examples below pin the values that used to panic.
"""

from __future__ import annotations

import itertools
from typing import Any, Callable, Iterator

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import nylas_workspaces as nw
from nylas_workspaces.testing import Emulator

REFUSED = (ValueError, TypeError, OverflowError)

ABSURD = [float("nan"), float("inf"), float("-inf"), 1e300, -1e300, 5e-324, 0, 0.0, -0.0,
          -1, 2**32, 2**64, -2**64, 10**400, True, False]

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-2**80, max_value=2**80),
    st.booleans(),
    st.sampled_from(ABSURD),
)

# Each example is one constructor call, or one call against a loopback emulator: cheap, but
# keep the count modest so the whole file stays within a few seconds.
SETTINGS = settings(max_examples=25, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def refused_or_built(make: Callable[[], Any]) -> Any:
    """Calls ``make``; a refusal must be one of the three clear classes. Anything else
    (``PanicException`` above all) propagates and fails the test."""
    try:
        return make()
    except REFUSED:
        return None


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator() as e:
        yield e


@pytest.fixture(scope="module")
def emu_client(emu: Emulator) -> nw.Client:
    return emu.client(max_retries=0)


CLIENT_ARGUMENTS = {
    "timeout": lambda x: {"timeout": x, "max_retries": 0},
    "max_retries": lambda x: {"max_retries": x},
    "max_retry_wait": lambda x: {"max_retry_wait": x},
    "rate_limit": lambda x: {"rate_limit": x},
    "rate_limit['rate']": lambda x: {"rate_limit": {"rate": x}},
    "rate_limit['burst']": lambda x: {"rate_limit": {"rate": 1000, "burst": x}},
}


# One draw picks the class, the argument and its value: building a client costs tens of
# milliseconds (TLS roots), so the examples are shared instead of multiplied.
@settings(SETTINGS, max_examples=80)
@given(cls=st.sampled_from([nw.Client, nw.AsyncClient]),
       argument=st.sampled_from(sorted(CLIENT_ARGUMENTS)), value=numbers)
def test_client_numbers_are_refused_clearly_or_work(
    emu: Emulator, cls: type, argument: str, value: Any
) -> None:
    arguments = CLIENT_ARGUMENTS[argument](value)
    client = refused_or_built(lambda: cls(emu.api_key, api_uri=emu.url, **arguments))
    if client is None or cls is nw.AsyncClient:
        return
    # A client that was built must also survive a call: the value is used for real then.
    try:
        client.workspaces.default()
    except nw.NylasWorkspacesError:
        pass  # a 1 ns timeout times out; that is an answer, not a crash


SERIAL = itertools.count()


@SETTINGS
@given(value=numbers)
@example(value=0)
@example(value=2**64)
@example(value=-1)
@example(value=True)
def test_concurrency_is_refused_clearly_or_works(emu: Emulator, emu_client: nw.Client,
                                                 value: Any) -> None:
    client = emu_client
    n = next(SERIAL)
    grant = emu.add_grant(f"numbers{n}@example.com")
    ws = client.workspaces.create(f"Numbers {n}")
    result = refused_or_built(lambda: client.workspaces.manual_assign(
        ws.workspace_id, assign_grants=[grant], concurrency=value))
    if result is not None:
        assert result.grants_assigned == [grant]


@SETTINGS
@given(value=numbers)
@example(value=1e300)
@example(value=float("inf"))
@example(value=-2**64)
def test_emulator_seconds_are_refused_clearly_or_work(value: Any) -> None:
    emulator = refused_or_built(lambda: Emulator(latency=value))
    if emulator is not None:
        emulator.close()
    with Emulator() as e:
        server = e
        refused_or_built(lambda: server.set_latency(value))
        refused_or_built(lambda: server.advance_clock(value))
        refused_or_built(lambda: server.set_retry_after(value))


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"timeout": 1e300}, ValueError),
        ({"timeout": float("nan")}, ValueError),
        ({"timeout": 0}, ValueError),
        ({"timeout": 5e-324}, ValueError),
        ({"timeout": True}, TypeError),
        ({"timeout": 10**400}, OverflowError),
        ({"max_retries": -1}, OverflowError),
        ({"max_retries": 2**64}, OverflowError),
        ({"max_retries": 1.5}, TypeError),
        ({"max_retries": True}, TypeError),
        ({"max_retry_wait": -0.5}, ValueError),
        ({"max_retry_wait": float("inf")}, ValueError),
        ({"max_retry_wait": False}, TypeError),
        ({"rate_limit": 10**400}, OverflowError),
        ({"rate_limit": {"rate": 10, "burst": 2**64}}, OverflowError),
    ],
)
def test_each_kind_of_bad_number_gets_its_class_and_names_the_argument(
    emu: Emulator, arguments: dict[str, Any], error: type[Exception]
) -> None:
    name = next(iter(arguments))
    for cls in (nw.Client, nw.AsyncClient):
        with pytest.raises(error, match=name):
            cls(emu.api_key, api_uri=emu.url, **arguments)


def test_configuration_errors_are_value_errors(emu: Emulator) -> None:
    with pytest.raises(nw.ConfigurationError) as info:
        emu.client(rate_limit=0)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, nw.NylasWorkspacesError)


@pytest.mark.parametrize(
    ("arguments", "name"),
    [
        # In range for a float and for Python, beyond what the crate accepts (a day, an hour).
        ({"timeout": 86_400.5}, "timeout"),
        ({"timeout": -1}, "timeout"),
        ({"max_retry_wait": 3_601}, "max_retry_wait"),
        ({"max_retry_wait": float("nan")}, "max_retry_wait"),
    ],
)
def test_seconds_out_of_the_crates_range_are_configuration_errors(
    emu: Emulator, arguments: dict[str, Any], name: str
) -> None:
    for cls in (nw.Client, nw.AsyncClient):
        with pytest.raises(nw.ConfigurationError, match=name):
            cls(emu.api_key, api_uri=emu.url, **arguments)


def test_the_longest_accepted_seconds_build_a_client(emu: Emulator) -> None:
    client = emu.client(timeout=86_400, max_retry_wait=3_600, max_retries=0)
    assert client.workspaces.default() is not None
