"""Questionnaire versions in the office: their state, a read-through of a draft, publishing it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import services
from assessments.models import Instrument
from office.models import AuditEntry
from office.services import practitioner_access_grant

from ..clock import NOW, TUESDAY_9
from ..factories import BookingFactory, UserFactory
from ..staff.helpers import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

VERSIONS = "/admin/assessments/instrument/"


@pytest.fixture
def live():
    return Instrument.objects.get(slug="power-balance", version=1)


@pytest.fixture
def draft():
    return Instrument.objects.get(slug="power-balance", version=2)


@pytest.fixture
def practitioner_office(client, maya):
    """Maya as she really signs in: staff in the Practitioner group, not a superuser."""
    maya.user.is_superuser = False
    maya.user.save()
    practitioner_access_grant(user=maya.user)
    sign_in(client, maya.user)
    return client


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def preview_url(instrument) -> str:
    return f"{VERSIONS}{instrument.pk}/change/"


def publish(client, instrument, **data):
    return client.post(preview_url(instrument), data)


def test_it_lists_versions_with_their_state_in_plain_words(practitioner_office, live, draft):
    Instrument.objects.filter(pk=live.pk).update(published_at=NOW - timedelta(days=1))

    content = page(practitioner_office, VERSIONS)

    assert "Questionnaire versions" in content
    assert "Live since 1 March" in content
    assert "Draft: read it, then publish" in content
    assert f'href="{preview_url(draft)}">Read and publish' in content


def test_it_says_until_when_an_older_version_was_live(practitioner_office, live, draft):
    Instrument.objects.filter(pk=live.pk).update(published_at=NOW - timedelta(days=400))
    services.instrument_publish(instrument_id=draft.pk, now=NOW)

    content = page(practitioner_office, VERSIONS)

    assert "Live since 2 March" in content
    assert "Was live from 26 January 2025 until 2 March" in content
    assert "Read and publish" not in content


def test_it_lists_versions_in_a_fixed_number_of_queries(office, draft):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            page(office, VERSIONS)
        return len(queries)

    few = count()
    for version in range(3, 13):
        Instrument.objects.create(
            slug="power-balance",
            version=version,
            title="Later",
            definition={**draft.definition, "version": version},
        )
    assert count() == few


def test_it_shows_every_page_of_a_draft_as_the_client_sees_it(practitioner_office, draft):
    content = page(practitioner_office, preview_url(draft))

    for section in draft.definition["sections"]:
        assert section["title"] in content
        for item in section["items"]:
            assert item["text"].replace("'", "&#x27;") in content, item["key"]
    assert "Page 11 of 11: A few more questions about your safety" in content
    assert "For someone answering about a past relationship" in content
    assert "How long were you together?" in content
    assert "Someone coming alone skips this page." in content
    assert "Draft: read it, then publish" in content


def test_it_shows_the_alert_and_the_reflection_with_the_draft(practitioner_office, draft):
    content = page(practitioner_office, preview_url(draft))

    assert "Please look at a questionnaire soon" in content
    assert "answered yes to a safety question" in content
    assert "The follow-up danger questions were opened" in content
    assert "Something to take with you" in content
    assert "money and how it is handled" in content
    assert 'name="read_every_page"' in content
    assert '<label for="id_read_every_page"' in content


def test_it_publishes_after_the_box_is_ticked(practitioner_office, maya, draft, assessment):
    started = BookingFactory(session_type=assessment, start_at=TUESDAY_9)
    [kept] = services.intakes_create_for_booking(booking=started)

    response = publish(practitioner_office, draft, read_every_page="on")

    assert response.status_code == 302
    assert response["Location"] == VERSIONS
    assert Instrument.objects.current("power-balance") == draft
    later = BookingFactory(session_type=assessment, start_at=TUESDAY_9 + timedelta(hours=3))
    [new] = services.intakes_create_for_booking(booking=later)
    assert new.instrument == draft
    kept.refresh_from_db()
    assert kept.instrument.version == 1
    assert "Version 2 is live." in page(practitioner_office, VERSIONS)
    [entry] = AuditEntry.objects.filter(object_pk=str(draft.pk), action=AuditEntry.Action.UPDATE)
    assert entry.actor == maya.user
    assert entry.changes == ["published_at"]


def test_it_asks_for_the_box_before_publishing(practitioner_office, draft):
    response = publish(practitioner_office, draft)

    assert response.status_code == 400
    assert "Please tick the box once you have read every page." in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_draft


def test_it_lets_only_someone_allowed_to_publish(client, draft):
    reader = UserFactory(username="reader", is_superuser=False)
    reader.user_permissions.add(Permission.objects.get(codename="view_instrument"))
    sign_in(client, reader)

    content = page(client, preview_url(draft))
    assert 'name="read_every_page"' not in content
    response = publish(client, draft, read_every_page="on")

    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.is_draft


def test_it_offers_no_publishing_for_the_live_version(practitioner_office, live):
    content = page(practitioner_office, preview_url(live))

    assert "Live since" in content
    assert 'name="read_every_page"' not in content
    assert "This version has no reflection" in content
    response = publish(practitioner_office, live, read_every_page="on")
    assert response.status_code == 302
    assert "This version is already published." in page(practitioner_office, VERSIONS)
