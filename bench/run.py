"""Benchmark the slot picker: engine time, queries per page, throughput under gunicorn.

    make bench        (or .venv/bin/python bench/run.py)

It never touches the dev database. By default it uses a fresh SQLite file,
var/bench/bench.sqlite3, deleted and re-created on every run. With
BENCH_DATABASE_URL set it uses that database instead: migrated, then FLUSHED
(every row deleted), so point it at a database kept for benchmarking.

Metrics (targets in TARGETS): median/p95 of slots_for() over 60 days with 5,000
bookings, its query count, queries and in-process time per slot page with 500
and 5,000 bookings, the slot page's requests/s under gunicorn relative to a
do-nothing view (bench/urls.py, never in production; gunicorn with DEBUG off and
production's required settings, the Redis cache of BENCH_REDIS_URL when given,
load from wrk when installed, else Python threads, said so), complete public
bookings per second over HTTP on that gunicorn, the slot page for a week whose
days are all full against an ordinary week, and email delivery by a
real Celery worker (bench/email_bench.py), and the office's Today and client pages
with 20,000 clients and 50,000 bookings (bench/office_bench.py). Prints a table and writes
bench/results.json. Exits 0 even if a target is missed. Timings are wall-clock:
on a shared or busy machine they move; each is printed and stored with the
1-minute load average at the time.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import random
import secrets
import signal
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results.json"

BOOKINGS = 5000
FIRST_BATCH = 500
PAST_DAYS = 200
FUTURE_DAYS = 60
CLIENTS = 250
ASSESSMENTS_PER_DAY = 3  # under the demo's max_per_day (4), so no day is skipped outright
SEED = 20250101

WARMUPS = 3
RUNS = 50
LOAD_THREADS = 4
LOAD_SECONDS = 5.0
WARM_SECONDS = 1.0

SLUG = "assessment-call"
SLOT_PAGE = f"/book/{SLUG}/?tz=Asia/Kolkata"
TRIVIAL_PAGE = "/bench/trivial/"
SLOT_BUTTON = b'class="btn btn-outline-primary slot"'
ZONE = "Asia/Kolkata"
# wrk's shape: 2 threads, 8 connections, 5 s per page (WARM_SECONDS first).
WRK_THREADS = 2
WRK_CONNECTIONS = 8
# Public bookings over HTTP: this many, from this many visitors at once, to their own
# copy of the assessment call, this many days ahead (see http_booking_slots).
HTTP_BOOKINGS = 300
BOOKING_THREADS = 4
HTTP_BOOKING_SLUG = "bench-http-call"
HTTP_BOOKING_FIRST_DAY = FUTURE_DAYS + 2
# The throughput gunicorn runs as production does: DEBUG off, its secrets and public
# address set, behind a TLS-ending proxy whose headers every request carries.
PUBLIC_HOST = "book.scales-bench.net"
PUBLIC_SITE = f"https://{PUBLIC_HOST}"
PROXY_HEADERS = {"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https"}
# Weeks (from today, in days) for the full-calendar timing: one filled, one left as it is.
FULL_WEEK_OFFSET = 14
ORDINARY_WEEK_OFFSET = 21

# metric: (comparison, target) or (comparison, other metric, factor); a metric
# without a target is reported only.
TARGETS = {
    "slots_60d_5000_bookings_ms": ("<=", 10.0),
    "slots_call_queries": ("<=", 3),
    "slot_page_queries": ("<=", "slot_page_queries_500"),
    "slot_page_rps_ratio": (">=", 0.5),
    "bookings_per_s": (">=", 70.0),
    "slot_page_full_calendar_ms": ("<=", "slot_page_ordinary_week_ms", 2.0),
    "sweep_queries_per_batch": ("==", "sweep_queries_per_batch_100"),
    "reminders_10k_per_s": (">=", 500.0),
    "reminders_10k_queries_per_email": ("<=", 2),
    "office_today_ms": ("<=", 50.0),
    "office_client_ms": ("<=", 50.0),
    "office_list_ratio": ("<=", 1.3),
}
CELL = timedelta(minutes=30)


def configure_environment() -> str:
    """Point Django at the bench database and settings; return a printable description."""
    bench_url = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if bench_url:
        if bench_url == os.environ.get("DATABASE_URL", "").strip():
            sys.exit("BENCH_DATABASE_URL is DATABASE_URL; the bench flushes its database.")
        url, described = bench_url, "BENCH_DATABASE_URL (flushed)"
    else:
        BENCH_VAR.mkdir(parents=True, exist_ok=True)
        path = BENCH_VAR / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url, described = f"sqlite:///{path}", str(path.relative_to(ROOT))
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="true",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
    )
    return described


def prepare_database(flush: bool) -> None:
    from django.core.management import call_command

    from booking.demo import demo_seed

    call_command("migrate", interactive=False, verbosity=0)
    if flush:
        call_command("flush", interactive=False, verbosity=0)
    demo_seed(password=secrets.token_urlsafe(16))


def plan_bookings(count: int) -> list:
    """Return ``count`` unsaved bookings, round-robin over the days, never overlapping.

    Each booking's blocked range fills whole 30-minute UTC cells, and no cell is
    used twice (nor one the demo's own bookings use), so the plan also satisfies
    PostgreSQL's exclusion constraint. Per day: a few assessment calls between
    07:00 and 17:00 UTC, then single sessions on hour-aligned pairs of cells,
    anywhere in the day, availability hours or not.
    """
    from django.utils import timezone

    from booking.models import Booking, Practitioner, SessionType
    from clients.models import Client

    rng = random.Random(SEED)
    now = timezone.now()
    practitioner = Practitioner.objects.get()
    assessment = SessionType.objects.get(slug=SLUG)
    session = SessionType.objects.get(slug="single-session")
    zones = ["Europe/Amsterdam", "Asia/Kolkata", "America/New_York", "Australia/Sydney"]
    Client.objects.bulk_create(
        Client(name=f"Bench {n}", email=f"bench{n}@example.com", time_zone=zones[n % len(zones)])
        for n in range(CLIENTS)
    )
    clients = list(Client.objects.filter(email__startswith="bench"))

    taken: set[datetime] = set()
    for blocked_start, blocked_end in Booking.objects.values_list("blocked_start", "blocked_end"):
        cell = _cell_floor(blocked_start)
        while cell < blocked_end:
            taken.add(cell)
            cell += CELL

    today = now.astimezone(UTC).date()
    days = [today + timedelta(days=n) for n in range(-PAST_DAYS, FUTURE_DAYS)]
    planned = []
    for n in range(count):
        day = days[n % len(days)]
        session_type = assessment if n // len(days) < ASSESSMENTS_PER_DAY else session
        midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
        if session_type == assessment:
            starts = [midnight + CELL * c for c in range(14, 34)]
        else:
            starts = [midnight + CELL * c for c in range(0, 48, 2)]
        blocked = timedelta(
            minutes=session_type.buffer_before_minutes
            + session_type.duration_minutes
            + session_type.buffer_after_minutes
        )
        cells = -(-blocked // CELL)
        free = [s for s in starts if all(s + CELL * c not in taken for c in range(cells))]
        if not free:
            raise RuntimeError(f"no free cell left on {day}; lower BOOKINGS")
        blocked_start = rng.choice(free)
        taken.update(blocked_start + CELL * c for c in range(cells))
        start = blocked_start + timedelta(minutes=session_type.buffer_before_minutes)
        end = start + timedelta(minutes=session_type.duration_minutes)
        roll = rng.random()
        if roll < 0.10:
            status = Booking.Status.CANCELLED
        elif roll < 0.20 and end < now:
            status = Booking.Status.COMPLETED
        else:
            status = Booking.Status.CONFIRMED
        client = clients[n % len(clients)]
        planned.append(
            Booking(
                practitioner=practitioner,
                session_type=session_type,
                client=client,
                start_at=start,
                end_at=end,
                blocked_start=blocked_start,
                blocked_end=end + timedelta(minutes=session_type.buffer_after_minutes),
                client_time_zone=client.time_zone,
                status=status,
                confirmed_at=now,
                cancelled_at=now if status == Booking.Status.CANCELLED else None,
            )
        )
    return planned


def settle(connection) -> None:
    """On PostgreSQL, do what autovacuum soon would after a bulk load: fresh statistics."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE booking_booking")


