"""Start gunicorn on loopback and measure requests and bookings per second. Benchmark only.

The load is bounded: wrk (when installed) or a few threads, a fixed number of
seconds or bookings, 127.0.0.1 only (gunicorn's sync workers close the
connection after each answer).
"""

from __future__ import annotations

import http.client
import http.cookies
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def get(
    port: int, path: str, timeout: float = 10.0, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
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
    *,
    cwd: Path,
    env: dict[str, str],
    log_path: Path,
    ready_path: str,
    workers: int = 2,
    headers: dict[str, str] | None = None,
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
            _wait_ready(process, port, ready_path, log_path, headers)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(
    process: subprocess.Popen, port: int, path: str, log_path: Path, headers: dict | None
) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early; see {log_path}:\n{log_path.read_text()}")
        try:
            status, _ = get(port, path, timeout=2, headers=headers)
        except OSError:
            time.sleep(0.1)
            continue
        if status == 200:
            return
        raise RuntimeError(f"gunicorn answered {path} with HTTP {status}; see {log_path}")
    raise RuntimeError(f"gunicorn did not answer within 30 s; see {log_path}")


def _run_threads(worker: Callable[[int], None], threads: int) -> float:
    """Run ``worker(n)`` in ``threads`` threads at once; return the wall-clock seconds."""
    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return time.perf_counter() - started


def requests_per_second(
    port: int, path: str, *, seconds: float, threads: int, headers: dict | None = None
) -> dict:
    """Hit ``path`` from ``threads`` threads for ``seconds``; count 200s and everything else."""
    ok = [0] * threads
    failed = [0] * threads
    stop_at = time.perf_counter() + seconds

    def worker(n: int) -> None:
        while time.perf_counter() < stop_at:
            try:
                status, _ = get(port, path, headers=headers)
            except OSError:
                failed[n] += 1
                continue
            if status == 200:
                ok[n] += 1
            else:
                failed[n] += 1

    cpu_started = time.process_time()
    elapsed = _run_threads(worker, threads)
    return {
        "requests": sum(ok),
        "errors": sum(failed),
        "seconds": round(elapsed, 3),
        "rps": round(sum(ok) / elapsed, 1),
        # CPU the load generator itself used: on a small machine it competes with gunicorn.
        "client_cpu_s": round(time.process_time() - cpu_started, 2),
    }


WRK_INSTALL_HINT = "apt-get install -y wrk (Debian/Ubuntu) or brew install wrk (macOS)"


def wrk_path() -> str | None:
    """Return wrk's path, or None when it is not installed."""
    return shutil.which("wrk")


def wrk_requests_per_second(
    port: int,
    path: str,
    *,
    seconds: float,
    threads: int = 2,
    connections: int = 8,
    headers: dict[str, str] | None = None,
) -> dict:
    """Run wrk against ``path`` and return its Requests/sec, with its error counts.

    wrk is a C program with its own event loop: on a small machine it takes far
    less CPU from gunicorn than Python threads would.
    """
    command = [
        wrk_path() or "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://{HOST}:{port}{path}")
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


def parse_wrk(output: str) -> dict:
    """Read wrk's summary: requests, Requests/sec, non-2xx answers, socket errors, latencies."""
    found: dict = {"requests": 0, "errors": 0, "non_2xx": 0, "socket_errors": 0}
    match = re.search(r"^\s*(\d+) requests in ([\d.]+)(\w+)", output, re.MULTILINE)
    if match:
        found["requests"] = int(match.group(1))
    match = re.search(r"^Requests/sec:\s*([\d.]+)", output, re.MULTILINE)
    if not match:
        raise RuntimeError(f"no Requests/sec in wrk's output:\n{output}")
    found["rps"] = round(float(match.group(1)), 1)
    match = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", output)
    if match:
        found["non_2xx"] = int(match.group(1))
    match = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if match:
        found["socket_errors"] = sum(int(n) for n in match.groups())
    found["errors"] = found["non_2xx"] + found["socket_errors"]
    for percentile in ("50", "99"):
        match = re.search(rf"^\s*{percentile}%\s+([\d.]+)(us|ms|s)\b", output, re.MULTILINE)
        if match:
            scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[match.group(2)]
            found[f"p{percentile}_ms"] = round(float(match.group(1)) * scale, 2)
    found["tool"] = "wrk"
    return found


class _Browser:
    """One visitor over plain HTTP: a cookie jar (Secure cookies included: TLS ends at
    the proxy the headers stand for) and the proxy's headers on every request."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        self.headers = headers
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, bytes]:
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = http.cookies.SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    if morsel["max-age"] == "0" or morsel.value == "":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            location = response.headers.get("Location", "")
            return response.status, urllib.parse.urlsplit(location).path, content
        finally:
            conn.close()


CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
SLOT_VALUE = re.compile(rb'class="btn btn-outline-primary slot" name="slot" value="([^"]+)"')


def slot_values(content: bytes) -> list[str]:
    """Return the times a slot page offers, as its buttons send them."""
    return [value.decode() for value in SLOT_VALUE.findall(content)]


def book_once(
    port: int, headers: dict[str, str], *, slug: str, slot: str, zone: str, email: str
) -> None:
    """Book one time the way a visitor does: hold it, open the details form, send it."""
    browser = _Browser(port, headers)
    status, location, _ = browser.request("POST", f"/book/{slug}/hold/", {"slot": slot, "tz": zone})
    if status != 302 or not location.startswith("/book/details/"):
        raise RuntimeError(f"hold of {slot}: HTTP {status} to {location!r}")
    details = location
    status, _, content = browser.request("GET", details)
    match = CSRF_INPUT.search(content)
    if status != 200 or match is None:
        raise RuntimeError(
            f"details form {details}: HTTP {status}, csrf token found: {bool(match)}"
        )
    status, location, content = browser.request(
        "POST",
        details,
        {
            "csrfmiddlewaretoken": match.group(1).decode(),
            "name": "Bench Visitor",
            "email": email,
            "time_zone": zone,
            "mode": "individual",
            "consent": "on",
        },
    )
    if status != 302 or not location.startswith("/b/"):
        raise RuntimeError(f"details POST {details}: HTTP {status} to {location!r}")


def bookings_per_second(
    port: int,
    headers: dict[str, str],
    *,
    slug: str,
    zone: str,
    slots: list[str],
    threads: int,
) -> dict:
    """Book every time in ``slots`` (each once) from ``threads`` visitors; count completions."""
    queue = list(enumerate(slots))
    lock = threading.Lock()
    done = [0] * threads
    failures: list[str] = []

    def worker(n: int) -> None:
        while True:
            with lock:
                if not queue:
                    return
                number, slot = queue.pop()
            try:
                book_once(
                    port,
                    headers,
                    slug=slug,
                    slot=slot,
                    zone=zone,
                    email=f"bench-http-{number}@scales-bench.net",
                )
            except (OSError, RuntimeError) as error:
                with lock:
                    failures.append(str(error))
                continue
            done[n] += 1

    elapsed = _run_threads(worker, threads)
    return {
        "bookings": sum(done),
        "failed": len(failures),
        "first_failures": failures[:3],
        "seconds": round(elapsed, 3),
        "per_s": round(sum(done) / elapsed, 2),
        "threads": threads,
        "requests_per_booking": 3,
    }
