"""Erasing a person: everything of theirs goes, the practice's counts and the partner stay."""

import subprocess
from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection

from assessments import services as assessment_services
from assessments.models import Intake
from booking.models import Booking
from clients.models import Client
from notifications import delivery
from notifications.models import OutboundEmail
from office.erasure import ErasureError, client_erase
from office.models import AuditEntry, Note

from ..assessments.helpers import stored_answers
from ..clock import NOW
from ..factories import BookingFactory, ClientFactory

pytestmark = pytest.mark.time_machine(NOW, tick=False)

ANA = ("Ana Souza", "ana.souza@example.com", "ANA-MARKER-tulips")
SAM = ("Sam Okafor", "sam.okafor@example.com", "SAM-MARKER-lanterns")


def answer_and_send(intake: Intake, marker: str) -> None:
    Intake.objects.filter(pk=intake.pk).update(
        answers=stored_answers(intake.instrument.definition, ctx_hopes=marker),
        status=Intake.Status.IN_PROGRESS,
        consent_at=NOW,
    )
    assessment_services.intake_submit(intake_id=intake.pk)


def send_everything_due() -> None:
    for email_id in delivery.outbox_claim_due(now=NOW + timedelta(days=400)):
        delivery.outbox_send(email_id)


@pytest.fixture
def couple(maya, assessment, single_session, django_user_model):
    """Ana booked a couple call with Sam; both answered; each has notes, emails, history."""
    ana = ClientFactory(name=ANA[0], email=ANA[1], privacy_consent_at=NOW)
    call = BookingFactory(
        session_type=assessment,
        start_at=NOW + timedelta(days=3),
        client=ana,
        mode=Booking.Mode.COUPLE,
        partner_name=SAM[0],
        partner_email=SAM[1],
        email_verified_at=NOW,
        note="We would like to talk about money.",
    )
    ana_intake, sam_intake = assessment_services.intakes_create_for_booking(booking=call)
    assessment_services.intake_partner_invite(booking=call, now=NOW)
    sam_intake.refresh_from_db()
    sam = sam_intake.client
    answer_and_send(ana_intake, ANA[2])
    answer_and_send(sam_intake, SAM[2])
    sam_past = BookingFactory(
        session_type=single_session,
        start_at=NOW - timedelta(days=30),
        client=sam,
        status=Booking.Status.COMPLETED,
        note=f"Note typed by Sam: {SAM[2]}",
    )
    sam_next = BookingFactory(
        session_type=single_session, start_at=NOW + timedelta(days=10), client=sam
    )
    ana_past = BookingFactory(
        session_type=single_session,
        start_at=NOW - timedelta(days=20),
        client=ana,
        status=Booking.Status.COMPLETED,
    )
    for person, marker in ((ana, ANA[2]), (sam, SAM[2])):
        Note.objects.create(client=person, text=f"Session note {marker}", releasable=False)
        Note.objects.create(client=person, booking=call, text=f"About the call {marker}")
        OutboundEmail.objects.create(
            kind="follow_up",
            subject_type="booking",
            subject_id=ana_past.pk if person == ana else sam_past.pk,
            recipient_client_id=person.pk,
            to_email=person.email,
            due_at=NOW - timedelta(days=1),
            status=OutboundEmail.Status.SENT,
            sent_at=NOW - timedelta(days=1),
            sent_subject=f"Thank you, {person.name}",
            sent_text=f"Dear {person.name}, {marker}",
            dedupe_key=f"test:{person.pk}",
        )
    send_everything_due()
    user = django_user_model.objects.create(username="someone-staff")
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=Client.objects.filter(pk=sam.pk), action_flag=CHANGE,
        change_message="[]",
    )  # fmt: skip
    return {"ana": ana, "sam": sam, "call": call, "sam_past": sam_past, "sam_next": sam_next}


def test_it_erases_the_partner_and_keeps_the_couples_booking_for_the_other(couple):
    sam, call = couple["sam"], couple["call"]
    assert OutboundEmail.objects.filter(to_email__iexact=SAM[1]).exists()  # invited, answered

    erasure = client_erase(client_id=sam.pk, now=NOW)

    assert not Client.objects.filter(pk=sam.pk).exists()
    assert not Intake.objects.filter(client_id=sam.pk).exists()
    assert not Note.objects.filter(text__contains=SAM[2]).exists()
    call.refresh_from_db()
    assert (call.client_id, call.partner_name, call.partner_email) == (couple["ana"].pk, "", "")
    assert call.status == Booking.Status.CONFIRMED
    past = Booking.objects.get(pk=couple["sam_past"].pk)
    assert (past.client_id, past.client_erased_at, past.status, past.note) == (
        None, NOW, Booking.Status.COMPLETED, ""
    )  # fmt: skip
    upcoming = Booking.objects.get(pk=couple["sam_next"].pk)
    assert (upcoming.status, upcoming.client_id) == (Booking.Status.CANCELLED, None)
    assert not OutboundEmail.objects.filter(
        subject_id=upcoming.pk, status=OutboundEmail.Status.SCHEDULED
    ).exists()  # cancelled without a word, reminders too
    assert not OutboundEmail.objects.filter(to_email__iexact=SAM[1]).exists()
    for field in ("sent_subject", "sent_text", "sent_html", "to_email"):
        assert not OutboundEmail.objects.filter(**{f"{field}__icontains": "Sam"}).exists()
    assert LogEntry.objects.get().object_repr == "Erased record"
    assert (erasure.bookings_cancelled, erasure.bookings_kept_anonymous) == (1, 1)
    assert "Sam" not in erasure.summary
    [entry] = AuditEntry.objects.filter(client_id=sam.pk, additional_data__what__isnull=False)
    assert entry.what == "Erased the person's record"

    # Ana's side is whole.
    ana_intake = Intake.objects.get(client=couple["ana"])
    assert ana_intake.answers["ctx_hopes"] == ANA[2]
    assert Note.objects.filter(client=couple["ana"], text__contains=ANA[2]).count() == 2
    assert OutboundEmail.objects.filter(sent_text__contains=ANA[2]).exists()


