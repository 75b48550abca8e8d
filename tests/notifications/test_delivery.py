"""notifications.delivery and what booking queues: each email at the right time, at most once."""

import smtplib
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from booking import emails as booking_emails
from booking import services
from booking.models import Booking
from notifications import delivery
from notifications.models import OutboundEmail
from notifications.selectors import emails_about
from notifications.services import outbox_send_again
from notifications.tasks import outbox_sweep_task

from ..booking.helpers import book
from ..clock import NOW, THURSDAY_9
from ..factories import BookingFactory, ClientFactory

Status = OutboundEmail.Status

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def rows(booking) -> dict[str, list[tuple[datetime, str]]]:
    result: dict[str, list[tuple[datetime, str]]] = {}
    for email in emails_about("booking", booking.pk):
        result.setdefault(email.kind, []).append((email.due_at, email.status))
    return result


def deliver() -> list:
    """Run sweeps and sends in-process until nothing is due; return the messages sent."""
    before = len(mail.outbox)
    for email_id in delivery.outbox_claim_due():
        delivery.outbox_send(email_id)
    return mail.outbox[before:]


def deliver_kind(kind: str) -> list:
    return [m for m in deliver() if m.extra_headers.get("X-Scales-Kind") == kind]


def test_it_queues_everything_a_confirmed_call_needs(assessment):
    booking = book(assessment)
    queued = rows(booking)
    assert queued["confirmation"] == [(NOW, Status.SCHEDULED)]
    assert queued["new_booking_alert"] == [(NOW, Status.SCHEDULED)]
    assert queued["reminder"] == [
        (THURSDAY_9 - timedelta(hours=24), Status.SCHEDULED),
        (THURSDAY_9 - timedelta(hours=1), Status.SCHEDULED),
    ]
    assert queued["intake_nudge"] == [(THURSDAY_9 - timedelta(hours=48), Status.SCHEDULED)]
    assert queued["follow_up"] == [(booking.end_at + timedelta(hours=3), Status.SCHEDULED)]
    alert = emails_about("booking", booking.pk).get(kind="new_booking_alert")
    assert alert.to_email == "maya@example.com"


def test_it_skips_reminders_whose_moment_has_passed(assessment):
    booking = book(assessment, start=datetime(2026, 3, 3, 8, 0, tzinfo=UTC))  # in 24 hours
    queued = rows(booking)
    assert [due for due, _ in queued["reminder"]] == [booking.start_at - timedelta(hours=1)]
    assert "intake_nudge" not in queued


def test_it_follows_the_session_types_reminder_setting(single_session, assessment):
    single_session.reminder_hours = "48"
    single_session.save()
    client = ClientFactory(email="priya@example.com", status="client")
    booking = book(single_session, email=client.email)
    queued = rows(booking)
    assert [due for due, _ in queued["reminder"]] == [THURSDAY_9 - timedelta(hours=48)]
    assert "follow_up" not in queued  # follow-ups are for assessment calls
    assert "intake_nudge" not in queued


def test_it_never_queues_the_same_email_twice(assessment):
    booking = book(assessment)
    count = emails_about("booking", booking.pk).count()
    booking_emails.booking_emails_confirmed(booking, now=NOW)
    assert emails_about("booking", booking.pk).count() == count


def test_it_moves_timed_emails_with_a_reschedule(assessment):
    booking = book(assessment)
    new_start = THURSDAY_9 - timedelta(days=1)
    services.booking_reschedule(booking=booking, new_start=new_start)
    reminders = emails_about("booking", booking.pk).filter(kind="reminder")
    live = sorted(r.due_at for r in reminders.filter(status=Status.SCHEDULED))
    assert live == [new_start - timedelta(hours=24), new_start - timedelta(hours=1)]
    assert set(reminders.filter(status=Status.CANCELLED).values_list("last_error", flat=True)) == {
        "booking moved"
    }
    assert emails_about("booking", booking.pk).get(kind="rescheduled").due_at == NOW


def test_it_cancels_pending_emails_with_the_booking(assessment):
    booking = book(assessment)
    services.booking_cancel(booking=booking)
    pending = emails_about("booking", booking.pk).filter(status=Status.SCHEDULED)
    # Every reminder is dropped; the unsent confirmation and the practitioner's
    # alerts stay, so both inboxes tell the whole story in order.
    assert set(pending.values_list("kind", flat=True)) == {
        "confirmation",
        "new_booking_alert",
        "cancelled",
        "cancellation_alert",
    }
    [notice] = deliver_kind("cancelled")
    assert notice.subject == "Cancelled: Thursday 5 March 2026 at 13:30 (Kolkata time)"
    [(_name, content, _mimetype)] = notice.attachments
    assert "METHOD:CANCEL" in (content if isinstance(content, str) else content.decode())


