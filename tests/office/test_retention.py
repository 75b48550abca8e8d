"""Keeping records: quiet leads erased only if she turns it on; clinical records only listed."""

from datetime import timedelta

import pytest

from assessments.models import Intake
from booking.models import Booking
from clients.models import Client
from office.models import AuditEntry
from office.retention import leads_quiet_since, records_past_retention, retention_sweep
from office.tasks import retention_sweep_task

from ..clock import NOW
from ..factories import BookingFactory, ClientFactory, IntakeFactory

pytestmark = pytest.mark.time_machine(NOW, tick=False)

YEAR = timedelta(days=365)


def person(name: str, *, created: timedelta) -> Client:
    client = ClientFactory(name=name)
    Client.objects.filter(pk=client.pk).update(created_at=NOW - created)
    return client


def booking(client, session_type, *, ago: timedelta, status=Booking.Status.COMPLETED):
    made = BookingFactory(
        session_type=session_type, client=client, start_at=NOW - ago, status=status
    )
    Booking.objects.filter(pk=made.pk).update(created_at=NOW - ago - timedelta(days=3))
    return made


@pytest.fixture
def practice(maya, assessment, single_session):
    quiet = person("Quiet Lead", created=2 * YEAR)
    booking(quiet, assessment, ago=2 * YEAR, status=Booking.Status.CANCELLED)
    no_show = person("Never Showed", created=2 * YEAR)
    booking(no_show, assessment, ago=2 * YEAR, status=Booking.Status.NO_SHOW)
    came = person("Came Once", created=2 * YEAR)
    booking(came, assessment, ago=2 * YEAR)
    answered = person("Answered", created=2 * YEAR)
    call = booking(answered, assessment, ago=2 * YEAR, status=Booking.Status.NO_SHOW)
    IntakeFactory(booking=call, client=answered, consent_at=NOW - 2 * YEAR,
                  started_at=NOW - 2 * YEAR, status=Intake.Status.IN_PROGRESS)  # fmt: skip
    recent = person("Booked Lately", created=2 * YEAR)
    booking(recent, assessment, ago=timedelta(days=20), status=Booking.Status.CANCELLED)
    new = person("New Lead", created=timedelta(days=10))
    old_client = person("Old Client", created=10 * YEAR)
    booking(old_client, single_session, ago=8 * YEAR)
    return {p.name: p for p in (quiet, no_show, came, answered, recent, new, old_client)}


def names(clients) -> set[str]:
    return {client.name for client in clients}


def test_it_finds_people_who_never_came_never_answered_and_went_quiet(practice):
    assert names(leads_quiet_since(cutoff=NOW - YEAR)) == {"Quiet Lead", "Never Showed"}


def test_it_lists_records_past_retention_by_their_last_session(practice):
    assert names(records_past_retention(cutoff=NOW - 7 * YEAR)) == {"Old Client"}
    assert names(records_past_retention(cutoff=NOW - YEAR)) == {"Old Client", "Came Once"}


def test_it_erases_nothing_until_she_turns_it_on(practice, maya):
    assert retention_sweep(now=NOW) == 0
    assert Client.objects.count() == len(practice)

    maya.erase_inactive_leads = True
    maya.save()
    assert retention_sweep_task() == 2
    assert names(Client.objects.all()) == set(practice) - {"Quiet Lead", "Never Showed"}
    erased = AuditEntry.objects.filter(client_id=practice["Quiet Lead"].pk)
    assert "Erased automatically: never came" in {entry.what for entry in erased}
    # Counts stay true: their bookings remain, anonymous.
    assert Booking.objects.filter(client__isnull=True, client_erased_at=NOW).count() == 2


def test_it_never_erases_a_clinical_record_on_its_own(practice, maya):
    maya.erase_inactive_leads = True
    maya.inactive_lead_days = 30
    maya.save()
    retention_sweep(now=NOW)
    assert Client.objects.filter(name__in=["Old Client", "Came Once", "Answered"]).count() == 3


def test_the_office_lists_records_to_review(office, practice, maya):
    page = office.get("/admin/clients/client/records/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "People who never came (2)" in text
    assert "Records past your retention time (1)" in text
    assert "Nothing is erased on its own: you can turn that on in Settings" in text
    assert f"/admin/clients/client/{practice['Old Client'].pk}/erase/" in text


def test_she_sets_how_long_records_are_kept_in_plain_words(office, maya):
    page = office.get(f"/admin/booking/practitioner/{maya.pk}/change/").content.decode()
    assert "Keeping records" in page
    assert "Erase people who never came" in page
    assert "/admin/clients/client/records/" in page
