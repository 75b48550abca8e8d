"""Start gunicorn on loopback and measure requests per second. Benchmark only.

The load is bounded: a few threads, a fixed number of seconds, 127.0.0.1 only,
a new connection per request (gunicorn's sync workers close after each one).
"""

from __future__ import annotations

import http.client
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def get(port: int, path: str, timeout: float = 10.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _gunicorn_path() -> str:
    beside_python = Path(sys.executable).with_name("gunicorn")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("gunicorn")
    if found is None:
        raise RuntimeError("gunicorn is not installed in this environment")
    return found


@contextmanager
def gunicorn(
    *, cwd: Path, env: dict[str, str], log_path: Path, ready_path: str, workers: int = 2
) -> Iterator[int]:
    """Run gunicorn for the duration of the block and yield its port; always stop it."""
    port = free_port()
    command = [
        _gunicorn_path(),
        "practice.wsgi",
        "-b",
        f"{HOST}:{port}",
        "-w",
        str(workers),
        "--worker-class",
        "sync",
    ]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_ready(process, port, ready_path, log_path)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(process: subprocess.Popen, port: int, path: str, log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early; see {log_path}:\n{log_path.read_text()}")
        try:
            status, _ = get(port, path, timeout=2)
        except OSError:
            time.sleep(0.1)
            continue
        if status == 200:
            return
        raise RuntimeError(f"gunicorn answered {path} with HTTP {status}; see {log_path}")
    raise RuntimeError(f"gunicorn did not answer within 30 s; see {log_path}")


def requests_per_second(port: int, path: str, *, seconds: float, threads: int) -> dict:
    """Hit ``path`` from ``threads`` threads for ``seconds``; count 200s and everything else."""
    ok = [0] * threads
    failed = [0] * threads
    stop_at = time.perf_counter() + seconds

    def worker(n: int) -> None:
        while time.perf_counter() < stop_at:
            try:
                status, _ = get(port, path)
            except OSError:
                failed[n] += 1
                continue
            if status == 200:
                ok[n] += 1
            else:
                failed[n] += 1

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    started, cpu_started = time.perf_counter(), time.process_time()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "requests": sum(ok),
        "errors": sum(failed),
        "seconds": round(elapsed, 3),
        "rps": round(sum(ok) / elapsed, 1),
        # CPU the load generator itself used: on a small machine it competes with gunicorn.
        "client_cpu_s": round(time.process_time() - cpu_started, 2),
    }
