"""The client page's "Send the questionnaire again" (/admin/clients/client/<id>/questionnaire-again/)."""

from datetime import timedelta

import pytest

from assessments.models import Intake
from notifications.models import OutboundEmail
from office.models import AuditEntry

from ..clock import NOW, TUESDAY_9
from ..conftest import sign_in
from ..factories import BookingFactory, ClientFactory, IntakeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


@pytest.fixture
def ana(assessment):
    ana = ClientFactory(name="Ana Souza", email="ana@example.com")
    booking = BookingFactory(session_type=assessment, client=ana, start_at=TUESDAY_9)
    IntakeFactory(booking=booking, status=Intake.Status.COMPLETED, submitted_at=NOW)
    BookingFactory(session_type=assessment, client=ana, start_at=TUESDAY_9 + timedelta(days=14))
    return ana


def url(client) -> str:
    return f"/admin/clients/client/{client.pk}/questionnaire-again/"


def test_it_offers_the_button_on_the_client_page(office, ana):
    page = office.get(f"/admin/clients/client/{ana.pk}/change/").content.decode()
    assert "Send the questionnaire again" in page
    assert url(ana) in page


def test_it_sends_the_questionnaire_again(office, ana):
    response = office.post(url(ana), follow=True)
    assert "on its way to Ana Souza again" in response.content.decode()
    assert Intake.objects.filter(client=ana, round=2).exists()
    assert OutboundEmail.objects.filter(kind="intake_round", to_email=ana.email).exists()
    assert AuditEntry.objects.filter(additional_data__what__startswith="Sent the questionnaire")


def test_it_says_why_when_one_is_still_unsent(office, ana):
    office.post(url(ana))
    response = office.post(url(ana), follow=True)
    assert "not sent yet" in response.content.decode()
    assert Intake.objects.filter(client=ana).count() == 2


def test_it_refuses_a_get(office, ana):
    assert office.get(url(ana)).status_code == 405
    assert Intake.objects.filter(client=ana).count() == 1


def test_it_needs_the_permission(client, ana, django_user_model):
    user = django_user_model.objects.create_user("helper", password="x", is_staff=True)
    sign_in(client, user)
    assert client.post(url(ana)).status_code == 403
    assert Intake.objects.filter(client=ana).count() == 1
