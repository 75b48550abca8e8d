"""Email delivery end to end: real Redis, a real Celery worker, a real SMTP server.

Nothing is faked. The booking services write the outbox rows; the sweep runs
in-process, as beat would run it, and queues one send task per row through
Redis; a Celery worker in a thread of this process sends each message to an
SMTP server on loopback. The clock is frozen and moved with time-machine, which
the worker's threads see too, so "three days later" takes no time.

Waits are bounded and never sleep: a test waits on the SMTP server's condition,
and on Celery's own signals until every task published so far has run
(``TaskLog.settle``), so "nothing more arrived" is a fact, not a guess.

Needs REDIS_URL. On SQLite the test database is a file (see conftest), because
the worker's threads need real locking.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from celery.signals import after_task_publish, task_postrun
from django.conf import settings
from django.db import connections

from booking import emails as booking_emails
from booking import services
from booking.formatting import when
from booking.models import Booking
from notifications import delivery
from notifications.models import OutboundEmail
from notifications.selectors import emails_about
from notifications.tasks import outbox_send_task, outbox_sweep_task
from practice.celery import app as celery_app

from ..clock import NOW, THURSDAY_9
from ..factories import BookingFactory

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.time_machine(NOW, tick=False),
]

# Monday 2 March 2026, 08:00 UTC (09:00 in Amsterdam).
THURSDAY_14 = datetime(2026, 3, 5, 13, 0, tzinfo=UTC)  # 14:00 Amsterdam
CLIENT_ZONE = "America/Sao_Paulo"
# What a client might write about their situation: it must never leave in an email.
NOTE = "We argue every night since the affair and I cannot sleep"
HOST = "127.0.0.1"
WAIT_SECONDS = 20

Status = OutboundEmail.Status


def free_port() -> int:
    """Return a loopback port nothing listens on (for the SMTP server, or a dead broker)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Delivery:
    """One message as the SMTP server received it."""

    recipients: list[str]
    message: EmailMessage

    @property
    def kind(self) -> str:
        return self.message["X-Scales-Kind"]

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        """Return every part decoded: the plain text, the HTML and the attachments."""
        parts = []
        for part in self.message.walk():
            if not part.is_multipart():
                content = part.get_content()
                parts.append(content.decode() if isinstance(content, bytes) else content)
        return "\n".join(parts)

    @property
    def attachments(self) -> list[tuple[str, str]]:
        return [(p.get_filename(), p.get_content_type()) for p in self.message.iter_attachments()]


class Inbox:
    """An SMTP server on loopback (aiosmtpd) that keeps every message it accepts."""

    def __init__(self) -> None:
        self.port = free_port()
        self.deliveries: list[Delivery] = []
        self._arrived = threading.Condition()
        self._server: Controller | None = None

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._arrived:
            self.deliveries.append(Delivery(list(envelope.rcpt_tos), message))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def start(self) -> None:
        # A stopped controller cannot start again (its loop is closed): a new one, same port.
        self._server = Controller(self, hostname=HOST, port=self.port, server_hostname="localhost")
        self._server.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def wait_for(self, count: int) -> list[Delivery]:
        """Wait until at least ``count`` messages have arrived; return all of them."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.deliveries) >= count, WAIT_SECONDS):
                pytest.fail(f"expected {count} emails within {WAIT_SECONDS} s: {self.kinds()}")
            return list(self.deliveries)

    def kinds(self) -> list[str]:
        return sorted(delivery.kind for delivery in self.deliveries)

    def of_kind(self, kind: str) -> list[Delivery]:
        return [delivery for delivery in self.deliveries if delivery.kind == kind]


class TaskLog:
    """Tasks published during a test, and those a worker finished, from Celery's signals."""

    def __init__(self) -> None:
        self.published: set[str] = set()
        self.finished: dict[str, tuple[str, object]] = {}  # task id: (task name, return value)
        self._changed = threading.Condition()

    def on_published(self, headers=None, **kwargs) -> None:
        with self._changed:
            self.published.add(headers["id"])

    def on_finished(self, task_id=None, task=None, retval=None, **kwargs) -> None:
        with self._changed:
            self.finished[task_id] = (task.name, retval)
            self._changed.notify_all()

    def settle(self) -> None:
        """Wait until every task published so far has run, including sends a sweep queued."""
        with self._changed:
            if not self._changed.wait_for(
                lambda: self.published <= self.finished.keys(), WAIT_SECONDS
            ):
                waiting = len(self.published - self.finished.keys())
                pytest.fail(f"{waiting} tasks still queued or running after {WAIT_SECONDS} s")

    def results(self, task_name: str) -> list:
        return [retval for name, retval in self.finished.values() if name == task_name]


