"""assessments.selectors: what the nudge, the manage page and the booking list read."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.links import intake_path
from assessments.models import Intake
from assessments.selectors import (
    bookings_with_intake_summary,
    bookings_with_unfinished_intake,
    intake_for_client,
    intake_summary,
)
from booking.models import Booking
from notifications import delivery
from notifications.models import OutboundEmail

from ..clock import NOW, TUESDAY_9
from ..emails import email_row
from ..factories import BookingFactory, IntakeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def completed(**extra):
    if extra.get("urgent"):
        extra.setdefault("urgent_at", NOW)
    return {"status": Intake.Status.COMPLETED, "submitted_at": NOW, **extra}


def test_it_counts_only_the_clients_answers_as_unfinished_for_the_nudge(couple_booking):
    IntakeFactory(booking=couple_booking, status=Intake.Status.IN_PROGRESS)
    IntakeFactory(booking=couple_booking, role=Intake.Role.PARTNER, **completed())

    assert bookings_with_unfinished_intake([couple_booking.pk]) == {couple_booking.pk}

    Intake.objects.filter(role=Intake.Role.CLIENT).update(**completed())
    Intake.objects.filter(role=Intake.Role.PARTNER).update(
        status=Intake.Status.NOT_STARTED, submitted_at=None
    )
    assert bookings_with_unfinished_intake([couple_booking.pk]) == set()


def test_it_finds_nothing_to_nudge_without_an_intake(solo_booking):
    assert bookings_with_unfinished_intake([solo_booking.pk]) == set()


def test_it_gives_the_manage_page_the_clients_own_intake_while_its_link_works(couple_booking):
    ana_intake = IntakeFactory(booking=couple_booking)
    IntakeFactory(booking=couple_booking, role=Intake.Role.PARTNER)

    assert intake_for_client(couple_booking, now=NOW) == ana_intake
    later = couple_booking.end_at + timedelta(days=7, minutes=1)
    assert intake_for_client(couple_booking, now=later) is None
    couple_booking.status = Booking.Status.CANCELLED
    assert intake_for_client(couple_booking, now=NOW) is None


@pytest.mark.parametrize(
    ("client_intake", "partner_intake", "summary"),
    [
        (None, None, "none"),
        ({}, None, "not_started"),
        ({"status": "in_progress", "consent_at": NOW}, None, "in_progress"),
        (completed(), None, "completed"),
        (completed(), {}, "in_progress"),
        ({}, {"status": "in_progress", "consent_at": NOW}, "in_progress"),
        (completed(), completed(consent_at=NOW), "completed"),
        (completed(urgent=True), {}, "urgent"),
        ({}, completed(urgent=True, consent_at=NOW), "urgent"),
    ],
)
def test_it_sums_up_a_bookings_questionnaires(
    couple_booking, client_intake, partner_intake, summary
):
    if client_intake is not None:
        IntakeFactory(booking=couple_booking, **client_intake)
    if partner_intake is not None:
        partner_intake = {"consent_at": None, **partner_intake}
        IntakeFactory(booking=couple_booking, role=Intake.Role.PARTNER, **partner_intake)

    [booking] = bookings_with_intake_summary(Booking.objects.all())

    assert intake_summary(booking) == summary


def test_it_sums_up_in_the_same_query(assessment):
    for hours in range(10):
        booking = BookingFactory(
            session_type=assessment, start_at=TUESDAY_9 + timedelta(hours=hours)
        )
        IntakeFactory(booking=booking)

    with CaptureQueriesContext(connection) as queries:
        summaries = [intake_summary(b) for b in bookings_with_intake_summary(Booking.objects.all())]

    assert summaries == ["not_started"] * 10
    assert len(queries) == 1


def nudge(booking):
    return email_row(
        booking,
        "intake_nudge",
        booking.client.email,
        due_at=NOW,
        status=OutboundEmail.Status.SENDING,
        queued_at=NOW,
    )


def test_it_sends_the_nudge_with_the_link_while_answers_are_missing(ana_intake):
    email = nudge(ana_intake.booking)

    assert delivery.outbox_send(email.pk) == "sent"
    [message] = mail.outbox
    assert intake_path(ana_intake) in message.body


def test_it_drops_the_nudge_once_the_answers_are_sent(ana_intake):
    Intake.objects.filter(pk=ana_intake.pk).update(**completed(consent_at=NOW))
    email = nudge(ana_intake.booking)

    assert delivery.outbox_send(email.pk) == "cancelled"
    email.refresh_from_db()
    assert email.last_error == "questionnaire already completed"
    assert mail.outbox == []
