"""The outbox's move from booking to its own app keeps every row, and sends the waiting ones."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from notifications import delivery
from notifications.models import OutboundEmail

BEFORE_THE_MOVE = [("notifications", None), ("booking", "0005_practitioner_support_resources")]


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
def test_it_migrates_and_sends_rows_written_before_the_move():
    old = (
        migrate(BEFORE_THE_MOVE)
        .loader.project_state(
            [("booking", "0005_practitioner_support_resources"), ("clients", "0002_email_outbox")]
        )
        .apps
    )
    user = old.get_model("auth", "User").objects.create(username="maya", email="maya@example.com")
    practitioner = old.get_model("booking", "Practitioner").objects.create(
        user=user, display_name="Maya Lind", time_zone="Europe/Amsterdam"
    )
    session_type = old.get_model("booking", "SessionType").objects.create(
        practitioner=practitioner,
        name="Free assessment call",
        slug="assessment-call",
        kind="assessment",
        duration_minutes=20,
    )
    client = old.get_model("clients", "Client").objects.create(
        name="Priya", email="priya@example.com", time_zone="Asia/Kolkata"
    )
    start = timezone.now() + timedelta(days=2)
    booking = old.get_model("booking", "Booking").objects.create(
        practitioner=practitioner,
        session_type=session_type,
        client=client,
        start_at=start,
        end_at=start + timedelta(minutes=20),
        blocked_start=start,
        blocked_end=start + timedelta(minutes=30),
        client_time_zone="Asia/Kolkata",
        status="confirmed",
    )
    old_email = old.get_model("booking", "OutboundEmail")
    waiting = old_email.objects.create(
        kind="reminder",
        booking=booking,
        client=client,
        to_email="priya@example.com",
        due_at=timezone.now() - timedelta(minutes=1),
        dedupe_key=f"reminder-24h:{booking.pk}:20260305T0800Z",
    )
    old_email.objects.create(
        kind="new_booking_alert",
        booking=booking,
        to_email="maya@example.com",
        due_at=timezone.now() - timedelta(days=1),
        status="sent",
        dedupe_key=f"new-booking:{booking.pk}",
    )

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    moved = OutboundEmail.objects.get(pk=waiting.pk)
    assert (moved.subject_type, moved.subject_id) == ("booking", booking.pk)
    assert moved.recipient_client_id == client.pk
    alert = OutboundEmail.objects.get(kind="new_booking_alert")
    assert (alert.subject_id, alert.recipient_client_id, alert.status) == (booking.pk, None, "sent")

    assert delivery.outbox_claim_due() == [waiting.pk]
    assert delivery.outbox_send(waiting.pk) == "sent"
    [message] = mail.outbox
    assert message.to == ["priya@example.com"]
    assert message.subject.startswith("Reminder: ")