def broker_use(url: str) -> None:
    """Make ``.delay()`` publish to this broker from now on.

    Celery creates its connection pool and producer pool on first use and keeps
    them, so setting ``conf.broker_url`` alone would leave publishing on the old
    broker. Forgetting both (as Celery itself does after a fork) makes the next
    publish connect to the new URL. They are not force-closed: kombu keeps one
    pool per URL for the whole process, and a closed one refuses every later
    publish to that URL ("Acquire on closed pool").
    """
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def celery_worker() -> Iterator[None]:
    """Run a real worker in a thread, with two threads of its own so two tasks can overlap."""
    with start_worker(
        celery_app,
        pool="threads",
        concurrency=2,
        perform_ping_check=False,  # the ping waits for a result backend, which we do not use
        shutdown_timeout=WAIT_SECONDS,
    ):
        yield


@pytest.fixture
def inbox(settings):
    server = Inbox()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = HOST
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def tasks():
    log = TaskLog()
    after_task_publish.connect(log.on_published)
    task_postrun.connect(log.on_finished)
    yield log
    after_task_publish.disconnect(log.on_published)
    task_postrun.disconnect(log.on_finished)


@pytest.fixture
def broker(redis_url, monkeypatch):
    """Send tasks through Redis for this test, and back to the in-memory broker after."""
    previous = celery_app.conf.broker_url
    # The embedded worker would otherwise take over the root logger, and pytest's capture.
    monkeypatch.setitem(celery_app.conf, "worker_hijack_root_logger", False)
    broker_use(redis_url)
    yield redis_url
    broker_use(previous)


@pytest.fixture
def worker(broker, inbox, tasks):
    with celery_worker():
        yield


def book(session_type, start=THURSDAY_9, note: str = "") -> Booking:
    held = services.booking_hold(
        session_type=session_type, slot_start=start, client_time_zone=CLIENT_ZONE
    )
    details = services.ClientDetails(
        name="Ana Souza", email="ana@example.com", time_zone=CLIENT_ZONE, note=note
    )
    return services.booking_confirm(public_id=held.public_id, details=details)


def sweep(tasks: TaskLog) -> None:
    """Run the sweep here, as beat would, and wait until every send it queued has run."""
    outbox_sweep_task.apply(throw=True)
    tasks.settle()


def test_it_delivers_the_confirmation_and_the_practitioners_alert(assessment, inbox, tasks, worker):
    booking = book(assessment, note=NOTE)
    sweep(tasks)

    delivered = inbox.wait_for(2)
    assert inbox.kinds() == ["confirmation", "new_booking_alert"]
    [confirmation] = inbox.of_kind("confirmation")
    assert confirmation.recipients == ["ana@example.com"]
    assert confirmation.subject == f"Booked: {when(THURSDAY_9, CLIENT_ZONE)}"
    assert confirmation.attachments == [("appointment.ics", "text/calendar")]
    assert "BEGIN:VCALENDAR" in confirmation.text
    [alert] = inbox.of_kind("new_booking_alert")
    assert alert.recipients == ["maya@example.com"]
    assert alert.subject == f"New booking: {when(THURSDAY_9, 'Europe/Amsterdam')}"
    # The note was saved with the booking, and is in no part of any email.
    assert Booking.objects.get(pk=booking.pk).note == NOTE
    for message in delivered:
        assert "affair" not in message.text
    assert set(
        emails_about("booking", booking.pk).filter(due_at=NOW).values_list("status", flat=True)
    ) == {Status.SENT}


def test_it_sends_each_reminder_once_at_its_moment(assessment, inbox, tasks, worker, time_machine):
    assessment.reminder_hours = "24,1"
    assessment.save()
    book(assessment)
    sweep(tasks)
    assert inbox.of_kind("reminder") == []

    time_machine.move_to(THURSDAY_9 - timedelta(hours=25))
    sweep(tasks)
    assert inbox.of_kind("reminder") == []

    time_machine.move_to(THURSDAY_9 - timedelta(hours=24))
    sweep(tasks)
    [day_before] = inbox.of_kind("reminder")
    assert "we meet in 24 hours" in day_before.text

    time_machine.move_to(THURSDAY_9 - timedelta(hours=23))
    sweep(tasks)
    assert len(inbox.of_kind("reminder")) == 1

    time_machine.move_to(THURSDAY_9 - timedelta(hours=1))
    sweep(tasks)
    assert "we meet in 1 hour" in inbox.of_kind("reminder")[-1].text

    for minutes_before in (30, 1, -60):
        time_machine.move_to(THURSDAY_9 - timedelta(minutes=minutes_before))
        sweep(tasks)
    assert len(inbox.of_kind("reminder")) == 2


