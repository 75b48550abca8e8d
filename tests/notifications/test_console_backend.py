"""notifications.console: development email is one line each, read in the office, never its body."""

import io

import pytest
from django.core.mail import EmailMessage, get_connection

from booking import services
from notifications import delivery
from notifications.models import OutboundEmail

from ..booking.helpers import PRIYA, book
from ..clock import NOW, THURSDAY_9

BACKEND = "notifications.console.OneLineConsoleBackend"

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


@pytest.fixture
def console(settings):
    settings.EMAIL_BACKEND = BACKEND


def deliver() -> list[int]:
    ids = delivery.outbox_claim_due()
    for email_id in ids:
        delivery.outbox_send(email_id)
    return ids


def test_it_writes_one_line_per_email_and_keeps_the_message_in_the_office(
    console, assessment, capfd
):
    book(assessment)
    sent = deliver()

    lines = capfd.readouterr().out.splitlines()
    assert len(lines) == len(sent) >= 2
    for email in OutboundEmail.objects.filter(pk__in=sent):
        assert email.status == OutboundEmail.Status.SENT
        assert email.sent_text  # the office's email log has the whole message
        assert (
            f'email to {email.to_email}: "{email.sent_subject}" (read it in the office: '
            f"https://book.example.com/admin/notifications/outboundemail/{email.pk}/change/)"
        ) in lines
    assert "Warmly" not in "\n".join(lines)


def test_it_shows_the_one_time_link_of_an_email_the_office_keeps_no_copy_of(
    console, single_session, capfd
):
    held = services.booking_hold(
        session_type=single_session, slot_start=THURSDAY_9, client_time_zone="Asia/Kolkata"
    )
    services.booking_verify_request(
        public_id=held.public_id, details=services.ClientDetails(**PRIYA)
    )
    deliver()

    out = capfd.readouterr().out
    email = OutboundEmail.objects.get(kind="booking_verify")
    assert email.status == OutboundEmail.Status.SENT
    assert email.sent_text == ""
    assert out.startswith('email to priya@example.com: "Please confirm your booking with ')
    assert "keeps no copy of its one-time link or code; here it is" in out
    assert "    https://book.example.com/" in out  # the link, indented under its line


def test_it_points_a_message_from_elsewhere_to_the_email_log():
    stream = io.StringIO()
    message = EmailMessage("Hello\n there", "Private words", to=["a@example.com"], cc=["b@x.nl"])

    sent = get_connection(BACKEND, stream=stream).send_messages([message])

    assert sent == 1
    assert stream.getvalue() == (
        'email to a@example.com, b@x.nl: "Hello there" (read it in the office: '
        "https://book.example.com/admin/notifications/outboundemail/)\n"
    )


def test_it_counts_what_it_could_not_write_as_not_sent_when_told_to_fail_silently():
    stream = io.StringIO()
    stream.close()
    message = EmailMessage("Hello", "Private words", to=["a@example.com"])

    assert get_connection(BACKEND, stream=stream, fail_silently=True).send_messages([message]) == 0
    with pytest.raises(ValueError, match="closed file"):
        get_connection(BACKEND, stream=stream).send_messages([message])
