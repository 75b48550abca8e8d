"""The email log and previews in the office: every kind, "send again", fixed query counts."""

from datetime import UTC, datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.kinds import kinds_all
from notifications.models import OutboundEmail

from ..emails import email_row
from ..factories import BookingFactory, ClientFactory

START = datetime(2026, 3, 31, 7, 0, tzinfo=UTC)  # 09:00 Amsterdam (summer), 12:30 Kolkata
KINDS = [kind.name for kind in kinds_all()]

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(assessment):
    client = ClientFactory(name="Priya", email="priya@example.com", time_zone="Asia/Kolkata")
    return BookingFactory(
        session_type=assessment, client=client, start_at=START, client_time_zone="Asia/Kolkata"
    )


def email_of(kind: str, booking) -> OutboundEmail:
    return email_row(booking, kind, booking.client.email, due_at=START)


@pytest.mark.parametrize("kind", KINDS)
def test_it_previews_every_email_in_the_office(office, kind):
    response = office.get(f"/admin/notifications/outboundemail/preview/{kind}/")
    assert response.status_code == 200
    # Each shows its example: the client's name, or where a staff email's link goes.
    expected = {"password_reset": "/admin/password-reset/"}.get(kind, "Alex Demo")
    assert expected in response.content.decode() or kind.endswith("alert")


@pytest.mark.parametrize("kind", KINDS)
def test_it_serves_each_previews_html_alone_under_a_policy_of_its_own(office, kind):
    page = office.get(f"/admin/notifications/outboundemail/preview/{kind}/").content.decode()
    url = f"/admin/notifications/outboundemail/preview/{kind}/html/"
    assert f'sandbox src="{url}"' in page
    response = office.get(url)
    assert response.status_code == 200
    assert "<p>" in response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy
    assert "script-src" not in policy  # none at all: default-src 'none' covers it
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_it_says_so_for_an_email_that_does_not_exist(office):
    assert office.get("/admin/notifications/outboundemail/preview/nope/html/").status_code == 404


def test_it_filters_the_log_and_sends_failed_ones_again(office, booking):
    failed = email_of("confirmation", booking)
    failed.status = OutboundEmail.Status.FAILED
    failed.save()
    sent = email_of("reminder", booking)
    sent.status = OutboundEmail.Status.SENT
    sent.save()
    listing = (
        office.get("/admin/notifications/outboundemail/?status__exact=failed")
        .context["cl"]
        .result_list
    )
    assert list(listing) == [failed]
    office.post(
        "/admin/notifications/outboundemail/",
        {"action": "send_again", "_selected_action": [failed.pk, sent.pk]},
    )
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert failed.status == OutboundEmail.Status.SCHEDULED
    assert sent.status == OutboundEmail.Status.SENT


def test_it_shows_the_email_log_in_a_fixed_number_of_queries(office, booking):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert office.get("/admin/notifications/outboundemail/").status_code == 200
        return len(queries)

    email_of("confirmation", booking)
    few = count()
    for index in range(20):
        OutboundEmail.objects.create(
            kind="reminder",
            subject_type="booking",
            subject_id=booking.pk,
            recipient_client_id=booking.client.pk,
            to_email="x@example.com",
            due_at=START,
            dedupe_key=f"many:{index}",
        )
    assert count() == few


def test_it_shows_the_email_log_as_its_index_is_built(office, booking):
    """Newest first as outbox_log_idx: a page reads the index, not the whole log.

    Its time at 10,000 and 100,000 emails is measured by bench/office_bench.py.
    """
    email_of("confirmation", booking)
    listed = office.get("/admin/notifications/outboundemail/").context["cl"]
    index = next(index for index in OutboundEmail._meta.indexes if index.name == "outbox_log_idx")
    # The admin repeats its own ordering in the query; the SQL says each field once.
    ordering = dict.fromkeys(field.replace("pk", "id") for field in listed.queryset.query.order_by)
    assert list(ordering) == index.fields


def test_it_says_how_many_were_queued_again_when_the_list_is_filtered(office, booking):
    failed = email_of("confirmation", booking)
    OutboundEmail.objects.filter(pk=failed.pk).update(status=OutboundEmail.Status.FAILED)
    response = office.post(
        "/admin/notifications/outboundemail/?status__exact=failed",
        {"action": "send_again", "_selected_action": [failed.pk]},
        follow=True,
    )
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said == ["1 email(s) queued again."]


def test_it_shows_a_bookings_emails_on_its_page(office, booking):
    email_of("confirmation", booking)
    page = office.get(f"/admin/booking/booking/{booking.pk}/change/").content.decode()
    assert "Booking confirmation" in page
    assert "priya@example.com" in page


def test_it_shows_a_clients_emails_on_their_page(office, booking):
    email_of("reminder", booking)
    page = office.get(f"/admin/clients/client/{booking.client.pk}/change/").content.decode()
    assert "Reminder" in page
    assert "Scheduled" in page


def test_it_finds_emails_by_the_clients_name(office, booking):
    email_of("reminder", booking)
    other = BookingFactory(session_type=booking.session_type, start_at=START.replace(hour=9))
    email_row(other, "reminder", "someone@example.com", due_at=START)
    listing = office.get("/admin/notifications/outboundemail/?q=Priya").context["cl"].result_list
    assert [email.to_email for email in listing] == ["priya@example.com"]


def test_it_keeps_each_email_as_sent_and_shows_it(office, booking, settings):
    from notifications.delivery import outbox_send

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    email = email_of("confirmation", booking)
    OutboundEmail.objects.filter(pk=email.pk).update(status=OutboundEmail.Status.SENDING)
    assert outbox_send(email.pk) == "sent"
    email.refresh_from_db()
    assert email.sent_subject.startswith("Booked: ")
    assert "Priya" in email.sent_text
    assert email.sent_html.startswith("<!doctype html>")

    page = office.get(f"/admin/notifications/outboundemail/{email.pk}/change/").content.decode()
    frame = f"/admin/notifications/outboundemail/{email.pk}/sent-html/"
    assert f'sandbox src="{frame}"' in page
    assert email.sent_subject in page
    response = office.get(frame)
    assert response.content.decode() == email.sent_html
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_it_keeps_no_copy_of_an_email_with_a_one_time_secret(office, booking, settings):
    from assessments.services import intake_code_send, intakes_create_for_booking
    from notifications.delivery import outbox_send

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    intake = intakes_create_for_booking(booking=booking)[0]
    intake_code_send(intake_id=intake.pk)
    email = OutboundEmail.objects.get(kind="intake_code")
    OutboundEmail.objects.filter(pk=email.pk).update(status=OutboundEmail.Status.SENDING)
    assert outbox_send(email.pk) == "sent"
    email.refresh_from_db()
    assert (email.sent_subject, email.sent_text, email.sent_html) == ("", "", "")
    page = office.get(f"/admin/notifications/outboundemail/{email.pk}/change/").content.decode()
    assert "Not kept: it held a one-time link or code." in page
    assert (
        office.get(f"/admin/notifications/outboundemail/{email.pk}/sent-html/").status_code == 404
    )


def test_it_previews_the_partners_invitation_as_the_partner_gets_it(office, settings):
    response = office.get("/admin/notifications/outboundemail/preview/intake_invitation/")
    content = response.content.decode()
    assert "sam@example.com" in content
    assert "Hello Sam Demo" in content
    assert f"{settings.SITE_URL}/intake/" in content  # the link, in the text version
