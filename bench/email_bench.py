"""Benchmark email delivery: one real Celery worker sends 10,000 due reminders.

Called by bench/run.py on the bench database, after the slot benchmarks.

reminders_10k_per_s: 10,000 reminders for the bench's upcoming bookings, all due,
are swept here as beat would sweep them (claim a batch, queue a send task per
OUTBOX_TASK_SIZE rows) and sent by ONE Celery worker process (prefork,
concurrency 1) to an SMTP server on loopback that only counts (aiosmtpd). Emails per second = 10,000 / the wall time
from the first sweep to the last message received. One email goes through
first, so the worker's start-up is not counted. Bounded: after MAX_SECONDS the
run stops and reports how many arrived.

The broker is Redis when BENCH_REDIS_URL (or REDIS_URL) is set, otherwise kombu's
filesystem transport in var/bench/broker; either way the bench's own queue
("bench", see bench/settings.py), never the developer's tasks.

sweep_queries_per_batch: the queries of one outbox_claim_due() with 5,000 rows
due, against 100 rows due: a claim is a fixed number of queries, so they match.

reminders_10k_queries_per_email: what one more email adds to a send task's
queries (the guarded UPDATE before it leaves, the UPDATE after), from sending
batches of 100 and 300 reminders in this process through the same SMTP sink;
reminders_queries_per_batch: the rest, paid once per send task. The details keep
the all-in figure too: sweeps and send tasks of the production sizes over 1,000
reminders, divided by 1,000.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import cycle
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
REMINDERS = 10_000
MAX_SECONDS = 300.0
WORKER_READY_SECONDS = 60.0
# Sweep again when fewer than this many queued emails are still on their way, so
# the worker never waits for work (beat's minute and the kicks do this in use).
LOW_WATER = 250


def configure_broker(bench_var: Path) -> str:
    """Choose the broker of the bench and its worker (before Django starts); describe it."""
    url = os.environ.get("BENCH_REDIS_URL", "").strip() or os.environ.get("REDIS_URL", "").strip()
    if url:
        os.environ["BENCH_BROKER_URL"] = url
        return f"redis {url.rpartition('@')[2]}"
    folder = bench_var / "broker"
    shutil.rmtree(folder, ignore_errors=True)
    for name in ("queue", "processed", "control"):
        (folder / name).mkdir(parents=True)
    os.environ["BENCH_BROKER_DIR"] = str(folder)
    return f"filesystem {folder.relative_to(ROOT)}"


def worker_pool() -> str:
    """Return the worker's pool: BENCH_WORKER_POOL, else prefork on Redis and solo otherwise.

    Prefork is what production runs. But the filesystem transport polls its folder
    once a second while the worker's one prefetch slot is taken, so a prefork
    worker there sends one email a second and the bench would time the polling;
    a solo worker takes the next message as soon as it is done with one.
    """
    default = "prefork" if os.environ.get("BENCH_BROKER_URL") else "solo"
    return os.environ.get("BENCH_WORKER_POOL", default)


class Sink:
    """The SMTP server's handler: accept every message, keep only the count."""

    def __init__(self) -> None:
        self.count = 0
        self.last_at: float | None = None
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self._arrived:
            self.count += 1
            self.last_at = time.perf_counter()
            self._arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float) -> bool:
        with self._arrived:
            return self._arrived.wait_for(lambda: self.count >= count, max(timeout, 0))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_sink() -> Iterator[tuple[Sink, int]]:
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    sink, port = Sink(), _free_port()
    controller = Controller(sink, hostname=HOST, port=port, server_hostname="localhost")
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@contextmanager
def celery_worker(*, smtp_port: int, log_path: Path) -> Iterator[subprocess.Popen]:
    """Run one worker process on the bench database and broker, sending to the sink."""
    env = {
        **os.environ,  # DATABASE_URL, DJANGO_SETTINGS_MODULE=bench.settings, the broker
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": HOST,
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        "EMAIL_USE_SSL": "false",
        "LOG_LEVEL": "WARNING",
    }
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A",
        "practice",
        "worker",
        "--pool",
        worker_pool(),
        "--concurrency",
        "1",
        "--loglevel",
        "WARNING",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--hostname",
        f"bench-email-{os.getpid()}@%h",
    ]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def reminders_create(count: int, *, tag: str) -> None:
    """Queue ``count`` reminders, due now, spread over the bookings still a day or more away."""
    from datetime import timedelta

    from django.utils import timezone

    from booking.models import Booking
    from notifications.models import OutboundEmail

    now = timezone.now()
    bookings = list(
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            client__isnull=False,
            start_at__gt=now + timedelta(days=1),
        ).select_related("client")
    )
    if not bookings:
        raise RuntimeError("no upcoming confirmed bookings to remind")
    OutboundEmail.objects.bulk_create(
        (
            OutboundEmail(
                kind="reminder",
                subject_type="booking",
                subject_id=booking.pk,
                recipient_client_id=booking.client_id,
                to_email=booking.client.email,
                due_at=now,
                dedupe_key=f"bench-{tag}:{n}",
            )
            for n, booking in zip(range(count), cycle(bookings), strict=False)
        ),
        batch_size=1000,
    )


