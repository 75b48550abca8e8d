"""What booking queues for each event: no legitimate email dropped, none sent twice."""

import logging
from datetime import timedelta

import pytest

from booking import services
from booking.emails import booking_emails_confirmed, booking_emails_rescheduled
from notifications.models import OutboundEmail
from notifications.selectors import emails_about

from ..clock import NOW, THURSDAY_9
from ..factories import BookingFactory, SessionTypeFactory
from .helpers import book

Status = OutboundEmail.Status
WEDNESDAY_9 = THURSDAY_9 - timedelta(days=1)
THURSDAY_14 = THURSDAY_9 + timedelta(hours=5)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def scheduled(booking, kind: str) -> list:
    return sorted(
        emails_about("booking", booking.pk)
        .filter(kind=kind, status=Status.SCHEDULED)
        .values_list("due_at", flat=True)
    )


def timed_emails(booking) -> dict[str, int]:
    live = emails_about("booking", booking.pk).filter(
        status=Status.SCHEDULED, kind__in=["reminder", "intake_nudge", "follow_up"]
    )
    return {
        kind: live.filter(kind=kind).count() for kind in ("reminder", "intake_nudge", "follow_up")
    }


def test_it_keeps_every_timed_email_when_a_booking_moves_away_and_back(assessment):
    booking = book(assessment)
    assert timed_emails(booking) == {"reminder": 2, "intake_nudge": 1, "follow_up": 1}
    booking = services.booking_reschedule(booking=booking, new_start=WEDNESDAY_9)
    booking = services.booking_reschedule(booking=booking, new_start=THURSDAY_9)
    assert timed_emails(booking) == {"reminder": 2, "intake_nudge": 1, "follow_up": 1}
    assert scheduled(booking, "reminder") == [
        THURSDAY_9 - timedelta(hours=24),
        THURSDAY_9 - timedelta(hours=1),
    ]
    assert scheduled(booking, "intake_nudge") == [THURSDAY_9 - timedelta(hours=48)]


def test_it_tells_the_client_of_every_move_a_b_a_b(assessment):
    booking = book(assessment)
    for new_start in (THURSDAY_14, THURSDAY_9, THURSDAY_14):
        booking = services.booking_reschedule(booking=booking, new_start=new_start)
    moved = emails_about("booking", booking.pk).filter(kind="rescheduled")
    assert moved.count() == 3
    assert set(moved.values_list("status", flat=True)) == {Status.SCHEDULED}
    assert timed_emails(booking) == {"reminder": 2, "intake_nudge": 1, "follow_up": 1}
    assert scheduled(booking, "reminder")[0] == THURSDAY_14 - timedelta(hours=24)


def test_it_logs_a_dropped_duplicate_without_naming_anyone(assessment, caplog):
    booking = book(assessment)
    count = emails_about("booking", booking.pk).count()
    with caplog.at_level(logging.INFO, logger="notifications.services"):
        booking_emails_confirmed(booking, now=NOW)
    assert emails_about("booking", booking.pk).count() == count
    dropped = [r.getMessage() for r in caplog.records if "already queued" in r.getMessage()]
    assert f"email confirmation:booking{booking.pk}:::client is already queued" in "\n".join(
        dropped
    )
    assert len(dropped) == count - 1  # all but the nudge, which the questionnaire app queues
    assert not any("priya" in line.lower() for line in dropped)


def test_it_keeps_the_moved_notice_when_a_cancel_follows_at_once(assessment):
    booking = book(assessment)
    booking = services.booking_reschedule(booking=booking, new_start=WEDNESDAY_9)
    services.booking_cancel(booking=booking)
    emails = emails_about("booking", booking.pk)
    assert emails.get(kind="rescheduled").status == Status.SCHEDULED
    assert emails.get(kind="cancelled").status == Status.SCHEDULED
    assert timed_emails(booking) == {"reminder": 0, "intake_nudge": 0, "follow_up": 0}


