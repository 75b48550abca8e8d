"""booking.outbox: what is queued for each event, and delivery at most once."""

import smtplib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from booking import outbox, services
from booking.models import Booking, OutboundEmail
from booking.tasks import outbox_sweep_task

from ..factories import BookingFactory, ClientFactory

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # Monday 09:00 Amsterdam
THURSDAY_9 = datetime(2026, 3, 5, 8, 0, tzinfo=UTC)  # 72 h ahead

Kind = OutboundEmail.Kind
Status = OutboundEmail.Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def book(session_type, start=THURSDAY_9, **details) -> Booking:
    held = services.booking_hold(
        session_type=session_type, slot_start=start, client_time_zone="Asia/Kolkata"
    )
    values = {"name": "Priya", "email": "priya@example.com", "time_zone": "Asia/Kolkata"}
    return services.booking_confirm(
        public_id=held.public_id, details=services.ClientDetails(**{**values, **details})
    )


def rows(booking) -> dict[str, list[tuple[datetime, str]]]:
    result: dict[str, list[tuple[datetime, str]]] = {}
    for email in booking.emails.order_by("due_at"):
        result.setdefault(email.kind, []).append((email.due_at, email.status))
    return result


def deliver() -> list:
    """Run sweeps and sends in-process until nothing is due; return the messages sent."""
    before = len(mail.outbox)
    for email_id in outbox.outbox_claim_due():
        outbox.outbox_send(email_id)
    return mail.outbox[before:]


def deliver_kind(kind: str) -> list:
    return [m for m in deliver() if m.extra_headers.get("X-Scales-Kind") == kind]


def test_it_queues_everything_a_confirmed_call_needs(assessment):
    booking = book(assessment)
    queued = rows(booking)
    assert queued[Kind.CONFIRMATION] == [(NOW, Status.SCHEDULED)]
    assert queued[Kind.NEW_BOOKING_ALERT] == [(NOW, Status.SCHEDULED)]
    assert queued[Kind.REMINDER] == [
        (THURSDAY_9 - timedelta(hours=24), Status.SCHEDULED),
        (THURSDAY_9 - timedelta(hours=1), Status.SCHEDULED),
    ]
    assert queued[Kind.INTAKE_NUDGE] == [(THURSDAY_9 - timedelta(hours=48), Status.SCHEDULED)]
    assert queued[Kind.FOLLOW_UP] == [(booking.end_at + timedelta(hours=3), Status.SCHEDULED)]
    alert = booking.emails.get(kind=Kind.NEW_BOOKING_ALERT)
    assert alert.to_email == "maya@example.com"


def test_it_skips_reminders_whose_moment_has_passed(assessment):
    booking = book(assessment, start=datetime(2026, 3, 3, 8, 0, tzinfo=UTC))  # in 24 hours
    queued = rows(booking)
    assert [due for due, _ in queued[Kind.REMINDER]] == [booking.start_at - timedelta(hours=1)]
    assert Kind.INTAKE_NUDGE not in queued


def test_it_follows_the_session_types_reminder_setting(single_session, assessment):
    single_session.reminder_hours = "48"
    single_session.save()
    client = ClientFactory(email="priya@example.com", status="client")
    booking = book(single_session, email=client.email)
    queued = rows(booking)
    assert [due for due, _ in queued[Kind.REMINDER]] == [THURSDAY_9 - timedelta(hours=48)]
    assert Kind.FOLLOW_UP not in queued  # follow-ups are for assessment calls
    assert Kind.INTAKE_NUDGE not in queued


def test_it_never_queues_the_same_email_twice(assessment):
    booking = book(assessment)
    count = booking.emails.count()
    outbox.booking_emails_confirmed(booking, now=NOW)
    assert booking.emails.count() == count


def test_it_moves_timed_emails_with_a_reschedule(assessment):
    booking = book(assessment)
    new_start = THURSDAY_9 - timedelta(days=1)
    services.booking_reschedule(booking=booking, new_start=new_start)
    reminders = booking.emails.filter(kind=Kind.REMINDER)
    live = sorted(r.due_at for r in reminders.filter(status=Status.SCHEDULED))
    assert live == [new_start - timedelta(hours=24), new_start - timedelta(hours=1)]
    assert set(reminders.filter(status=Status.CANCELLED).values_list("last_error", flat=True)) == {
        "booking moved"
    }
    assert booking.emails.get(kind=Kind.RESCHEDULED).due_at == NOW


def test_it_cancels_pending_emails_with_the_booking(assessment):
    booking = book(assessment)
    services.booking_cancel(booking=booking)
    pending = booking.emails.filter(status=Status.SCHEDULED)
    # The unsent confirmation and every reminder are dropped; the practitioner's
    # alerts stay, so their inbox tells the whole story.
    assert set(pending.values_list("kind", flat=True)) == {
        Kind.NEW_BOOKING_ALERT,
        Kind.CANCELLED,
        Kind.CANCELLATION_ALERT,
    }
    [notice] = deliver_kind(Kind.CANCELLED)
    assert notice.subject == "Cancelled: Thursday 5 March 2026 at 13:30 (Kolkata time)"
    [(_name, content, _mimetype)] = notice.attachments
    assert "METHOD:CANCEL" in (content if isinstance(content, str) else content.decode())


