"""Run the app under gunicorn on loopback for a test: the real server, its workers, their processes."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(module: str, folder: Path, env: dict[str, str], *, workers: int,
             port: int | None = None) -> Iterator[tuple[subprocess.Popen, int]]:
    """gunicorn serving ``module:app`` (a file in ``folder``) with ``workers`` sync workers; (master, port).

    Waits until the port answers; stops the master (SIGTERM, then SIGKILL) whatever happens.
    """
    port = port or free_port()
    log_path = folder / f"gunicorn-{port}.log"
    with open(log_path, "ab") as log:  # the child keeps its own copy of the descriptor
        master = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers), "--worker-class", "sync",
             "--bind", f"127.0.0.1:{port}", "--log-level", "error", "--timeout", "60", f"{module}:app"],
            env={**env, "PYTHONPATH": f"{ROOT}:{folder}"}, cwd=folder, stderr=log)
    try:
        deadline = time.time() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.time() < deadline and master.poll() is None, log_path.read_text()
                time.sleep(0.2)
        yield master, port
    finally:
        master.send_signal(signal.SIGTERM)
        try:
            master.wait(timeout=30)
        except subprocess.TimeoutExpired:
            master.kill()
            master.wait()
