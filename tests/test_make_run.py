"""`make run` in a fresh clone with no services: the framed login comes last, Ctrl-C ends it cleanly.

The clone holds only committed code. To try uncommitted work, set
SCALES_MAKE_RUN_WORKTREE=1: the working tree's files (tracked and new, not
ignored) are copied over the clone.
"""

import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BANNER_SECONDS = 120
STOP_SECONDS = 30
# Set by the caller or by an outer make; the clone must run with the defaults.
UNSET = (
    "DATABASE_URL",
    "REDIS_URL",
    "SITE_URL",
    "WEB_PORT",
    "DEBUG",
    "DEMO_PASSWORD",
    "EMAIL_BACKEND",
    "MAKEFLAGS",
    "MFLAGS",
    "MAKELEVEL",
)

pytestmark = pytest.mark.skipif(
    not (shutil.which("make") and shutil.which("git")), reason="needs make and git"
)


@pytest.fixture
def clone(tmp_path) -> Path:
    """Return a fresh clone of the repository that uses the prepared virtualenv."""
    if not (REPO / ".git").exists():
        pytest.skip("the code is not in a git repository")
    if not (REPO / ".venv" / ".installed").exists():
        pytest.skip("no prepared .venv (run `make install`)")
    target = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(target)], check=True)
    if os.environ.get("SCALES_MAKE_RUN_WORKTREE") == "1":
        _copy_worktree(target)
    (target / ".venv").symlink_to(REPO / ".venv")
    # The Makefile installs when pyproject.toml, uv.lock or package-lock.json is newer
    # than the stamp; the clone's are brand new, so date them before it.
    stamp = (REPO / ".venv" / ".installed").stat().st_mtime
    for name in ("pyproject.toml", "uv.lock", "package-lock.json"):
        os.utime(target / name, (stamp - 60, stamp - 60))
    return target


def _copy_worktree(target: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Output:
    """Lines of a process's output, read on a thread so waiting for one can time out."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, args=(process.stdout,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, found, seconds: float) -> bool:
        """Read until found(lines) is true; return False at the end of output or the timeout."""
        deadline = time.monotonic() + seconds
        while not found(self.lines):
            try:
                line = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return False
            if line is None:
                return False
            self.lines.append(line)
        return True

    def rest(self, seconds: float) -> None:
        self.wait_for(lambda lines: False, seconds)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def banner_of(lines: list[str]) -> list[str]:
    """Return the banner process's box lines (without honcho's prefix), once its box is closed."""
    box = [line.split("| ", 1)[1] for line in lines if re.search(r" banner\.1 +\| ", line)]
    box = [line for line in box if line[:1] in "┌│└"]
    return box if box and box[-1].startswith("└") else []


def stop(process: subprocess.Popen) -> None:
    """Stop what is still running: honcho passes SIGTERM on to the processes it started."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_it_prints_the_login_last_and_stops_cleanly_on_ctrl_c(clone):
    port = free_port()
    env = {name: value for name, value in os.environ.items() if name not in UNSET}
    env["WEB_PORT"] = str(port)
    process = subprocess.Popen(
        ["make", "run"],
        cwd=clone,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives it
    )
    output = Output(process)
    try:
        if not output.wait_for(banner_of, BANNER_SECONDS):
            pytest.fail(f"no banner within {BANNER_SECONDS} s; the output so far:\n{output.text}")
        banner = "\n".join(banner_of(output.lines))
        assert "username      practitioner" in banner
        assert "password      calm-scales-demo" in banner
        assert "make otp" in banner
        assert "Ctrl-C stops everything" in banner
        urls = re.findall(r"http://\S+", banner)
        assert urls, banner
        assert all(url.startswith(f"http://localhost:{port}/") for url in urls), banner
        assert f"http://localhost:{port}/admin/notifications/outboundemail/" in urls
        # The seeded emails, one line each with a link at this port, all before the box.
        emails = [line for line in output.lines if " | email to " in line]
        assert emails, output.text
        assert all(f"(read it in the office: http://localhost:{port}/" in e for e in emails)
        assert "Content-Type:" not in output.text  # no raw MIME

        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in a terminal
        process.wait(STOP_SECONDS)
        output.rest(5)
    finally:
        stop(process)

    # GNU make re-raises a SIGINT it received once its recipe has ended, so a shell
    # shows status 130 and prints nothing; what matters is that the recipe succeeded
    # (no "make: *** ... Error 130" or "Interrupt") and nothing logged an error.
    assert process.returncode in (0, -signal.SIGINT), output.text
    assert "make: ***" not in output.text
    assert "Traceback" not in output.text
    assert " ERROR" not in output.text
    assert "Error 130" not in output.text