def test_it_sends_no_alert_when_the_practitioner_cancels(assessment):
    booking = book(assessment)
    services.booking_cancel(booking=booking, by_practitioner=True)
    assert not emails_about("booking", booking.pk).filter(kind="cancellation_alert").exists()
    assert emails_about("booking", booking.pk).filter(kind="cancelled").exists()


def test_it_sends_each_due_email_once(assessment):
    book(assessment)
    sent = deliver()
    assert sorted(m.subject for m in sent) == [
        "Booked: Thursday 5 March 2026 at 13:30 (Kolkata time)",
        "New booking: Thursday 5 March 2026 at 09:00 (Amsterdam time)",
    ]
    assert deliver() == []
    assert OutboundEmail.objects.filter(status=Status.SENT).count() == 2


def test_it_sends_nothing_on_a_second_send_of_the_same_row(assessment):
    book(assessment)
    [first, *_] = delivery.outbox_claim_due()
    assert delivery.outbox_send(first) == "sent"
    assert delivery.outbox_send(first) == "skipped"
    assert len(mail.outbox) == 1


def test_it_delivers_reminders_when_their_time_comes(assessment, time_machine):
    book(assessment)
    deliver()
    time_machine.move_to(THURSDAY_9 - timedelta(hours=24, minutes=1))
    assert [m.subject for m in deliver() if m.subject.startswith("Reminder")] == []
    time_machine.move_to(THURSDAY_9 - timedelta(hours=24))
    [reminder] = deliver()
    assert reminder.subject == "Reminder: Thursday 5 March 2026 at 13:30 (Kolkata time)"
    assert "we meet in 24 hours" in reminder.body
    time_machine.move_to(THURSDAY_9 - timedelta(minutes=30))
    [last] = deliver()
    assert "we meet in 1 hour" in last.body


def test_it_cancels_a_reminder_due_after_the_start(assessment, time_machine):
    booking = book(assessment)
    deliver()
    time_machine.move_to(THURSDAY_9 + timedelta(minutes=5))  # the sweep was down for a day
    sent = deliver()
    assert not [m for m in sent if m.subject.startswith("Reminder")]
    reasons = (
        emails_about("booking", booking.pk)
        .filter(kind="reminder")
        .values_list("last_error", flat=True)
    )
    assert set(reasons) == {"the booking has already started"}


def test_it_sends_the_follow_up_to_an_unmarked_call(assessment, single_session, time_machine):
    booking = book(assessment)
    time_machine.move_to(booking.end_at + timedelta(hours=3))
    sent = deliver()
    [follow_up] = [m for m in sent if m.subject == "Thank you for our call"]
    assert "/book/single-session/" in follow_up.body
    assert "/follow-ups/stop/" in follow_up.body
    assert follow_up.extra_headers["List-Unsubscribe"].startswith("<https://book.example.com/")


def test_it_links_the_follow_up_to_the_session_offer_whatever_its_name(
    assessment, single_session, time_machine
):
    single_session.slug = "one-to-one"
    single_session.save()
    booking = book(assessment)
    time_machine.move_to(booking.end_at + timedelta(hours=3))
    [follow_up] = [m for m in deliver() if m.subject == "Thank you for our call"]
    assert "https://book.example.com/book/one-to-one/" in follow_up.body
    assert "single-session" not in follow_up.body


def test_it_links_the_follow_up_to_the_landing_page_without_a_session_offer(
    assessment, time_machine
):
    booking = book(assessment)
    time_machine.move_to(booking.end_at + timedelta(hours=3))
    [follow_up] = [m for m in deliver() if m.subject == "Thank you for our call"]
    assert "/book/" not in follow_up.body
    assert "\nhttps://book.example.com/\n" in follow_up.body


def test_it_sends_sorry_we_missed_you_after_a_no_show(assessment, time_machine):
    booking = book(assessment)
    time_machine.move_to(booking.end_at + timedelta(minutes=30))
    services.booking_outcome_mark(booking=booking, outcome=Booking.Status.NO_SHOW)
    time_machine.move_to(booking.end_at + timedelta(hours=4))
    subjects = [m.subject for m in deliver()]
    assert "Sorry we missed you" in subjects
    assert "Thank you for our call" not in subjects


def test_it_sends_the_practitioners_referral_note_when_not_a_fit(assessment, maya, time_machine):
    maya.referral_note = "Dr. Ada Stone in Utrecht works with exactly this."
    maya.save()
    booking = book(assessment)
    time_machine.move_to(booking.end_at + timedelta(minutes=30))
    services.booking_outcome_mark(booking=booking, outcome=Booking.Status.NOT_A_FIT)
    [note] = [m for m in deliver() if m.subject == "Following up on our call"]
    assert "Dr. Ada Stone in Utrecht" in note.body