def _cell_floor(instant: datetime) -> datetime:
    instant = instant.astimezone(UTC)
    return instant.replace(minute=instant.minute - instant.minute % 30, second=0, microsecond=0)


def time_slots_for() -> dict:
    """Time slots_for() over the next 60 practitioner days, DB reads included."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.utils import timezone

    from booking.selectors import session_type_get, slots_for

    session_type = session_type_get(SLUG)
    first_day = timezone.now().astimezone(session_type.practitioner.zone).date()
    last_day = first_day + timedelta(days=FUTURE_DAYS - 1)

    def call() -> list:
        return slots_for(session_type=session_type, first_day=first_day, last_day=last_day)

    with override_settings(DEBUG=False):  # no query logging while timing, as in production
        for _ in range(WARMUPS):
            call()
        samples = []
        for _ in range(RUNS):
            started = time.perf_counter()
            call()
            samples.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        found = call()
    return {
        "median_ms": round(statistics.median(samples), 3),
        "p95_ms": round(statistics.quantiles(samples, n=20, method="inclusive")[-1], 3),
        "min_ms": round(min(samples), 3),
        "queries": len(queries),
        "slots": len(found),
    }


def slot_page() -> dict:
    """Count queries of one GET of the slot page and time it in-process (no HTTP).

    Measured twice: as built (cache emptied before each request: every query and
    the slot engine run) and as served from the page cache (the steady state), in
    production's cache: the Redis database of BENCH_REDIS_URL when given (a
    cache per process needs a query that Redis does not).
    """
    from django.test.utils import override_settings

    redis_url = os.environ.get("BENCH_REDIS_URL", "").strip()
    if not redis_url:
        return _slot_page()
    redis_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_url,
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
    with override_settings(CACHES={"default": redis_cache}):
        return _slot_page()


def _slot_page() -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    browser = Client()
    browser.get(SLOT_PAGE)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(SLOT_PAGE)
    if response.status_code != 200:
        raise RuntimeError(f"{SLOT_PAGE} answered HTTP {response.status_code}")
    built_queries = len(queries)
    with CaptureQueriesContext(connection) as queries:
        cached = browser.get(SLOT_PAGE)
    if cached.content != response.content:
        raise RuntimeError("the cached slot page differs from the built one")
    cached_queries = len(queries)

    def timed(clear: bool) -> float:
        samples = []
        for _ in range(RUNS):
            if clear:
                cache.clear()
            started = time.perf_counter()
            browser.get(SLOT_PAGE)
            samples.append((time.perf_counter() - started) * 1000)
        return round(statistics.median(samples), 3)

    with override_settings(DEBUG=False):
        built_ms, cached_ms = timed(clear=True), timed(clear=False)
    return {
        "queries": built_queries,
        "cached_queries": cached_queries,
        "slots_shown": response.content.count(SLOT_BUTTON),
        "median_ms": built_ms,
        "cached_median_ms": cached_ms,
    }


def load1() -> float:
    """The machine's 1-minute load average, printed and stored with each result."""
    return round(os.getloadavg()[0], 2)


