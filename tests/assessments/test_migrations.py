"""Migrations that work out stored state for rows written before it existed."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps

from assessments.models import Intake
from booking.models import Booking

from ..clock import NOW
from ..factories import BookingFactory, ClientFactory, IntakeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

awaiting_review = importlib.import_module("assessments.migrations.0007_intake_awaiting_review")


def intake(assessment, days: int, **fields) -> Intake:
    booking = BookingFactory(
        session_type=assessment,
        client=ClientFactory(),
        start_at=NOW + timedelta(days=days),
        status=fields.pop("booking_status", Booking.Status.CONFIRMED),
    )
    return IntakeFactory(booking=booking, client=booking.client, **fields)


def test_it_marks_waiting_only_what_was_sent_and_not_read_since(assessment):
    sent = {"status": Intake.Status.COMPLETED, "submitted_at": NOW, "consent_at": NOW}
    unread = intake(assessment, 1, **sent)
    read_before_sending = intake(assessment, 2, reviewed_at=NOW - timedelta(hours=1), **sent)
    read = intake(assessment, 3, reviewed_at=NOW + timedelta(hours=1), **sent)
    cancelled = intake(assessment, 4, booking_status=Booking.Status.CANCELLED, **sent)
    not_sent = intake(assessment, 5)

    awaiting_review.awaiting_review_fill(apps, None)

    flags = dict(Intake.objects.values_list("pk", "awaiting_review"))
    assert flags == {
        unread.pk: True,
        read_before_sending.pk: True,
        read.pk: False,
        cancelled.pk: False,
        not_sent.pk: False,
    }
