"""Benchmark the office at a practice's full size: Today and a client's page.

Called by bench/run.py after the slot and email benchmarks, on the same bench
database: it adds clients until there are OFFICE_CLIENTS and past bookings until
there are OFFICE_BOOKINGS (a fifth with a questionnaire, two emails each), gives
one client a long history, then times both pages in-process with a signed-in,
second-factor-verified practitioner and DEBUG off. The booking list and the email
log are timed twice: before the fill (the slot bench's 5,000 bookings, the email
bench's 10,000 emails) and after it (50,000 and 100,000); their ratio shows
whether either list slows as the practice grows.
Past bookings are attended, no-show, not a fit or cancelled, so PostgreSQL's
no-overlap constraint (held and confirmed only) never refuses the bulk load.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import timedelta

OFFICE_CLIENTS = 20_000
OFFICE_BOOKINGS = 50_000
BUSY_CLIENT_BOOKINGS = 200
RUNS = 30
WARMUPS = 3
SEED = 20261129
BATCH = 2_000
# The lists timed at both sizes: their default view, as the practitioner first sees it.
LISTS = {
    "bookings": "/admin/booking/booking/",
    "emails": "/admin/notifications/outboundemail/",
}


def fill() -> dict:
    """Bring the bench database up to the office's sizes; return the busy client's id."""
    from django.utils import timezone

    from assessments.models import Instrument, Intake
    from booking.models import Booking, Practitioner, SessionType
    from clients.models import Client
    from notifications.models import OutboundEmail

    rng = random.Random(SEED)
    now = timezone.now()
    practitioner = Practitioner.objects.get()
    assessment = SessionType.objects.get(slug="assessment-call")
    session = SessionType.objects.get(slug="single-session")
    instrument = Instrument.objects.current("power-balance")

    missing = OFFICE_CLIENTS - Client.objects.count()
    Client.objects.bulk_create(
        (Client(name=f"Office {n}", email=f"office{n}@example.com") for n in range(missing)),
        batch_size=BATCH,
    )
    client_ids = list(Client.objects.values_list("pk", flat=True))
    busy = Client.objects.create(name="Busy Client", email="busy@example.com")

    outcomes = [
        Booking.Status.COMPLETED,
        Booking.Status.COMPLETED,
        Booking.Status.NO_SHOW,
        Booking.Status.NOT_A_FIT,
        Booking.Status.CANCELLED,
    ]
    wanted = OFFICE_BOOKINGS - Booking.objects.count()
    planned = []
    for n in range(wanted):
        session_type = session if n % 3 else assessment
        start = now - timedelta(days=rng.randint(2, 3 * 365), minutes=rng.randrange(0, 1440, 30))
        end = start + timedelta(minutes=session_type.duration_minutes)
        planned.append(
            Booking(
                practitioner=practitioner,
                session_type=session_type,
                client_id=busy.pk if n < BUSY_CLIENT_BOOKINGS else rng.choice(client_ids),
                start_at=start,
                end_at=end,
                blocked_start=start,
                blocked_end=end,
                client_time_zone="Europe/Amsterdam",
                status=rng.choice(outcomes),
                confirmed_at=start - timedelta(days=3),
            )
        )
    created = Booking.objects.bulk_create(planned, batch_size=BATCH)

    intakes = [
        Intake(
            booking=booking,
            client_id=booking.client_id,
            instrument=instrument,
            role=Intake.Role.CLIENT,
            status=Intake.Status.COMPLETED,
            consent_at=booking.start_at - timedelta(days=2),
            submitted_at=booking.start_at - timedelta(days=1),
            reviewed_at=booking.start_at if n % 4 else None,
            awaiting_review=not n % 4 and booking.status != Booking.Status.CANCELLED,
            urgent=n % 50 == 0,
            urgent_at=booking.start_at - timedelta(days=1) if n % 50 == 0 else None,
        )
        for n, booking in enumerate(created)
        if n % 5 == 0 and booking.session_type_id == assessment.pk
    ]
    Intake.objects.bulk_create(intakes, batch_size=BATCH)
    emails = [
        OutboundEmail(
            kind=kind,
            subject_type="booking",
            subject_id=booking.pk,
            recipient_client_id=booking.client_id,
            to_email="someone@example.com",
            due_at=booking.start_at - timedelta(days=offset),
            status=OutboundEmail.Status.SENT,
            sent_at=booking.start_at - timedelta(days=offset),
            dedupe_key=f"office-bench:{kind}:{booking.pk}",
        )
        for booking in created
        for kind, offset in (("confirmation", 3), ("reminder", 1))
    ]
    OutboundEmail.objects.bulk_create(emails, batch_size=BATCH)
    return {"busy_client_id": busy.pk}


def _signed_in_client():
    """A test client signed in as the practitioner, second factor proved, as in the office."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from booking.models import Practitioner
    from office.services import practitioner_access_grant

    user = Practitioner.objects.select_related("user").get().user
    practitioner_access_grant(user=user)  # as seed_demo does: staff in the Practitioner group
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Bench", defaults={"confirmed": True}
    )
    browser = Client()
    browser.force_login(user)
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return browser


def _time(browser, path: str) -> dict:
    from django.test.utils import override_settings

    # Query counts are fixed by the tests at two sizes (tests/office/test_today.py,
    # test_client_timeline.py, test_bookings.py, test_emails.py); here only the time.
    response = browser.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered HTTP {response.status_code}")
    samples = []
    with override_settings(DEBUG=False):
        for _ in range(WARMUPS):
            browser.get(path)
        for _ in range(RUNS):
            started = time.perf_counter()
            browser.get(path)
            samples.append((time.perf_counter() - started) * 1000)
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(statistics.quantiles(samples, n=20, method="inclusive")[-1], 2),
    }


def _analyze() -> None:
    """Fresh statistics after a bulk load, as autovacuum would soon give them."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _time_lists(browser) -> dict:
    """Time each list (LISTS) at the database's present size; record its rows too."""
    from booking.models import Booking
    from notifications.models import OutboundEmail

    rows = {"bookings": Booking.objects.count(), "emails": OutboundEmail.objects.count()}
    return {name: {**_time(browser, path), "rows": rows[name]} for name, path in LISTS.items()}


def measure() -> dict:
    from booking.models import Booking
    from clients.models import Client

    _analyze()
    browser = _signed_in_client()
    lists_small = _time_lists(browser)
    filled = fill()
    _analyze()
    today = _time(browser, "/admin/")
    client_page = _time(browser, f"/admin/clients/client/{filled['busy_client_id']}/change/")
    lists_large = _time_lists(browser)
    ratios = {
        name: round(lists_large[name]["median_ms"] / lists_small[name]["median_ms"], 2)
        for name in LISTS
    }
    return {
        "office_today_ms": today["median_ms"],
        "office_client_ms": client_page["median_ms"],
        # The slower list at each size, and the worse of the two lists' own ratios.
        "office_list_ms_small": max(timed["median_ms"] for timed in lists_small.values()),
        "office_list_ms_large": max(timed["median_ms"] for timed in lists_large.values()),
        "office_list_ratio": max(ratios.values()),
        "details": {
            "today": today,
            "client_page": client_page,
            "lists_small": lists_small,
            "lists_large": lists_large,
            "list_ratios": ratios,
            "clients": Client.objects.count(),
            "bookings": Booking.objects.count(),
            "busy_client_bookings": BUSY_CLIENT_BOOKINGS,
            "runs": RUNS,
        },
    }
