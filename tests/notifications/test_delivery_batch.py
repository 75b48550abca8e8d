"""Sending a batch: one mail connection, two queries an email, and a crash costs one email at most."""

from __future__ import annotations

import threading
from datetime import timedelta
from itertools import count

import pytest
from aiosmtpd.controller import Controller
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.links import intake_path
from assessments.models import Intake
from notifications import delivery, tasks
from notifications.models import OutboundEmail
from notifications.services import emails_cancel_pending

from ..clock import NOW, THURSDAY_9
from ..factories import BookingFactory, IntakeFactory

Status = OutboundEmail.Status

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def reminders(
    session_type, how_many: int, *, bookings: int = 1, kind="reminder", start=THURSDAY_9
) -> list[int]:
    """Queue ``how_many`` emails due now over ``bookings`` bookings; claim them; return ids."""
    made = [
        BookingFactory(session_type=session_type, start_at=start + timedelta(hours=n))
        for n in range(bookings)
    ]
    for booking in made:  # a questionnaire still to fill in, so nudges are needed
        IntakeFactory(booking=booking, client=booking.client, status=Intake.Status.IN_PROGRESS)
    OutboundEmail.objects.bulk_create(
        OutboundEmail(
            kind=kind,
            subject_type="booking",
            subject_id=made[n % bookings].pk,
            recipient_client_id=made[n % bookings].client_id,
            to_email=made[n % bookings].client.email,
            due_at=NOW,
            dedupe_key=f"batch-test:{n}",
        )
        for n in range(how_many)
    )
    return delivery.outbox_claim_due(batch=how_many)


def statuses() -> dict[int, str]:
    return dict(OutboundEmail.objects.values_list("pk", "status"))


def test_it_sends_a_batch_and_says_what_happened_to_each(assessment):
    ids = reminders(assessment, 5, bookings=2)
    assert delivery.outbox_send_batch(ids) == dict.fromkeys(ids, "sent")
    assert len(mail.outbox) == 5
    assert set(statuses().values()) == {Status.SENT}
    assert delivery.outbox_send_batch(ids) == dict.fromkeys(ids, "skipped")
    assert len(mail.outbox) == 5


@pytest.mark.parametrize("kind", ["reminder", "intake_nudge", "follow_up"])
def test_it_costs_two_queries_an_email_whatever_the_batch(assessment, single_session, kind):
    def queries(how_many: int) -> int:
        OutboundEmail.objects.all().delete()
        start = THURSDAY_9 + timedelta(days=how_many)  # new bookings, not on the last ones
        ids = reminders(assessment, how_many, bookings=3, kind=kind, start=start)
        with CaptureQueriesContext(connection) as captured:
            assert set(delivery.outbox_send_batch(ids).values()) == {"sent"}
        return len(captured)

    ten, thirty = queries(10), queries(30)
    # The guarded UPDATE before it leaves, the UPDATE after; on PostgreSQL the one after
    # rides on the next email's UPDATE before (see delivery._Ledger).
    assert (thirty - ten) / 20 == (1 if connection.vendor == "postgresql" else 2)
    # The batch: its rows, their bookings, and what the kind checks or links to.
    assert ten - 2 * 10 <= 4


def test_it_checks_a_batch_of_nudges_in_one_query(assessment):
    bookings = [
        BookingFactory(session_type=assessment, start_at=THURSDAY_9 + timedelta(hours=n))
        for n in range(6)
    ]
    for n, booking in enumerate(bookings):
        if n % 2:
            done = {"status": Intake.Status.COMPLETED, "submitted_at": NOW}
        else:
            done = {"status": Intake.Status.IN_PROGRESS}
        IntakeFactory(booking=booking, client=booking.client, **done)
    OutboundEmail.objects.bulk_create(
        OutboundEmail(
            kind="intake_nudge",
            subject_type="booking",
            subject_id=booking.pk,
            to_email=booking.client.email,
            due_at=NOW,
            dedupe_key=f"nudge-test:{booking.pk}",
        )
        for booking in bookings
    )
    ids = delivery.outbox_claim_due()

    with CaptureQueriesContext(connection) as captured:
        outcomes = delivery.outbox_send_batch(ids)
    assert sorted(outcomes.values()) == ["cancelled"] * 3 + ["sent"] * 3
    cancelled = OutboundEmail.objects.filter(status=Status.CANCELLED)
    assert {row.last_error for row in cancelled} == {"questionnaire already completed"}
    assert {row.subject_id for row in cancelled} == {b.pk for b in bookings[1::2]}
    # The rows, their bookings, which questionnaires are unfinished, the links to them,
    # one UPDATE cancelling the three no longer needed, then two queries a nudge sent
    # (on PostgreSQL one, and the last "sent" on its own).
    per_nudge = 3 + 1 if connection.vendor == "postgresql" else 2 * 3
    assert len(captured) == 5 + per_nudge
    links = {i.client.email: intake_path(i) for i in Intake.objects.select_related("client")}
    assert all(links[message.to[0]] in message.body for message in mail.outbox)