def test_it_never_reminds_of_the_old_time_after_a_reschedule(
    assessment, inbox, tasks, worker, time_machine
):
    booking = book(assessment)
    services.booking_reschedule(booking=booking, new_start=THURSDAY_14)
    sweep(tasks)
    assert len(inbox.of_kind("rescheduled")) == 1

    # Each old reminder's moment passes before the new one's: nothing at the old ones.
    time_machine.move_to(THURSDAY_9 - timedelta(hours=24))
    sweep(tasks)
    assert inbox.of_kind("reminder") == []
    time_machine.move_to(THURSDAY_14 - timedelta(hours=24))
    sweep(tasks)
    assert len(inbox.of_kind("reminder")) == 1
    time_machine.move_to(THURSDAY_9 - timedelta(hours=1))
    sweep(tasks)
    assert len(inbox.of_kind("reminder")) == 1
    time_machine.move_to(THURSDAY_14 - timedelta(hours=1))
    sweep(tasks)

    reminders = inbox.of_kind("reminder")
    assert len(reminders) == 2
    for reminder in reminders:
        assert when(THURSDAY_14, CLIENT_ZONE) in reminder.text
        assert when(THURSDAY_9, CLIENT_ZONE) not in reminder.text
    old = emails_about("booking", booking.pk).filter(kind="reminder", status=Status.CANCELLED)
    assert set(old.values_list("last_error", flat=True)) == {"booking moved"}


def test_it_delivers_one_email_when_its_send_runs_twice_at_once(assessment, inbox, tasks, worker):
    booking = BookingFactory(session_type=assessment, start_at=THURSDAY_9)
    row = OutboundEmail.objects.create(
        kind="confirmation",
        subject_type="booking",
        subject_id=booking.pk,
        recipient_client_id=booking.client.pk,
        to_email=booking.client.email,
        due_at=NOW,
        dedupe_key=f"confirmation:{booking.pk}",
    )
    assert delivery.outbox_claim_due() == [row.pk]

    # Two copies of the task through Redis to the worker's two threads, and two
    # sends here released together by a barrier: four attempts, all at once.
    together = threading.Barrier(2)
    here: list[str] = []

    def send() -> None:
        try:
            together.wait(WAIT_SECONDS)
            here.append(delivery.outbox_send(row.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    outbox_send_task.delay(row.pk)
    outbox_send_task.delay(row.pk)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    tasks.settle()

    assert len(inbox.wait_for(1)) == 1
    outcomes = here + tasks.results(outbox_send_task.name)
    assert sorted(outcomes) == ["sent", "skipped", "skipped", "skipped"]
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 1)


def test_it_retries_later_while_the_smtp_server_is_down(
    assessment, inbox, tasks, worker, time_machine
):
    inbox.stop()
    booking = book(assessment)
    sweep(tasks)

    confirmation = emails_about("booking", booking.pk).get(kind="confirmation")
    assert confirmation.status == Status.SCHEDULED
    assert confirmation.attempts == 1
    assert confirmation.last_error.startswith("ConnectionRefusedError")
    assert confirmation.due_at == NOW + timedelta(seconds=settings.EMAIL_RETRY_BASE_SECONDS)

    inbox.start()
    sweep(tasks)  # the server is back, but the retry is not due yet
    assert inbox.deliveries == []

    time_machine.move_to(confirmation.due_at + timedelta(seconds=1))
    sweep(tasks)
    inbox.wait_for(2)
    sweep(tasks)
    assert inbox.kinds() == ["confirmation", "new_booking_alert"]
    confirmation.refresh_from_db()
    assert (confirmation.status, confirmation.attempts) == (Status.SENT, 2)


def test_it_keeps_a_booking_made_while_redis_is_down_and_sends_later(
    assessment, inbox, tasks, broker, caplog
):
    broker_use(f"redis://{HOST}:{free_port()}/0")
    started = time.monotonic()
    booking = book(assessment)
    # A guard against hanging, not a timing: the kick after commit fails fast.
    assert time.monotonic() - started < 10

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    due_now = emails_about("booking", booking.pk).filter(due_at=NOW)
    assert sorted(due_now.values_list("kind", "status")) == [
        ("confirmation", Status.SCHEDULED),
        ("new_booking_alert", Status.SCHEDULED),
    ]
    assert "outbox_kick" in caplog.text  # logged by on_commit(robust=True), not raised
    assert tasks.published == set()

    broker_use(broker)
    with celery_worker():
        sweep(tasks)
        sweep(tasks)
    assert inbox.kinds() == ["confirmation", "new_booking_alert"]


def test_it_sends_nothing_for_a_booking_rolled_back_after_its_emails_were_written(
    assessment, inbox, tasks, worker, monkeypatch
):
    written = []
    emails_confirmed = booking_emails.booking_emails_confirmed

    def confirmed_then_fail(booking: Booking, *, now: datetime) -> None:
        emails_confirmed(booking, now=now)
        written.append(emails_about("booking", booking.pk).count())
        raise RuntimeError("disk full")

    monkeypatch.setattr(booking_emails, "booking_emails_confirmed", confirmed_then_fail)
    with pytest.raises(RuntimeError):
        book(assessment)

    assert written[0] >= 2  # the rows were there, inside the transaction
    assert Booking.objects.get().status == Booking.Status.HELD
    assert not OutboundEmail.objects.exists()
    assert tasks.published == set()  # the kick left with the transaction
    sweep(tasks)
    assert inbox.deliveries == []
