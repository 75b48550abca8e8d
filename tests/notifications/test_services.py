"""notifications.services: keys that tell emails apart, queueing, cancelling, sending again."""

from datetime import timedelta

import pytest

from notifications.kinds import Recipient, kind_get
from notifications.models import OutboundEmail
from notifications.services import email_key, emails_forget, outbox_send_again

from ..clock import NOW, THURSDAY_9
from ..factories import BookingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

CLIENT = Recipient(email="priya@example.com", role="client", client_id=7)


def key(**changes) -> str:
    parts = {
        "kind": kind_get("reminder"),
        "subject_id": 5,
        "version": "seq0",
        "recipient": CLIENT,
        "variant": "24h",
    }
    parts.update(changes)
    kind = parts.pop("kind")
    return email_key(kind, **parts)


@pytest.mark.parametrize(
    "change",
    [
        {"kind": kind_get("intake_nudge")},
        {"subject_id": 6},
        {"version": "seq1"},
        {"variant": "1h"},
        {"recipient": Recipient(email="sam@example.com", role="partner")},
    ],
    ids=["kind", "subject", "version", "variant", "recipient"],
)
def test_it_makes_a_new_key_when_any_part_changes(change):
    assert key(**change) != key()


def test_it_keeps_addresses_and_names_out_of_the_key():
    assert "priya" not in key()
    assert key() == "reminder:booking5:seq0:24h:client"


def test_it_keys_the_nudge_and_follow_up_by_the_bookings_time(assessment):
    booking = BookingFactory(session_type=assessment, start_at=THURSDAY_9)
    for name in ("intake_nudge", "follow_up", "reminder", "rescheduled"):
        kind = kind_get(name)
        before = kind.version(booking)
        booking.sequence += 1
        assert kind.version(booking) != before, name


def failed_email(booking, index: int) -> OutboundEmail:
    return OutboundEmail.objects.create(
        kind="confirmation",
        subject_type="booking",
        subject_id=booking.pk,
        to_email="priya@example.com",
        due_at=NOW - timedelta(hours=1),
        status=OutboundEmail.Status.FAILED,
        attempts=6,
        last_error="SMTPServerDisconnected",
        dedupe_key=f"failed:{index}",
    )


def test_it_puts_only_failed_emails_back_and_says_how_many(assessment):
    booking = BookingFactory(session_type=assessment, start_at=THURSDAY_9)
    failed = failed_email(booking, 1)
    sent = failed_email(booking, 2)
    OutboundEmail.objects.filter(pk=sent.pk).update(status=OutboundEmail.Status.SENT)
    assert outbox_send_again(email_ids=[failed.pk, sent.pk]) == 1
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.due_at) == (
        OutboundEmail.Status.SCHEDULED,
        0,
        NOW,
    )
    assert OutboundEmail.objects.get(pk=sent.pk).status == OutboundEmail.Status.SENT


def test_it_forgets_the_emails_about_a_deleted_subject(assessment):
    booking = BookingFactory(session_type=assessment, start_at=THURSDAY_9)
    other = BookingFactory(session_type=assessment, start_at=THURSDAY_9 + timedelta(hours=5))
    failed_email(booking, 1)
    kept = failed_email(other, 2)
    assert emails_forget(subject_type="booking", subject_id=booking.pk) == 1
    assert list(OutboundEmail.objects.all()) == [kept]