def claim_queries(due: int) -> int:
    """Count the queries of one outbox_claim_due() with ``due`` rows due; remove them after."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications.delivery import outbox_claim_due
    from notifications.models import OutboundEmail

    reminders_create(due, tag=f"claim-{due}")
    with CaptureQueriesContext(connection) as queries:
        claimed = outbox_claim_due()
    if not claimed:
        raise RuntimeError(f"the claim found none of {due} due rows")
    OutboundEmail.objects.all().delete()
    return len(queries)


def send_queries(smtp_port: int) -> dict:
    """Count the queries of sending reminders in this process, through the SMTP sink.

    Returns the queries one more email adds to a send task, the fixed rest per
    task, and the all-in queries per email of sweeps and tasks of production size.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from notifications.delivery import outbox_claim_due, outbox_send_batch, outbox_sweep
    from notifications.models import OutboundEmail

    def batch_queries(count: int) -> int:
        reminders_create(count, tag=f"queries-{count}")
        ids = outbox_claim_due(batch=count)
        with CaptureQueriesContext(connection) as queries:
            outcomes = outbox_send_batch(ids)
        if set(outcomes.values()) != {"sent"}:
            raise RuntimeError(f"the in-process batch did not send everything: {outcomes}")
        OutboundEmail.objects.all().delete()
        return len(queries)

    smtp = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": HOST,
        "EMAIL_PORT": smtp_port,
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
    }
    with override_settings(**smtp):
        small, large = batch_queries(100), batch_queries(300)
        reminders_create(1000, tag="queries-all-in")
        with CaptureQueriesContext(connection) as queries:
            while outbox_sweep(enqueue=outbox_send_batch):
                pass
        sent = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count()
        OutboundEmail.objects.all().delete()
    per_email = (large - small) / 200
    return {
        "per_email": round(per_email, 3),
        "per_batch": round(small - per_email * 100, 1),
        "all_in_per_email": round(len(queries) / max(sent, 1), 3),
        "all_in_sent": sent,
    }