def production_env() -> dict[str, str]:
    """The environment of the throughput gunicorn: production settings, bench database.

    DEBUG off with the values production requires (practice/settings.py refuses
    to start without them), the page cache in the throwaway Redis database of
    BENCH_REDIS_URL (never REDIS_URL) when given, public limits off (bench/settings.py).
    The bench is one visitor booking many times at once, so its holds are not capped.
    """
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": PUBLIC_HOST,
        "SITE_URL": PUBLIC_SITE,
        "DEFAULT_FROM_EMAIL": f"Scales bench <bench@{PUBLIC_HOST.partition('.')[2]}>",
        "BOOKING_HOLDS_PER_VISITOR": "100000",
        "BENCH_STATIC_ROOT": str(BENCH_VAR / "static"),
    }
    redis_url = os.environ.get("BENCH_REDIS_URL", "").strip()
    if redis_url:
        env["BENCH_SERVER_CACHE_URL"] = redis_url
    return env


def flush_redis(url: str) -> None:
    """Empty the bench's throwaway Redis database (BENCH_REDIS_URL only)."""
    import redis

    redis.Redis.from_url(url).flushdb()


def http_booking_slots() -> tuple[str, list[str]]:
    """Return the offer and the times the HTTP bookings book: HTTP_BOOKINGS free ones.

    The planned calendar leaves about one free time a day in the assessment
    call's 60-day horizon, too few for a steady measurement. So the bookings go
    to a copy of the call (same length, buffers, notice and pages; no daily cap,
    so a day takes more than four) that books further ahead, from
    HTTP_BOOKING_FIRST_DAY on: days the other measurements never read, with the
    practitioner's ordinary hours. Each hold, details page and confirmation takes
    the same code path and the same queries as on the call itself; the slot
    check reads only the bookings near its own day.
    """
    from django.utils import timezone

    from booking.models import SessionType
    from booking.selectors import session_type_get, slots_for

    call = session_type_get(SLUG)
    SessionType.objects.update_or_create(
        slug=HTTP_BOOKING_SLUG,
        defaults={
            **{
                field: getattr(call, field)
                for field in (
                    "practitioner",
                    "name",
                    "kind",
                    "description",
                    "price_label",
                    "duration_minutes",
                    "buffer_before_minutes",
                    "buffer_after_minutes",
                    "min_notice_minutes",
                    "slot_step_minutes",
                    "change_cutoff_hours",
                )
            },
            "horizon_days": HTTP_BOOKING_FIRST_DAY + 366,
            "max_per_day": None,
            "position": 99,
            "active": True,
        },
    )
    offer = session_type_get(HTTP_BOOKING_SLUG)
    first_day = timezone.now().astimezone(offer.practitioner.zone).date() + timedelta(
        days=HTTP_BOOKING_FIRST_DAY
    )
    free = slots_for(
        session_type=offer, first_day=first_day, last_day=first_day + timedelta(days=365)
    )
    if len(free) < HTTP_BOOKINGS:
        raise RuntimeError(f"only {len(free)} free times for the HTTP bookings")
    # Free times of one offer never overlap (the step covers the meeting and its buffers).
    return HTTP_BOOKING_SLUG, [slot.isoformat() for slot in free[:HTTP_BOOKINGS]]