def test_it_refuses_to_mark_a_booking_that_has_not_happened(assessment):
    booking = book(assessment)
    with pytest.raises(services.BookingError):
        services.booking_outcome_mark(booking=booking, outcome=Booking.Status.NO_SHOW)


def test_it_respects_a_follow_up_opt_out_but_still_reminds(assessment, time_machine):
    booking = book(assessment)
    booking.client.follow_ups_opt_out_at = NOW
    booking.client.save()
    time_machine.move_to(THURSDAY_9 - timedelta(hours=1))
    assert any(m.subject.startswith("Reminder") for m in deliver())
    time_machine.move_to(booking.end_at + timedelta(hours=3))
    assert "Thank you for our call" not in [m.subject for m in deliver()]


def test_it_retries_a_transient_smtp_failure_with_backoff(assessment, monkeypatch, time_machine):
    book(assessment)

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    [first, _second] = delivery.outbox_claim_due()
    assert delivery.outbox_send(first) == "retry"
    email = OutboundEmail.objects.get(pk=first)
    assert (email.status, email.attempts) == (Status.SCHEDULED, 1)
    assert email.due_at == NOW + timedelta(seconds=60)
    assert "SMTPServerDisconnected" in email.last_error
    monkeypatch.undo()
    time_machine.move_to(NOW + timedelta(seconds=59))
    assert first not in delivery.outbox_claim_due()
    time_machine.move_to(NOW + timedelta(seconds=60))
    assert delivery.outbox_claim_due() == [first]
    assert delivery.outbox_send(first) == "sent"