def test_it_hands_a_couples_booking_to_the_partner_when_the_booker_is_erased(couple):
    ana, sam, call = couple["ana"], couple["sam"], couple["call"]
    manage_id = call.public_id

    erasure = client_erase(client_id=ana.pk, now=NOW)

    call.refresh_from_db()
    assert (call.client_id, call.status, call.note) == (sam.pk, Booking.Status.CONFIRMED, "")
    assert (call.partner_name, call.partner_email) == ("", "")
    assert call.public_id != manage_id  # the links Ana was sent no longer open it
    [sam_intake] = Intake.objects.filter(booking=call)
    assert (sam_intake.client_id, sam_intake.role) == (sam.pk, Intake.Role.CLIENT)
    assert erasure.bookings_handed_over == 1
    assert not Note.objects.filter(text__contains=ANA[2]).exists()


def test_it_refuses_to_erase_someone_twice(couple):
    client_erase(client_id=couple["sam"].pk, now=NOW)
    with pytest.raises(ErasureError, match="not on record"):
        client_erase(client_id=couple["sam"].pk, now=NOW)


def test_a_practice_count_stays_true(couple):
    before = Booking.objects.filter(status=Booking.Status.COMPLETED).count()
    client_erase(client_id=couple["sam"].pk, now=NOW)
    assert Booking.objects.filter(status=Booking.Status.COMPLETED).count() == before


# --- Proof on the production database: nothing of them in any table ---------------------


def dump_data() -> str:
    settings = connection.settings_dict
    command = ["pg_dump", "--data-only", "--no-owner", "-h", settings["HOST"] or "localhost"]
    if settings.get("PORT"):
        command += ["-p", str(settings["PORT"])]
    command += ["-U", settings["USER"] or "postgres", settings["NAME"]]
    env = {"PGPASSWORD": settings.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"}
    return subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_no_table_holds_anything_of_the_erased_partner(postgres, couple):
    before = dump_data()
    for trace in SAM:
        assert trace.lower() in before.lower()  # the test would see them

    client_erase(client_id=couple["sam"].pk, now=NOW)

    after = dump_data().lower()
    for trace in (*SAM, "Okafor"):
        assert trace.lower() not in after, trace
    for trace in ANA:
        assert trace.lower() in after, trace


# --- The office page ---------------------------------------------------------------------


def test_it_shows_what_will_happen_before_erasing(office, couple):
    sam = couple["sam"]
    page = office.get(f"/admin/clients/client/{sam.pk}/erase/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "1 booking still to come is cancelled. Nobody is sent an email about it." in text
    assert "1 past or cancelled booking stays without a name" in text
    assert "cannot be undone" in text


def test_it_erases_only_once_confirmed(office, couple):
    sam = couple["sam"]
    refused = office.post(f"/admin/clients/client/{sam.pk}/erase/", {})
    assert refused.status_code == 400
    assert "Please tick the box to confirm." in refused.content.decode()
    assert Client.objects.filter(pk=sam.pk).exists()

    done = office.post(f"/admin/clients/client/{sam.pk}/erase/", {"understood": "on"}, follow=True)
    assert done.redirect_chain[-1][0] == "/admin/clients/client/"
    assert "The person is erased" in done.content.decode()
    assert not Client.objects.filter(pk=sam.pk).exists()
    assert office.get(f"/admin/clients/client/{sam.pk}/erase/").status_code == 404


def test_it_lets_only_those_who_may_delete_clients_erase(client, couple, django_user_model):
    from django.contrib.auth.models import Permission

    from ..staff.helpers import sign_in

    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_client"))
    sign_in(client, viewer)
    response = client.post(f"/admin/clients/client/{couple['sam'].pk}/erase/", {"understood": "on"})
    assert response.status_code == 403
    assert Client.objects.filter(pk=couple["sam"].pk).exists()