def test_the_practitioner_cancelling_gets_no_alert_of_their_own(assessment):
    booking = book(assessment)
    services.booking_cancel(booking=booking, by_practitioner=True)
    assert not booking.emails.filter(kind=Kind.CANCELLATION_ALERT).exists()
    assert booking.emails.filter(kind=Kind.CANCELLED).exists()


def test_it_sends_each_due_email_once(assessment):
    book(assessment)
    sent = deliver()
    assert sorted(m.subject for m in sent) == [
        "Booked: Thursday 5 March 2026 at 13:30 (Kolkata time)",
        "New booking: Thursday 5 March 2026 at 09:00 (Amsterdam time)",
    ]
    assert deliver() == []
    assert OutboundEmail.objects.filter(status=Status.SENT).count() == 2


def test_a_second_send_of_the_same_row_sends_nothing(assessment):
    book(assessment)
    [first, *_] = outbox.outbox_claim_due()
    assert outbox.outbox_send(first) == "sent"
    assert outbox.outbox_send(first) == "skipped"
    assert len(mail.outbox) == 1


def test_it_delivers_reminders_when_their_time_comes(assessment, frozen):
    book(assessment)
    deliver()
    frozen.move_to(THURSDAY_9 - timedelta(hours=24, minutes=1))
    assert [m.subject for m in deliver() if m.subject.startswith("Reminder")] == []
    frozen.move_to(THURSDAY_9 - timedelta(hours=24))
    [reminder] = deliver()
    assert reminder.subject == "Reminder: Thursday 5 March 2026 at 13:30 (Kolkata time)"
    assert "we meet in 24 hours" in reminder.body
    frozen.move_to(THURSDAY_9 - timedelta(minutes=30))
    [last] = deliver()
    assert "we meet in 1 hour" in last.body


def test_it_cancels_a_reminder_due_after_the_start(assessment, frozen):
    booking = book(assessment)
    deliver()
    frozen.move_to(THURSDAY_9 + timedelta(minutes=5))  # the sweep was down for a day
    sent = deliver()
    assert not [m for m in sent if m.subject.startswith("Reminder")]
    reasons = booking.emails.filter(kind=Kind.REMINDER).values_list("last_error", flat=True)
    assert set(reasons) == {"the booking has already started"}


def test_it_sends_the_follow_up_to_an_unmarked_call(assessment, frozen):
    booking = book(assessment)
    frozen.move_to(booking.end_at + timedelta(hours=3))
    sent = deliver()
    [follow_up] = [m for m in sent if m.subject == "Thank you for our call"]
    assert "/book/single-session/" in follow_up.body
    assert "/follow-ups/stop/" in follow_up.body
    assert follow_up.extra_headers["List-Unsubscribe"].startswith("<https://book.example.com/")


def test_it_sends_sorry_we_missed_you_after_a_no_show(assessment, frozen):
    booking = book(assessment)
    frozen.move_to(booking.end_at + timedelta(minutes=30))
    services.booking_outcome_mark(booking=booking, outcome=Booking.Status.NO_SHOW)
    frozen.move_to(booking.end_at + timedelta(hours=4))
    subjects = [m.subject for m in deliver()]
    assert "Sorry we missed you" in subjects
    assert "Thank you for our call" not in subjects


def test_it_sends_the_practitioners_referral_note_when_not_a_fit(assessment, maya, frozen):
    maya.referral_note = "Dr. Ada Stone in Utrecht works with exactly this."
    maya.save()
    booking = book(assessment)
    frozen.move_to(booking.end_at + timedelta(minutes=30))
    services.booking_outcome_mark(booking=booking, outcome=Booking.Status.NOT_A_FIT)
    [note] = [m for m in deliver() if m.subject == "Following up on our call"]
    assert "Dr. Ada Stone in Utrecht" in note.body


def test_it_refuses_to_mark_a_booking_that_has_not_happened(assessment):
    booking = book(assessment)
    with pytest.raises(services.BookingError):
        services.booking_outcome_mark(booking=booking, outcome=Booking.Status.NO_SHOW)


def test_it_respects_a_follow_up_opt_out_but_still_reminds(assessment, frozen):
    booking = book(assessment)
    booking.client.follow_ups_opt_out_at = NOW
    booking.client.save()
    frozen.move_to(THURSDAY_9 - timedelta(hours=1))
    assert any(m.subject.startswith("Reminder") for m in deliver())
    frozen.move_to(booking.end_at + timedelta(hours=3))
    assert "Thank you for our call" not in [m.subject for m in deliver()]