def test_it_leaves_alone_an_email_cancelled_after_the_batch_was_read(assessment, monkeypatch):
    ids = reminders(assessment, 3, bookings=3)
    second = OutboundEmail.objects.get(pk=ids[1])
    render = delivery.render_email

    def cancelled_while_the_first_is_sent(email, subject, extra=None):
        if email.pk == second.pk:  # the booking is moved as the batch reaches its email
            emails_cancel_pending(
                subject_type="booking", subject_id=subject.pk, kinds=["reminder"], reason="moved"
            )
        return render(email, subject, extra)

    monkeypatch.setattr(delivery, "render_email", cancelled_while_the_first_is_sent)
    outcomes = delivery.outbox_send_batch(ids)
    assert [outcomes[email_id] for email_id in ids] == ["sent", "skipped", "sent"]
    assert statuses()[second.pk] == Status.CANCELLED
    assert second.to_email not in [m.to[0] for m in mail.outbox]


class Crash(BaseException):
    """The worker process dying mid-send: nothing in the batch gets to clean up."""


def fail_on(monkeypatch, nth: int, error: BaseException) -> None:
    """Make the ``nth`` message handed to the mail backend raise ``error``; the rest go."""
    original, calls = EmailBackend.send_messages, count(1)

    def send_messages(self, messages):
        if next(calls) == nth:
            raise error
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)


def test_a_crash_marks_only_the_email_in_flight(assessment, monkeypatch, time_machine):
    ids = reminders(assessment, 5, bookings=5)
    fail_on(monkeypatch, 3, Crash())
    with pytest.raises(Crash):
        delivery.outbox_send_batch(ids)
    monkeypatch.undo()
    assert len(mail.outbox) == 2
    time_machine.shift(timedelta(minutes=11))  # past OUTBOX_REQUEUE_MINUTES
    assert sorted(delivery.outbox_claim_due()) == ids[3:]  # the rest go out again, once
    third = OutboundEmail.objects.get(pk=ids[2])
    assert third.status == Status.FAILED
    assert "may or may not have arrived" in third.last_error
    assert [statuses()[email_id] for email_id in ids[:2]] == [Status.SENT, Status.SENT]
    delivery.outbox_send_batch(ids[3:])
    assert len(mail.outbox) == 4


def test_the_time_limit_marks_only_the_email_in_flight(assessment, monkeypatch):
    ids = reminders(assessment, 4, bookings=4)
    fail_on(monkeypatch, 2, SoftTimeLimitExceeded())
    outcomes = delivery.outbox_send_batch(ids)
    assert [outcomes[email_id] for email_id in ids] == ["sent", "failed", "skipped", "skipped"]
    rows = {row.pk: row for row in OutboundEmail.objects.all()}
    assert rows[ids[1]].last_error == delivery.INTERRUPTED
    assert all(rows[pk].attempt_started_at is None for pk in ids[2:])  # never attempted


def test_it_stops_starting_emails_after_its_time_and_puts_the_rest_back(assessment, monkeypatch):
    ids = reminders(assessment, 6, bookings=2)
    clock = iter(range(0, 1000, 8))  # every look at the clock: 8 s later
    monkeypatch.setattr(delivery, "_clock", lambda: next(clock))
    sweeps = []
    monkeypatch.setattr(tasks.outbox_sweep_task, "delay", lambda: sweeps.append(1))
    result = tasks.outbox_send_batch_task.apply(args=(ids,)).get()
    assert result == {"sent": 2, "released": 4}  # at 8 s and 16 s; at 24 s it stops
    assert sweeps == [1]  # the rest do not wait for beat's next minute
    released = OutboundEmail.objects.filter(pk__in=ids[2:])
    assert {(row.status, row.attempt_started_at) for row in released} == {(Status.SCHEDULED, None)}
    assert sorted(delivery.outbox_claim_due()) == ids[2:]


def test_it_leaves_room_in_the_task_for_the_last_email_on_a_slow_relay(settings):
    worst = settings.OUTBOX_BATCH_SECONDS + 2 * settings.EMAIL_TIMEOUT  # connect, then send
    assert worst < tasks.BATCH_SOFT_LIMIT_SECONDS < tasks.BATCH_HARD_LIMIT_SECONDS


class ConnectionCounter:
    """An SMTP server on loopback that counts connections (EHLOs) and messages."""

    def __init__(self) -> None:
        self.connections = 0
        self.messages: list[bytes] = []
        self.arrived = threading.Condition()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.connections += 1
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.arrived:
            self.messages.append(envelope.content)
            self.arrived.notify_all()
        return "250 OK"


@pytest.fixture
def smtp(settings):
    from .test_delivery_end_to_end import HOST, free_port

    handler, port = ConnectionCounter(), free_port()
    controller = Controller(handler, hostname=HOST, port=port, server_hostname="localhost")
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = HOST, port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield handler
    controller.stop()


def test_it_sends_a_batch_over_one_smtp_connection(assessment, smtp):
    ids = reminders(assessment, 12, bookings=3)
    assert set(delivery.outbox_send_batch(ids).values()) == {"sent"}
    assert len(smtp.messages) == 12
    assert smtp.connections == 1


def test_it_opens_a_new_connection_after_an_error(assessment, smtp):
    ids = reminders(assessment, 3, bookings=3)
    OutboundEmail.objects.filter(pk=ids[1]).update(to_email="refused@example.com")
    outcomes = delivery.outbox_send_batch(ids)
    assert [outcomes[email_id] for email_id in ids] == ["sent", "failed", "sent"]
    assert len(smtp.messages) == 2
    assert smtp.connections == 2
