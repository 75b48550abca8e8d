"""clients.services: one record per person, whatever the spelling of their address."""

import pytest

from clients.models import Client
from clients.selectors import client_id_by_email
from clients.services import (
    client_follow_ups_stop,
    client_get_or_create_for_booking,
    client_get_or_create_for_invitation,
)

from ..clock import NOW
from ..factories import ClientFactory

pytestmark = pytest.mark.django_db


def test_it_finds_a_returning_client_whatever_the_case_and_spaces():
    ana = ClientFactory(name="Ana Souza", email="ana@example.com")
    found = client_get_or_create_for_booking(
        name="Ana",
        email="  ANA@Example.com ",
        time_zone="Europe/Lisbon",
        consent_at=NOW,
        email_proven=True,
    )
    assert found.pk == ana.pk
    assert (found.name, found.time_zone, found.privacy_consent_at) == (
        "Ana Souza",  # the practitioner's spelling is kept
        "Europe/Lisbon",
        NOW,
    )
    assert Client.objects.count() == 1


def test_it_changes_nothing_on_a_client_for_an_unproven_email():
    ana = ClientFactory(name="Ana Souza", email="ana@example.com", time_zone="Europe/Berlin")
    found = client_get_or_create_for_booking(
        name="Someone", email="ana@example.com", time_zone="Asia/Tokyo", consent_at=NOW
    )
    found.refresh_from_db()
    assert found.pk == ana.pk
    assert (found.name, found.time_zone, found.privacy_consent_at) == (
        "Ana Souza",
        "Europe/Berlin",
        ana.privacy_consent_at,
    )


def test_it_creates_a_new_client_with_a_clean_address():
    client = client_get_or_create_for_booking(
        name=" Priya ", email=" priya@example.com ", time_zone="Asia/Kolkata", consent_at=NOW
    )
    assert (client.name, client.email) == ("Priya", "priya@example.com")


def test_it_creates_an_invited_partner_without_consent():
    sam = client_get_or_create_for_invitation(name="Sam", email="sam@example.com", time_zone="UTC")
    assert sam.privacy_consent_at is None
    assert client_id_by_email("SAM@example.com") == sam.pk
    assert client_id_by_email("nobody@example.com") is None


def test_it_records_a_follow_up_opt_out_once():
    client = ClientFactory()
    first = client_follow_ups_stop(client_id=client.pk, now=NOW)
    later = client_follow_ups_stop(client_id=client.pk, now=NOW.replace(year=2027))
    assert first.follow_ups_opt_out_at == later.follow_ups_opt_out_at == NOW
