"""Each person's data (Art. 15/20): everything held about them, and nothing of their partner's."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Instrument, Intake
from booking.models import Booking
from notifications.models import OutboundEmail
from office.export import client_export
from office.models import AuditEntry, Note

from ..assessments.helpers import stored_answers
from ..clock import NOW
from ..emails import email_row
from ..factories import BookingFactory, ClientFactory, IntakeFactory, UserFactory
from ..staff.helpers import sign_in
from .test_words import DEVELOPER_WORDS, visible_text

pytestmark = pytest.mark.time_machine(NOW, tick=False)

ANA, ANA_EMAIL = "Ana Silva", "ana.silva@example.com"
JO, JO_EMAIL = "Jo Reyes", "jo.reyes@example.com"

# What each partner wrote or was written about them; each export holds only its own.
MARKERS = {
    "ana": {
        "answer": "ana-hopes-7f3a",
        "booking_note": "ana-booking-note-91c2",
        "note": "ana-released-note-55d0",
        "email": "ana-email-text-0b4e",
    },
    "jo": {
        "answer": "jo-hopes-c81d",
        "note": "jo-released-note-2e7f",
        "email": "jo-email-text-d9a6",
    },
}
PRIVATE = {"ana": "ana-private-note-4411", "jo": "jo-private-note-8823"}


def sent(booking, to_client, marker: str, *, kind: str = "confirmation", key: str = "") -> None:
    email = email_row(
        booking,
        kind,
        to_client.email,
        recipient_client_id=to_client.pk,
        dedupe_key=key or f"test:{kind}:{booking.pk}:{to_client.pk}",
    )
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.SENT,
        sent_at=NOW - timedelta(hours=1),
        sent_subject="Your call with Maya Lind",
        sent_text=f"Hello, see you soon. {marker}",
    )


@pytest.fixture
def couple(assessment, maya):
    """Ana booked a call for the two of them; each answered, got an email and has notes."""
    ana = ClientFactory(name=ANA, email=ANA_EMAIL, time_zone="Europe/London")
    jo = ClientFactory(name=JO, email=JO_EMAIL, time_zone="America/New_York")
    booking = BookingFactory(
        session_type=assessment,
        client=ana,
        start_at=NOW + timedelta(days=2),
        mode=Booking.Mode.COUPLE,
        partner_name=JO,
        partner_email=JO_EMAIL,
        note=MARKERS["ana"]["booking_note"],
    )
    definition = Instrument.objects.current("power-balance").definition
    IntakeFactory(
        booking=booking,
        client=ana,
        role=Intake.Role.CLIENT,
        status=Intake.Status.COMPLETED,
        started_at=NOW - timedelta(hours=3),
        submitted_at=NOW - timedelta(hours=2),
        answers=stored_answers(definition, ctx_hopes=MARKERS["ana"]["answer"]),
    )
    IntakeFactory(
        booking=booking,
        client=jo,
        role=Intake.Role.PARTNER,
        status=Intake.Status.IN_PROGRESS,
        started_at=NOW - timedelta(hours=1),
        answers=stored_answers(definition, ctx_hopes=MARKERS["jo"]["answer"], fin_decisions=-2),
    )
    for person, key in ((ana, "ana"), (jo, "jo")):
        Note.objects.create(
            client=person, booking=booking, text=MARKERS[key]["note"], releasable=True
        )
        Note.objects.create(client=person, text=PRIVATE[key])
        sent(booking, person, MARKERS[key]["email"])
    return booking, ana, jo


def page(office, client) -> str:
    response = office.get(reverse("admin:clients_client_data", args=[client.pk]))
    assert response.status_code == 200
    return response.content.decode()


def download(office, client):
    response = office.get(reverse("admin:clients_client_data_json", args=[client.pk]))
    assert response.status_code == 200
    return response


def assert_only_their_own(text: str, own: str, other: str, other_name: str, other_email: str):
    for marker in MARKERS[own].values():
        assert marker in text
    for marker in MARKERS[other].values():
        assert marker not in text
    assert PRIVATE[own] not in text
    assert PRIVATE[other] not in text
    assert other_name not in text
    assert other_email not in text


@pytest.mark.parametrize("export", [page, lambda office, c: download(office, c).content.decode()])
def test_it_gives_each_partner_their_own_data_and_none_of_the_others(office, couple, export):
    _booking, ana, jo = couple
    assert_only_their_own(export(office, ana), "ana", "jo", JO, JO_EMAIL)
    assert_only_their_own(export(office, jo), "jo", "ana", ANA, ANA_EMAIL)


def test_it_shows_times_on_the_page_in_the_persons_own_zone(office, couple):
    _booking, _ana, jo = couple
    text = visible_text(page(office, jo))
    assert "Times are in your time zone, America/New_York." in text
    assert "Wednesday 4 March 2026, 03:00" in text  # 08:00 UTC
    assert "2026-03-04T08:00:00Z" in download(office, jo).content.decode()


def test_it_downloads_a_json_file_that_is_never_kept_on_the_way(office, couple):
    _booking, ana, _jo = couple
    response = download(office, ana)
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == f'attachment; filename="client-{ana.pk}-data.json"'
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert set(data) == {"person", "bookings", "questionnaires", "emails", "notes", "generated_at"}
    assert data["generated_at"] == "2026-03-02T08:00:00Z"
    assert data["person"]["time_zone"] == "Europe/London"
    assert data["person"]["email"] == ANA_EMAIL


def test_it_says_as_a_couple_without_the_partners_details(office, couple):
    _booking, ana, jo = couple
    [anas] = client_export(ana)["bookings"]
    assert anas["starts_at"] == "2026-03-04T08:00:00Z"
    assert anas["for"] == "As a couple"
    assert anas["booked_by"] == "You"
    assert anas["your_note"] == MARKERS["ana"]["booking_note"]
    [jos] = client_export(jo)["bookings"]
    # Who booked, their address and their note are the booker's, not Jo's.
    assert set(jos) == {"kind", "starts_at", "ends_at", "status", "booked_by", "for"}
    assert jos == {
        "kind": "Free assessment call",
        "starts_at": "2026-03-04T08:00:00Z",
        "ends_at": "2026-03-04T08:20:00Z",
        "status": "Confirmed",
        "booked_by": "Your partner",
        "for": "As a couple",
    }


def test_it_gives_their_answers_in_their_words_and_their_own_scores(couple):
    _booking, _ana, jo = couple
    [questionnaire] = client_export(jo)["questionnaires"]
    assert questionnaire["status"] == "In progress"
    assert questionnaire["sent_at"] is None
    answers = {line["question"]: line["answer"] for line in questionnaire["answers"]}
    definition = Instrument.objects.current("power-balance").definition
    items = {item["key"]: item for s in definition["sections"] for item in s["items"]}
    assert answers[items["fin_decisions"]["text"]] == "Much more me"
    assert answers[items["ctx_hopes"]["text"]] == MARKERS["jo"]["answer"]
    money = next(area for area in questionnaire["areas"] if area["area"] == "Money")
    assert money["who_has_more_say"] == "Leans toward you"
    assert money["imbalance"].endswith("out of 100")
    assert "gap" not in json.dumps(questionnaire).lower()  # never the couple comparison


def test_it_gives_emails_to_them_and_only_releasable_notes(couple):
    _booking, ana, _jo = couple
    data = client_export(ana)
    [email] = data["emails"]
    assert email["kind"] == "Booking confirmation"
    assert email["status"] == "Sent"
    assert email["subject"] == "Your call with Maya Lind"
    assert email["text_as_sent"].endswith(MARKERS["ana"]["email"])
    [note] = data["notes"]
    assert note["text"] == MARKERS["ana"]["note"]
    assert note["session"] == {"kind": "Free assessment call", "starts_at": "2026-03-04T08:00:00Z"}


@pytest.mark.parametrize("name", ["clients_client_data", "clients_client_data_json"])
def test_it_records_each_export_in_the_audit_trail(office, couple, maya, name):
    _booking, ana, _jo = couple
    url = reverse(f"admin:{name}", args=[ana.pk])
    office.get(url)
    office.get(url)
    exports = AuditEntry.objects.filter(
        action=AuditEntry.Action.ACCESS, client_id=ana.pk, content_type__model="client"
    )
    assert exports.count() == 2
    assert {entry.what for entry in exports} == {"Exported the client's data"}
    assert {entry.actor for entry in exports} == {maya.user}


@pytest.mark.parametrize("name", ["clients_client_data", "clients_client_data_json"])
def test_it_refuses_staff_who_may_not_see_clients(client, couple, name):
    _booking, ana, _jo = couple
    assistant = UserFactory(username="assistant", is_superuser=False)
    assistant.user_permissions.add(Permission.objects.get(codename="view_booking"))
    sign_in(client, assistant)
    assert client.get(reverse(f"admin:{name}", args=[ana.pk])).status_code == 403
    assert not AuditEntry.objects.filter(client_id=ana.pk, action=AuditEntry.Action.ACCESS).exists()


@pytest.mark.parametrize("name", ["clients_client_data", "clients_client_data_json"])
def test_it_answers_404_for_an_unknown_client(office, maya, name):
    assert office.get(reverse(f"admin:{name}", args=[999999])).status_code == 404


def test_it_links_the_page_from_the_client_and_the_file_from_the_page(office, couple):
    _booking, ana, _jo = couple
    change = office.get(reverse("admin:clients_client_change", args=[ana.pk])).content.decode()
    data_url = reverse("admin:clients_client_data", args=[ana.pk])
    assert f'href="{data_url}">Their data (to download or print)</a>' in change
    json_url = reverse("admin:clients_client_data_json", args=[ana.pk])
    assert f'href="{json_url}"' in page(office, ana)


def test_it_uses_no_developer_words_on_the_printable_page(office, couple):
    _booking, ana, jo = couple
    lee = ClientFactory(name="Lee Chen", email="lee@example.com")  # nothing held yet
    found = []
    for person in (ana, jo, lee):
        text = visible_text(page(office, person))
        for pattern in DEVELOPER_WORDS:
            found += [f"{person.name}: {match.group(0)!r}" for match in pattern.finditer(text)]
    assert not found, "\n".join(found)


def history(assessment, ana, size: int) -> None:
    """Give Ana ``size`` more sessions, each with her answers, two emails and a note."""
    definition = Instrument.objects.current("power-balance").definition
    for day in range(size):
        booking = BookingFactory(
            session_type=assessment,
            client=ana,
            start_at=NOW - timedelta(days=30 + day),
            status=Booking.Status.COMPLETED,
        )
        IntakeFactory(booking=booking, client=ana, answers=stored_answers(definition))
        for n in range(2):
            sent(booking, ana, f"history {day}", kind="reminder", key=f"test:{booking.pk}:{n}")
        Note.objects.create(client=ana, booking=booking, text=f"Session {day}", releasable=True)


def queries(read) -> int:
    with CaptureQueriesContext(connection) as captured:
        read()
    return len(captured)


def test_it_reads_everything_in_a_fixed_number_of_queries(office, couple, assessment):
    _booking, ana, _jo = couple
    small = [
        queries(lambda: client_export(ana)),
        queries(lambda: page(office, ana)),
        queries(lambda: download(office, ana)),
    ]
    history(assessment, ana, 8)
    large = [
        queries(lambda: client_export(ana)),
        queries(lambda: page(office, ana)),
        queries(lambda: download(office, ana)),
    ]
    assert large == small
    assert small[0] == 5
    assert len(client_export(ana)["bookings"]) == 9


def test_the_client_page_offers_the_trail_and_erasing_instead_of_deleting(office, couple):
    _booking, ana, _jo = couple
    change = office.get(reverse("admin:clients_client_change", args=[ana.pk])).content.decode()
    assert f'href="/admin/office/auditentry/?client_id={ana.pk}">Who opened this record' in change
    assert f'href="/admin/clients/client/{ana.pk}/erase/">Erase…' in change
    assert "deletelink" not in change  # deleting would leave them in others' records
    assert office.get(f"/admin/clients/client/{ana.pk}/delete/").status_code == 403