def worker_cpu_seconds(pid: int) -> float:
    """Return the CPU time of the worker and its pool processes so far (Linux; else 0)."""
    proc = Path("/proc")
    if not (proc / str(pid)).exists():
        return 0.0
    total = 0.0
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # a process that just ended
        if stat.parent.name == str(pid) or fields[1] == str(pid):  # fields[1]: the parent's pid
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _status_counts() -> dict[str, int]:
    from django.db.models import Count

    from notifications.models import OutboundEmail

    rows = OutboundEmail.objects.values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def deliver(sink: Sink, *, expected: int, deadline: float) -> dict:
    """Sweep until ``expected`` more messages arrived (or the deadline); time it."""
    from notifications.delivery import outbox_sweep
    from notifications.models import OutboundEmail
    from notifications.tasks import outbox_send_batch_task

    def sweep() -> int:
        """One batch, as beat's sweep claims it; the bench keeps the pace itself (LOW_WATER)."""
        claimed: list[int] = []

        def enqueue(email_ids: list[int]) -> None:
            claimed.extend(email_ids)
            outbox_send_batch_task.delay(email_ids)

        outbox_sweep(enqueue=enqueue)
        return len(claimed)

    base = sink.count
    started = time.perf_counter()
    queued = sweeps = 0
    while sink.count - base < expected and time.perf_counter() < deadline:
        in_flight = queued - (sink.count - base)
        if in_flight <= LOW_WATER:
            found = sweep()
            queued, sweeps = queued + found, sweeps + 1
            if not found:
                pending = (OutboundEmail.Status.SCHEDULED, OutboundEmail.Status.SENDING)
                if not in_flight and not OutboundEmail.objects.filter(status__in=pending).exists():
                    break  # the rest failed or was cancelled: nothing more will come
                # Nothing due: let what is on its way arrive (or a retry come due), then look again.
                sink.wait_for(base + queued, min(1.0, deadline - time.perf_counter()))
                continue
        target = base + max(queued - LOW_WATER, 1)
        sink.wait_for(min(target, base + expected), deadline - time.perf_counter())
    delivered = sink.count - base
    finished = sink.last_at if delivered else time.perf_counter()
    elapsed = finished - started
    return {
        "delivered": delivered,
        "seconds": round(elapsed, 2),
        "per_s": round(delivered / elapsed, 1) if elapsed > 0 else 0.0,
        "sweeps": sweeps,
        "complete": delivered >= expected,
    }


def measure(bench_var: Path, broker: str) -> dict:
    """Run both email measurements; return the figures and their details."""
    from django.conf import settings

    from notifications.models import OutboundEmail
    from practice.celery import app as celery_app

    for name in ("celery.app.trace", "notifications.tasks"):  # a line or two per sweep
        logging.getLogger(name).setLevel(logging.WARNING)
    OutboundEmail.objects.all().delete()  # the demo's own emails are not part of the run
    queries_100, queries_5000 = claim_queries(100), claim_queries(5000)
    celery_app.control.purge()  # kicks queued while the demo was seeded
    log_path = bench_var / "worker.log"
    with smtp_sink() as (sink, port):
        queries = send_queries(port)
    with smtp_sink() as (sink, port), celery_worker(smtp_port=port, log_path=log_path) as worker:
        reminders_create(1, tag="warm-up")
        warm_up = deliver(sink, expected=1, deadline=time.perf_counter() + WORKER_READY_SECONDS)
        if not warm_up["complete"]:
            state = "exited" if worker.poll() is not None else "running"
            raise RuntimeError(f"the worker ({state}) sent nothing; see {log_path}")
        reminders_create(REMINDERS, tag="run")
        cpu_before = worker_cpu_seconds(worker.pid)
        run = deliver(sink, expected=REMINDERS, deadline=time.perf_counter() + MAX_SECONDS)
        cpu = worker_cpu_seconds(worker.pid) - cpu_before
    return {
        "sweep_queries_per_batch": queries_5000,
        "sweep_queries_per_batch_100": queries_100,
        "reminders_10k_per_s": run["per_s"],
        "reminders_10k_queries_per_email": queries["per_email"],
        "reminders_queries_per_batch": queries["per_batch"],
        "details": {
            **run,
            "warm_up_seconds": warm_up["seconds"],
            # CPU the worker used per email: steadier than the rate on a busy machine.
            "worker_cpu_ms_per_email": round(cpu * 1000 / max(run["delivered"], 1), 2),
            "statuses": _status_counts(),
            "broker": broker,
            "worker": f"{worker_pool()}, concurrency 1",
            "batch_size": settings.OUTBOX_BATCH_SIZE,
            "task_size": settings.OUTBOX_TASK_SIZE,
            "queries": queries,
            "worker_log": str(log_path.relative_to(ROOT)),
        },
    }