def test_it_marks_an_email_failed_after_the_last_attempt(assessment, monkeypatch, settings):
    settings.EMAIL_MAX_ATTEMPTS = 2
    book(assessment)

    def refuse(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    email_id = delivery.outbox_claim_due()[0]
    assert delivery.outbox_send(email_id) == "retry"
    OutboundEmail.objects.filter(pk=email_id).update(due_at=NOW)
    delivery.outbox_claim_due()
    assert delivery.outbox_send(email_id) == "failed"
    assert OutboundEmail.objects.get(pk=email_id).status == Status.FAILED


def test_it_fails_at_once_on_a_refused_address(assessment, monkeypatch):
    book(assessment)

    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused({"priya@example.com": (550, b"No such user")})

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    email_id = delivery.outbox_claim_due()[0]
    assert delivery.outbox_send(email_id) == "failed"


def test_it_puts_a_failed_email_back_on_send_again(assessment, monkeypatch, settings):
    settings.EMAIL_MAX_ATTEMPTS = 1
    book(assessment)
    monkeypatch.setattr(
        EmailBackend, "send_messages", lambda self, m: (_ for _ in ()).throw(OSError("down"))
    )
    email_id = delivery.outbox_claim_due()[0]
    delivery.outbox_send(email_id)
    monkeypatch.undo()
    outbox_send_again(email_ids=[email_id])
    assert email_id in delivery.outbox_claim_due()
    assert delivery.outbox_send(email_id) == "sent"


def test_it_requeues_a_claimed_email_whose_task_was_lost(assessment, time_machine):
    book(assessment)
    claimed = delivery.outbox_claim_due()  # the broker then loses these messages
    time_machine.shift(timedelta(minutes=5))
    assert delivery.outbox_claim_due() == []
    time_machine.shift(timedelta(minutes=6))
    assert sorted(delivery.outbox_claim_due()) == sorted(claimed)


def test_it_never_resends_an_email_whose_send_was_interrupted(assessment, time_machine):
    book(assessment)
    email_id = delivery.outbox_claim_due()[0]
    OutboundEmail.objects.filter(pk=email_id).update(attempt_started_at=NOW, attempts=1)
    time_machine.shift(timedelta(minutes=11))
    assert email_id not in delivery.outbox_claim_due()
    email = OutboundEmail.objects.get(pk=email_id)
    assert email.status == Status.FAILED
    assert "may or may not have arrived" in email.last_error


def reminders_due_now(booking, count: int) -> None:
    OutboundEmail.objects.bulk_create(
        OutboundEmail(
            kind="reminder",
            subject_type="booking",
            subject_id=booking.pk,
            to_email="a@example.com",
            due_at=NOW,
            dedupe_key=f"due:{count}:{i}",
        )
        for i in range(count)
    )


def test_it_claims_any_number_of_rows_in_the_same_queries(assessment):
    booking = BookingFactory(session_type=assessment, start_at=THURSDAY_9)

    def claim_queries(count: int) -> int:
        OutboundEmail.objects.all().delete()
        reminders_due_now(booking, count)
        with CaptureQueriesContext(connection) as queries:
            assert len(delivery.outbox_claim_due()) == count
        return len(queries)

    assert claim_queries(3) == claim_queries(300)


def test_it_sends_ids_only_to_the_broker(assessment, monkeypatch):
    book(assessment)
    sent_args = []
    monkeypatch.setattr(
        "notifications.tasks.outbox_send_batch_task.delay", lambda *args: sent_args.append(args)
    )
    assert outbox_sweep_task.apply().get() == 2
    [(email_ids,)] = sent_args
    assert len(email_ids) == 2
    assert all(isinstance(email_id, int) for email_id in email_ids)


def test_it_fails_at_once_when_a_message_cannot_be_built(assessment, monkeypatch):
    book(assessment)

    def broken(email, subject, extra=None):
        raise KeyError("missing template variable")

    monkeypatch.setattr("notifications.delivery.render_email", broken)
    email_id = delivery.outbox_claim_due()[0]
    assert delivery.outbox_send(email_id) == "failed"
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
    assert delivery.outbox_send(delivery.outbox_claim_due()[0]) == expected


def test_it_skips_a_row_whose_send_another_worker_has_started(assessment):
    book(assessment)
    [first, *_] = delivery.outbox_claim_due()
    OutboundEmail.objects.filter(pk=first).update(attempt_started_at=NOW, attempts=1)
    assert delivery.outbox_send(first) == "skipped"
    assert mail.outbox == []
    assert OutboundEmail.objects.get(pk=first).attempts == 1


def test_it_clears_the_last_error_once_an_email_is_sent(assessment, monkeypatch):
    book(assessment)
    monkeypatch.setattr(
        EmailBackend, "send_messages", lambda self, m: (_ for _ in ()).throw(OSError("down"))
    )
    [first, *_] = delivery.outbox_claim_due()
    assert delivery.outbox_send(first) == "retry"
    assert OutboundEmail.objects.get(pk=first).last_error == "OSError: down"
    monkeypatch.undo()
    OutboundEmail.objects.filter(pk=first).update(due_at=NOW)
    assert first in delivery.outbox_claim_due()
    assert delivery.outbox_send(first) == "sent"
    assert OutboundEmail.objects.get(pk=first).last_error == ""


def test_it_keeps_sweeping_while_full_batches_come_back(assessment, settings, monkeypatch):
    settings.OUTBOX_BATCH_SIZE = 3
    booking = BookingFactory(session_type=assessment, start_at=THURSDAY_9)
    reminders_due_now(booking, 10)
    broker: list[tuple] = []  # what the sweep hands the broker, in order
    monkeypatch.setattr(
        "notifications.tasks.outbox_send_batch_task.delay",
        lambda email_ids: broker.extend([("send",)] * len(email_ids)),
    )
    monkeypatch.setattr(
        "notifications.tasks.outbox_sweep_task.delay", lambda: broker.append(("sweep",))
    )
    sweeps = 1
    assert outbox_sweep_task.apply().get() == 3
    while broker and broker[-1] == ("sweep",):  # the worker runs the queued sweep next
        assert broker.count(("sweep",)) == sweeps  # one batch in the broker at a time
        sweeps += 1
        outbox_sweep_task.apply()
    assert sweeps == 4  # 3 + 3 + 3 + 1: the last batch is not full, so no further sweep
    assert broker.count(("send",)) == 10
    assert not OutboundEmail.objects.filter(status=Status.SCHEDULED).exists()


def test_it_records_when_the_outbox_was_last_swept(time_machine):
    from notifications.selectors import outbox_last_sweep

    assert outbox_last_sweep() is None
    delivery.outbox_sweep(enqueue=lambda email_id: None)
    assert outbox_last_sweep() == NOW
    time_machine.shift(timedelta(minutes=1))
    delivery.outbox_sweep(enqueue=lambda email_id: None)
    assert outbox_last_sweep() == NOW + timedelta(minutes=1)


def test_it_cancels_an_email_whose_booking_was_deleted(assessment):
    booking = book(assessment)
    [first, *_] = delivery.outbox_claim_due()
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)
    booking.delete()
    assert delivery.outbox_send(first) == "cancelled"
    assert OutboundEmail.objects.get(pk=first).last_error == "the booking no longer exists"


def test_it_fails_an_email_of_a_kind_no_app_sends(assessment):
    booking = book(assessment)
    OutboundEmail.objects.filter(subject_id=booking.pk).update(kind="fax")
    [first, *_] = delivery.outbox_claim_due()
    assert delivery.outbox_send(first) == "failed"
    assert "fax" in OutboundEmail.objects.get(pk=first).last_error
    assert mail.outbox == []