def throughput() -> dict:
    """Requests/s of the slot page and of a do-nothing view, then public bookings/s.

    Same production-like gunicorn for all three. Requests/s come from wrk when it
    is installed (a C load generator, far lighter than Python threads on the two
    cores gunicorn uses); without it the Python load generator stands in, noted.
    """
    import subprocess

    from bench.loadgen import (
        WRK_INSTALL_HINT,
        bookings_per_second,
        get,
        gunicorn,
        requests_per_second,
        wrk_path,
        wrk_requests_per_second,
    )

    env = production_env()
    log_path = BENCH_VAR / "gunicorn.log"
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    redis_url = env.get("BENCH_SERVER_CACHE_URL")
    if redis_url:
        flush_redis(redis_url)
    else:
        print("  note: no BENCH_REDIS_URL: gunicorn's workers each keep their own (locmem) cache")
    use_wrk = wrk_path() is not None
    if not use_wrk:
        print(
            "  note: wrk is not installed; using the Python load generator instead, which"
            " competes with gunicorn for the CPUs (the ratio reads low). "
            f"Install wrk: {WRK_INSTALL_HINT}"
        )

    booking_slug, slots = http_booking_slots()
    with gunicorn(
        cwd=ROOT, env=env, log_path=log_path, ready_path=TRIVIAL_PAGE, headers=PROXY_HEADERS
    ) as port:

        def fetch(path: str) -> tuple[int, bytes]:
            return get(port, path, headers=PROXY_HEADERS)

        def measure(path: str, seconds: float) -> dict:
            if use_wrk:
                found = wrk_requests_per_second(
                    port,
                    path,
                    seconds=seconds,
                    threads=WRK_THREADS,
                    connections=WRK_CONNECTIONS,
                    headers=PROXY_HEADERS,
                )
            else:
                found = requests_per_second(
                    port, path, seconds=seconds, threads=LOAD_THREADS, headers=PROXY_HEADERS
                )
                found["tool"] = "python threads"
            found["loadavg"] = load1()
            return found

        status, body = fetch(SLOT_PAGE)
        if status != 200 or SLOT_BUTTON not in body:
            raise RuntimeError(f"gunicorn's {SLOT_PAGE}: HTTP {status}, no slots in the page")
        for path in (TRIVIAL_PAGE, SLOT_PAGE):  # every worker imports and renders once
            measure(path, WARM_SECONDS)
        trivial = measure(TRIVIAL_PAGE, LOAD_SECONDS)
        print(
            f"  trivial view: {trivial['rps']} req/s ({trivial['tool']}, load {trivial['loadavg']})"
        )
        slot = measure(SLOT_PAGE, LOAD_SECONDS)
        print(f"  slot page: {slot['rps']} req/s ({slot['tool']}, load {slot['loadavg']})")
        bookings = bookings_per_second(
            port,
            {**PROXY_HEADERS, "Origin": PUBLIC_SITE},
            slug=booking_slug,
            zone=ZONE,
            slots=slots,
            threads=BOOKING_THREADS,
        )
        bookings["loadavg"] = load1()
        print(
            f"  public bookings over HTTP: {bookings['bookings']} in {bookings['seconds']} s,"
            f" {bookings['per_s']}/s, {bookings['failed']} failed (load {bookings['loadavg']})"
        )
    if redis_url:
        flush_redis(redis_url)
    if trivial["errors"] or slot["errors"]:
        raise RuntimeError(f"requests failed under load: trivial {trivial}, slot page {slot}")
    if bookings["failed"]:
        print(f"  warning: bookings failed: {bookings['first_failures']}")
    return {
        "trivial": trivial,
        "slot": slot,
        "ratio": round(slot["rps"] / trivial["rps"], 3),
        "bookings": bookings,
        "tool": trivial["tool"],
        "cache": "redis" if redis_url else "locmem per worker",
    }