def test_it_retries_a_transient_smtp_failure_with_backoff(assessment, monkeypatch, frozen):
    book(assessment)

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    [first, _second] = outbox.outbox_claim_due()
    assert outbox.outbox_send(first) == "retry"
    email = OutboundEmail.objects.get(pk=first)
    assert (email.status, email.attempts) == (Status.SCHEDULED, 1)
    assert email.due_at == NOW + timedelta(seconds=60)
    assert "SMTPServerDisconnected" in email.last_error
    monkeypatch.undo()
    frozen.move_to(NOW + timedelta(seconds=59))
    assert first not in outbox.outbox_claim_due()
    frozen.move_to(NOW + timedelta(seconds=60))
    assert outbox.outbox_claim_due() == [first]
    assert outbox.outbox_send(first) == "sent"


def test_it_marks_an_email_failed_after_the_last_attempt(assessment, monkeypatch, settings):
    settings.EMAIL_MAX_ATTEMPTS = 2
    book(assessment)

    def refuse(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    email_id = outbox.outbox_claim_due()[0]
    assert outbox.outbox_send(email_id) == "retry"
    OutboundEmail.objects.filter(pk=email_id).update(due_at=NOW)
    outbox.outbox_claim_due()
    assert outbox.outbox_send(email_id) == "failed"
    assert OutboundEmail.objects.get(pk=email_id).status == Status.FAILED


def test_it_fails_at_once_on_a_refused_address(assessment, monkeypatch):
    book(assessment)

    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused({"priya@example.com": (550, b"No such user")})

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    email_id = outbox.outbox_claim_due()[0]
    assert outbox.outbox_send(email_id) == "failed"


def test_send_again_puts_a_failed_email_back(assessment, monkeypatch, settings):
    settings.EMAIL_MAX_ATTEMPTS = 1
    book(assessment)
    monkeypatch.setattr(
        EmailBackend, "send_messages", lambda self, m: (_ for _ in ()).throw(OSError("down"))
    )
    email_id = outbox.outbox_claim_due()[0]
    outbox.outbox_send(email_id)
    monkeypatch.undo()
    outbox.outbox_send_again(OutboundEmail.objects.get(pk=email_id))
    assert email_id in outbox.outbox_claim_due()
    assert outbox.outbox_send(email_id) == "sent"


def test_it_requeues_a_claimed_email_whose_task_was_lost(assessment, frozen):
    book(assessment)
    claimed = outbox.outbox_claim_due()  # the broker then loses these messages
    frozen.shift(timedelta(minutes=5))
    assert outbox.outbox_claim_due() == []
    frozen.shift(timedelta(minutes=6))
    assert sorted(outbox.outbox_claim_due()) == sorted(claimed)


def test_it_never_resends_an_email_whose_send_was_interrupted(assessment, frozen):
    book(assessment)
    email_id = outbox.outbox_claim_due()[0]
    OutboundEmail.objects.filter(pk=email_id).update(attempt_started_at=NOW, attempts=1)
    frozen.shift(timedelta(minutes=11))
    assert email_id not in outbox.outbox_claim_due()
    email = OutboundEmail.objects.get(pk=email_id)
    assert email.status == Status.FAILED
    assert "may or may not have arrived" in email.last_error


def test_the_sweep_uses_the_same_queries_for_any_number_of_rows(assessment):
    booking = BookingFactory(session_type=assessment, start_at=THURSDAY_9)

    def claim_queries(count: int) -> int:
        OutboundEmail.objects.all().delete()
        OutboundEmail.objects.bulk_create(
            OutboundEmail(
                kind=Kind.REMINDER,
                booking=booking,
                to_email="a@example.com",
                due_at=NOW,
                dedupe_key=f"bench:{count}:{i}",
            )
            for i in range(count)
        )
        with CaptureQueriesContext(connection) as queries:
            assert len(outbox.outbox_claim_due()) == count
        return len(queries)

    assert claim_queries(3) == claim_queries(300)


def test_the_sweep_task_sends_ids_only(assessment, monkeypatch):
    book(assessment)
    sent_args = []
    monkeypatch.setattr(
        "booking.tasks.outbox_send_task.delay", lambda *args: sent_args.append(args)
    )
    assert outbox_sweep_task.apply().get() == 2
    assert all(len(args) == 1 and isinstance(args[0], int) for args in sent_args)


def test_it_fails_at_once_when_a_message_cannot_be_built(assessment, monkeypatch):
    book(assessment)

    def broken(email):
        raise KeyError("missing template variable")

    monkeypatch.setattr("booking.emails.render_email", broken)
    email_id = outbox.outbox_claim_due()[0]
    assert outbox.outbox_send(email_id) == "failed"
    assert OutboundEmail.objects.get(pk=email_id).last_error == (
        "Could not build the message: KeyError"
    )


@pytest.mark.parametrize(
    ("status_code", "expected"),
    [(401, "failed"), (429, "retry"), (503, "retry")],
)
def test_it_tells_provider_errors_that_pass_from_those_that_do_not(
    assessment, monkeypatch, status_code, expected
):
    from anymail.exceptions import AnymailAPIError

    book(assessment)

    class ProviderError(AnymailAPIError):
        pass

    def fail(self, messages):
        error = ProviderError("provider said no")
        error.status_code = status_code
        raise error

    monkeypatch.setattr(EmailBackend, "send_messages", fail)
    assert outbox.outbox_send(outbox.outbox_claim_due()[0]) == expected
