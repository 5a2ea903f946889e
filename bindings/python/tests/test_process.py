"""Behaviour that needs a separate interpreter: Ctrl-C during a call, and the wheel in a
clean virtual environment."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import venv
from pathlib import Path

import pytest

HANG_SCRIPT = """
import sys, nylas_workspaces as nw
c = nw.Client("k", api_uri=sys.argv[1], max_retries=0, timeout=60)
print("calling", flush=True)
try:
    c.workspaces.list()
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(42)
"""


def test_ctrl_c_interrupts_a_blocking_call() -> None:
    # A server that accepts the connection and never answers.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    proc = subprocess.Popen([sys.executable, "-c", HANG_SCRIPT, url],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "calling"
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        # Without signal handling the call would sit out its 60 s timeout; the bound here
        # only keeps a broken build from hanging the suite.
        out, _ = proc.communicate(timeout=20)
    finally:
        proc.kill()
        listener.close()
    assert proc.returncode == 42
    assert "interrupted" in out


def test_wheel_installs_into_a_clean_venv(tmp_path: Path) -> None:
    wheel = os.environ.get("NYLAS_WORKSPACES_WHEEL")
    if not wheel:
        pytest.skip("NYLAS_WORKSPACES_WHEEL is set by `cargo xtask test`")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--no-index",
                    "--disable-pip-version-check", wheel], check=True)
    out = subprocess.run(
        [str(py), "-c",
         "import nylas_workspaces as nw, pathlib;"
         "print(nw.__version__, nw.NOT_GIVEN, issubclass(nw.InvariantError, ValueError),"
         " (pathlib.Path(nw.__file__).parent / 'py.typed').exists(),"
         " repr(nw.Client('secret-key-xyz', api_uri='http://127.0.0.1:9')))"],
        check=True, capture_output=True, text=True, cwd=tmp_path,
    ).stdout
    version, sentinel, is_value_error, typed, client_repr = out.split(" ", 4)
    assert version.count(".") == 2
    assert sentinel == "NOT_GIVEN"
    assert is_value_error == "True"
    assert typed == "True"
    assert "secret-key-xyz" not in client_repr
