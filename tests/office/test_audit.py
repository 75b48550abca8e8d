"""The audit trail: every view of a report, a client page or notes, and every change,
with who, when, what and from where, never a value or a name; and nobody can change it."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from assessments import services as assessment_services
from assessments.models import Intake
from booking import services as booking_services
from booking.models import Booking, Practitioner
from office.models import AuditEntry, AuditTrailIsAppendOnly

from ..clock import NOW
from ..factories import BookingFactory, ClientFactory

pytestmark = pytest.mark.time_machine(NOW, tick=False)

NAME, EMAIL = "Priya Ramanathan", "priya.r@example.com"


@pytest.fixture
def priya_call(maya, assessment):
    priya = ClientFactory(name=NAME, email=EMAIL)
    booking = BookingFactory(
        session_type=assessment, client=priya, start_at=NOW + timedelta(days=2)
    )
    assessment_services.intakes_create_for_booking(booking=booking)
    return booking


def entries(**filters) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(**filters).order_by("pk"))


def no_values_in(entry: AuditEntry) -> None:
    """Nothing a person typed or is called: every column of the entry, as text."""
    row = AuditEntry.objects.filter(pk=entry.pk).values().get()
    text = repr(row)
    for secret in (NAME, EMAIL, "Priya"):
        assert secret not in text
    assert row["object_repr"] == ""
    assert row["serialized_data"] is None


def test_it_records_who_opened_a_report_from_where_without_a_value(office, priya_call, maya):
    response = office.get(
        f"/admin/assessments/intake/report/{priya_call.pk}/", REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 200

    [entry] = entries(action=AuditEntry.Action.ACCESS, content_type__model="intake")
    assert entry.actor == maya.user
    assert entry.remote_addr == "203.0.113.9"
    assert entry.client_id == priya_call.client_id
    assert entry.object_pk == str(Intake.objects.get(booking=priya_call).pk)
    assert entry.what == "Opened the questionnaire report"
    assert entry.timestamp == NOW
    no_values_in(entry)


def test_it_records_opening_a_client_page_and_filters_the_trail_by_client(office, priya_call):
    other = ClientFactory(name="Someone Else")
    office.get(f"/admin/clients/client/{priya_call.client_id}/change/")
    office.get(f"/admin/clients/client/{other.pk}/change/")

    [entry] = entries(action=AuditEntry.Action.ACCESS, client_id=priya_call.client_id)
    assert entry.what == "Opened the client page and notes"
    no_values_in(entry)

    page = office.get(f"/admin/office/auditentry/?client_id={priya_call.client_id}")
    assert page.status_code == 200
    listed = list(page.context["cl"].result_list)
    assert listed
    assert {e.client_id for e in listed} == {priya_call.client_id}
    assert NAME not in page.content.decode()


def test_it_records_the_names_of_changed_fields_only(office, priya_call):
    client = priya_call.client
    response = office.post(
        f"/admin/clients/client/{client.pk}/change/",
        {
            "name": "Priya R. Changed",
            "email": "new.address@example.com",
            "time_zone": client.time_zone,
            "status": client.status,
            "notes-TOTAL_FORMS": "0",
            "notes-INITIAL_FORMS": "0",
            "notes-MIN_NUM_FORMS": "0",
            "notes-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    [change] = entries(action=AuditEntry.Action.UPDATE, content_type__model="client")
    assert change.changes == ["email", "name"]
    assert change.field_names == "email, name"
    assert change.what == "Changed client"
    text = repr(AuditEntry.objects.filter(pk=change.pk).values().get())
    assert "Changed" not in text.replace("'action'", "")  # not the new name
    assert "new.address" not in text
    no_values_in(change)


def test_it_records_a_clients_own_change_without_their_address(client, priya_call):
    booking_services.booking_cancel(booking=priya_call)  # as the manage page does
    [change] = entries(action=AuditEntry.Action.UPDATE, content_type__model="booking")
    assert (change.actor, change.remote_addr) == (None, None)
    assert "status" in change.changes
    assert change.client_id == priya_call.client_id


def test_it_records_each_read_of_the_calendar_feed(client, maya):
    from booking.services import calendar_feed_enable

    calendar_feed_enable(practitioner=maya)
    maya.refresh_from_db()
    before = len(entries(action=AuditEntry.Action.ACCESS))
    response = client.get(f"/calendar/{maya.calendar_feed_token}.ics")
    assert response.status_code == 200
    [entry] = entries(action=AuditEntry.Action.ACCESS)[before:]
    assert entry.content_type.model_class() is Practitioner
    assert entry.actor is None


def test_the_office_cannot_change_or_delete_an_entry(office, priya_call):
    office.get(f"/admin/clients/client/{priya_call.client_id}/change/")
    entry = entries()[-1]
    listing = office.get("/admin/office/auditentry/")
    assert listing.status_code == 200
    content = listing.content.decode()
    assert "Add audit entry" not in content
    assert 'name="action"' not in content  # no bulk delete
    assert office.get(f"/admin/office/auditentry/{entry.pk}/delete/").status_code == 403
    office.post(f"/admin/office/auditentry/{entry.pk}/change/", {"object_pk": "1"})
    entry.refresh_from_db()
    assert entry.object_pk == str(priya_call.client_id)


def test_the_practitioners_account_may_only_read_the_trail(maya):
    from office.services import practitioner_access_grant

    practitioner_access_grant(user=maya.user)
    maya.user.is_superuser = False
    maya.user.save()
    user = type(maya.user).objects.get(pk=maya.user.pk)
    assert user.has_perm("office.view_auditentry")
    assert not user.has_perm("office.change_auditentry")
    assert not user.has_perm("office.delete_auditentry")


def test_code_cannot_change_or_delete_an_entry(priya_call):
    priya_call.client.save()
    entry = entries()[-1]
    with pytest.raises(AuditTrailIsAppendOnly):
        entry.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(object_pk="x")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.all().delete()


@pytest.mark.postgres
def test_postgresql_refuses_to_change_an_entry_whatever_asks(postgres, priya_call):
    priya_call.client.save()
    entry = entries()[-1]
    for statement in (
        "UPDATE office_auditentry SET object_pk = 'x' WHERE id = %s",
        "DELETE FROM office_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk, object_pk=entry.object_pk).exists()


def test_it_follows_bookings_clients_and_settings(maya, priya_call):
    kinds = set(AuditEntry.objects.values_list("content_type__model", flat=True))
    assert {"client", "booking"} <= kinds  # created by the fixture
    maya.display_name = "Maya L."
    maya.save()
    assert entries(action=AuditEntry.Action.UPDATE, content_type__model="practitioner")
    assert Booking.objects.count() == 1


def test_it_records_her_photo_changing_without_the_picture(maya):
    from booking.photos import PreparedPhoto, practitioner_photo_remove, practitioner_photo_save

    practitioner_photo_save(
        practitioner_id=maya.pk, photo=PreparedPhoto(b"\xff\xd8jpeg-bytes", "image/jpeg", 8, 8)
    )
    practitioner_photo_remove(practitioner_id=maya.pk)
    actions = [entry.action for entry in entries(content_type__model="practitionerphoto")]
    assert actions == [AuditEntry.Action.CREATE, AuditEntry.Action.DELETE]
    row = repr(list(AuditEntry.objects.filter(content_type__model="practitionerphoto").values()))
    assert "jpeg-bytes" not in row


def test_it_filters_the_trail_by_kind_of_record_in_plain_words(office, priya_call, maya):
    maya.display_name = "Maya L."
    maya.save()
    page = office.get("/admin/office/auditentry/?kind=practitioner")
    assert page.status_code == 200
    listed = list(page.context["cl"].result_list)
    assert listed
    assert {entry.content_type.model for entry in listed} == {"practitioner"}
    text = page.content.decode()
    assert "Changed settings" in text
    assert "Day off or extra hours" in text  # a choice of the filter