def full_calendar() -> dict:
    """Time the slot page (built, in-process) for a week whose days are all full, and an ordinary one.

    The full week is filled the public way (hold, then confirm) until no time is
    left in it; its page then says so and looks ahead for the next open time.
    """
    from zoneinfo import ZoneInfo

    from django.core.cache import cache
    from django.test import Client
    from django.test.utils import override_settings
    from django.utils import timezone

    from booking import services
    from booking.selectors import session_type_get, slots_for

    logging.getLogger("assessments.services").setLevel(logging.WARNING)  # a line per booking
    session_type = session_type_get(SLUG)
    today = timezone.now().astimezone(ZoneInfo(ZONE)).date()
    full_week = today + timedelta(days=FULL_WEEK_OFFSET)
    ordinary_week = today + timedelta(days=ORDINARY_WEEK_OFFSET)
    filled = 0
    while True:
        # The practitioner's days that the visitor's week (in ZONE, ahead of hers) covers.
        free = slots_for(
            session_type=session_type,
            first_day=full_week - timedelta(days=1),
            last_day=full_week + timedelta(days=6),
        )
        if not free:
            break
        if filled > 1000:
            raise RuntimeError("the full week did not fill")
        held = services.booking_hold(
            session_type=session_type,
            slot_start=free[0],
            client_time_zone=ZONE,
            held_by=f"bench-full-{filled}",
        )
        services.booking_confirm(
            public_id=held.public_id,
            details=services.ClientDetails(
                name="Bench Full", email=f"bench-full-{filled}@scales-bench.net", time_zone=ZONE
            ),
        )
        filled += 1

    browser = Client()

    def timed(week) -> tuple[float, bytes]:
        path = f"/book/{SLUG}/?tz={ZONE}&week={week.isoformat()}"
        response = browser.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered HTTP {response.status_code}")
        samples = []
        with override_settings(DEBUG=False):
            for _ in range(RUNS):
                cache.clear()
                started = time.perf_counter()
                browser.get(path)
                samples.append((time.perf_counter() - started) * 1000)
        return round(statistics.median(samples), 3), response.content

    full_ms, full_page = timed(full_week)
    ordinary_ms, ordinary_page = timed(ordinary_week)
    if SLOT_BUTTON in full_page or b"No open times" not in full_page:
        raise RuntimeError(f"the week of {full_week} is not shown as full")
    if SLOT_BUTTON not in ordinary_page:
        raise RuntimeError(f"the week of {ordinary_week} shows no times")
    found = {
        "full_week": full_week.isoformat(),
        "ordinary_week": ordinary_week.isoformat(),
        "bookings_to_fill": filled,
        "full_ms": full_ms,
        "ordinary_ms": ordinary_ms,
        "ordinary_slots_shown": ordinary_page.count(SLOT_BUTTON),
        "loadavg": load1(),
    }
    print(
        f"  full week {full_ms} ms, ordinary week {ordinary_ms} ms"
        f" ({filled} bookings filled it; load {found['loadavg']})"
    )
    return found