def couple(assessment, proven=True):
    """Priya books for two with Sam; ``proven``: she then opened the link in her confirmation."""
    booking = book(assessment, mode="couple", partner_name="Sam", partner_email="sam@example.com")
    return services.booking_email_verify(booking=booking) if proven else booking


def test_it_writes_to_no_partner_before_the_booker_proves_their_email(assessment):
    booking = couple(assessment, proven=False)
    booking = services.booking_reschedule(booking=booking, new_start=WEDNESDAY_9)
    services.booking_cancel(booking=booking)
    assert not emails_about("booking", booking.pk).filter(to_email="sam@example.com").exists()


def test_it_tells_the_partner_when_a_couples_booking_moves(assessment):
    booking = services.booking_reschedule(booking=couple(assessment), new_start=WEDNESDAY_9)
    moved = emails_about("booking", booking.pk).filter(kind="rescheduled")
    assert sorted(moved.values_list("to_email", flat=True)) == [
        "priya@example.com",
        "sam@example.com",
    ]
    sam_row = moved.get(to_email="sam@example.com")
    assert sam_row.recipient_client_id is not None  # Sam's record, from the invitation


def test_it_tells_the_partner_when_a_couples_booking_is_cancelled(assessment):
    booking = services.booking_cancel(booking=couple(assessment))
    cancelled = emails_about("booking", booking.pk).filter(kind="cancelled")
    assert sorted(cancelled.values_list("to_email", flat=True)) == [
        "priya@example.com",
        "sam@example.com",
    ]


def test_it_never_tells_a_partner_of_an_individual_booking(assessment):
    booking = book(assessment, partner_email="sam@example.com")  # mode stays individual
    booking = services.booking_cancel(booking=booking)
    cancelled = emails_about("booking", booking.pk).filter(kind="cancelled")
    assert list(cancelled.values_list("to_email", flat=True)) == ["priya@example.com"]


def test_it_never_gives_the_partner_the_bookers_manage_link(assessment):
    from django.core import mail

    from notifications import delivery

    booking = services.booking_reschedule(booking=couple(assessment), new_start=WEDNESDAY_9)
    for email_id in delivery.outbox_claim_due():
        delivery.outbox_send(email_id)
    [to_sam] = [m for m in mail.outbox if m.to == ["sam@example.com"] and "Moved" in m.subject]
    [to_priya] = [m for m in mail.outbox if m.to == ["priya@example.com"] and "Moved" in m.subject]
    assert to_sam.body.startswith("Hello Sam,")
    assert "Priya has moved the appointment for the two of you" in to_sam.body
    [(_name, sam_calendar, _type)] = to_sam.attachments
    [(_name, priya_calendar, _type)] = to_priya.attachments

    def text(content) -> str:  # calendar attachments come back as str or bytes
        content = content if isinstance(content, str) else content.decode()
        return content.replace("\r\n ", "")  # unfold long iCalendar lines

    for part in (to_sam.body, to_sam.alternatives[0].content, text(sam_calendar)):
        assert "/b/" not in part  # the manage link opens Priya's own questionnaire
    assert "/b/" in to_priya.body
    assert "/b/" not in text(priya_calendar)  # no calendar carries a link that can cancel
    assert booking.sequence == 1


def test_it_tells_the_practitioner_when_a_client_moves_a_booking_unless_switched_off(maya):
    booking = BookingFactory(session_type=SessionTypeFactory(practitioner=maya), start_at=NOW)
    booking_emails_rescheduled(booking, now=NOW)
    assert OutboundEmail.objects.filter(kind="reschedule_alert").count() == 1
    booking_emails_rescheduled(booking, now=NOW, by_practitioner=True)  # she moved it herself
    maya.reschedule_alerts = False
    maya.save()
    booking.sequence += 1
    booking.save()
    booking.practitioner.refresh_from_db()
    booking_emails_rescheduled(booking, now=NOW)
    assert OutboundEmail.objects.filter(kind="reschedule_alert").count() == 1