def check(metric: str, value, metrics: dict) -> tuple[str, str]:
    if metric not in TARGETS:
        return "", "-"
    comparison, target, *factor = TARGETS[metric]
    target_value = metrics[target] if isinstance(target, str) else target
    if factor:
        target_value = round(target_value * factor[0], 3)
        target = f"{factor[0]:g} x {target}"
    met = {"<=": value <= target_value, ">=": value >= target_value, "==": value == target_value}[
        comparison
    ]
    label = f"{comparison} {target}" + (f" ({target_value})" if isinstance(target, str) else "")
    return label, "ok" if met else "MISSED"


def report(metrics: dict, loads: dict) -> list[str]:
    header = ("metric", "value", "target", "ok?", "load 1m")
    rows = [
        (name, value, *check(name, value, metrics), loads.get(name, "-"))
        for name, value in metrics.items()
    ]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    print()
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    missed = [row[0] for row in rows if row[3] == "MISSED"]
    print()
    print(f"MISSED: {', '.join(missed)}" if missed else "All targets met.")
    return missed


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so gunicorn is stopped on TERM too
    sys.path.insert(0, str(ROOT))
    database = configure_environment()

    from bench import email_bench, office_bench

    broker = email_bench.configure_broker(BENCH_VAR)

    import django

    django.setup()

    from django.db import connection

    from booking.models import Booking

    started = time.perf_counter()
    load_before = os.getloadavg()
    print(f"bench database: {database}")
    if load_before[0] > (os.cpu_count() or 1) / 2:
        print(f"warning: the machine is busy (load {load_before[0]:.1f}); figures will be noisy")
    prepare_database(flush=bool(os.environ.get("BENCH_DATABASE_URL", "").strip()))
    planned = plan_bookings(BOOKINGS)
    Booking.objects.bulk_create(planned[:FIRST_BATCH])
    settle(connection)
    print(f"{Booking.objects.count()} bookings: measuring ...")
    slots_500 = time_slots_for()
    page_500 = slot_page()
    load_500 = load1()

    Booking.objects.bulk_create(planned[FIRST_BATCH:])
    settle(connection)
    print(f"{Booking.objects.count()} bookings: measuring ...")
    slots_5000 = time_slots_for()
    page_5000 = slot_page()
    load_5000 = load1()
    print(
        f"gunicorn (DEBUG off), wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{LOAD_SECONDS:g}s"
        f" per page, then {HTTP_BOOKINGS} public bookings from {BOOKING_THREADS} threads ..."
    )
    load = throughput()
    print("slot page, a full week against an ordinary one ...")
    calendar = full_calendar()
    print(f"email: {email_bench.REMINDERS:,} reminders through one worker ({broker}) ...")
    email = email_bench.measure(BENCH_VAR, broker)
    load_email = load1()
    print(
        f"office: {office_bench.OFFICE_CLIENTS:,} clients, "
        f"{office_bench.OFFICE_BOOKINGS:,} bookings ..."
    )
    office = office_bench.measure()
    load_office = load1()

    metrics = {
        "slots_60d_5000_bookings_ms": slots_5000["median_ms"],
        "slots_60d_5000_bookings_p95_ms": slots_5000["p95_ms"],
        "slots_60d_500_bookings_ms": slots_500["median_ms"],
        "slots_call_queries": slots_5000["queries"],
        "slot_page_queries": page_5000["queries"],
        "slot_page_queries_500": page_500["queries"],
        "slot_page_cached_queries": page_5000["cached_queries"],
        "slot_page_inprocess_ms": page_5000["median_ms"],
        "slot_page_cached_inprocess_ms": page_5000["cached_median_ms"],
        "slot_page_inprocess_500_ms": page_500["median_ms"],
        "slot_page_rps": load["slot"]["rps"],
        "trivial_rps": load["trivial"]["rps"],
        "slot_page_rps_ratio": load["ratio"],
        "slot_page_full_calendar_ms": calendar["full_ms"],
        "slot_page_ordinary_week_ms": calendar["ordinary_ms"],
        "bookings_per_s": load["bookings"]["per_s"],
        "sweep_queries_per_batch": email["sweep_queries_per_batch"],
        "sweep_queries_per_batch_100": email["sweep_queries_per_batch_100"],
        "reminders_10k_per_s": email["reminders_10k_per_s"],
        "reminders_10k_queries_per_email": email["reminders_10k_queries_per_email"],
        "reminders_queries_per_batch": email["reminders_queries_per_batch"],
        "office_today_ms": office["office_today_ms"],
        "office_client_ms": office["office_client_ms"],
        "office_list_ms_small": office["office_list_ms_small"],
        "office_list_ms_large": office["office_list_ms_large"],
        "office_list_ratio": office["office_list_ratio"],
    }
    loads = {
        **dict.fromkeys(
            [name for name in metrics if name.endswith("_500") or "500_" in name], load_500
        ),
        **dict.fromkeys(
            [
                "slots_60d_5000_bookings_ms",
                "slots_60d_5000_bookings_p95_ms",
                "slots_call_queries",
                "slot_page_queries",
                "slot_page_cached_queries",
                "slot_page_inprocess_ms",
                "slot_page_cached_inprocess_ms",
            ],
            load_5000,
        ),
        "trivial_rps": load["trivial"]["loadavg"],
        "slot_page_rps": load["slot"]["loadavg"],
        "slot_page_rps_ratio": load["slot"]["loadavg"],
        "bookings_per_s": load["bookings"]["loadavg"],
        "slot_page_full_calendar_ms": calendar["loadavg"],
        "slot_page_ordinary_week_ms": calendar["loadavg"],
        **{name: load_email for name in metrics if "sweep" in name or "reminders" in name},
        **{name: load_office for name in metrics if name.startswith("office_")},
    }
    missed = report(metrics, loads)

    results = {
        "metrics": metrics,
        "targets": {
            name: f"{cmp} " + (f"{factor[0]:g} x " if factor else "") + str(target)
            for name, (cmp, target, *factor) in TARGETS.items()
        },
        "missed": missed,
        "details": {
            "slots_for_500": slots_500,
            "slots_for_5000": slots_5000,
            "slot_page_500": page_500,
            "slot_page_5000": page_5000,
            "load": load,
            "full_calendar": calendar,
            "loadavg_1m_per_metric": loads,
            "email": email["details"],
            "office": office["details"],
        },
        "meta": {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "django": django.get_version(),
            "db_vendor": connection.vendor,
            "database": database,
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
            "bookings_total": Booking.objects.count(),
            "bookings_live_next_60_days": Booking.objects.filter(
                status=Booking.Status.CONFIRMED,
                start_at__gte=datetime.now(UTC),
                start_at__lt=datetime.now(UTC) + timedelta(days=FUTURE_DAYS),
            ).count(),
            "runs": RUNS,
            "warmups": WARMUPS,
            "load": {
                "tool": load["tool"],
                "threads": WRK_THREADS if load["tool"] == "wrk" else LOAD_THREADS,
                "connections": WRK_CONNECTIONS if load["tool"] == "wrk" else LOAD_THREADS,
                "seconds_per_page": LOAD_SECONDS,
                "gunicorn_workers": 2,
                "worker_class": "sync",
                "debug": False,
                "cache": load["cache"],
                "http_bookings": HTTP_BOOKINGS,
                "booking_threads": BOOKING_THREADS,
                "slot_page": SLOT_PAGE,
                "trivial_page": TRIVIAL_PAGE,
            },
            "loadavg_start": [round(x, 2) for x in load_before],
            "loadavg_end": [round(x, 2) for x in os.getloadavg()],
            "elapsed_s": round(time.perf_counter() - started, 1),
        },
    }
    temporary = RESULTS.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(results, indent=2, default=str) + "\n")
    temporary.replace(RESULTS)
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
