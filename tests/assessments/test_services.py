"""assessments.services: loading versions, creating, saving, resuming and sending answers."""

import json
import logging
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from assessments import scoring, services
from assessments.models import Instrument, Intake
from booking import services as booking_services
from booking.models import Booking
from clients.models import Client
from notifications.models import OutboundEmail

from ..clock import NOW, TUESDAY_9
from ..emails import rendered
from ..factories import BookingFactory, ClientFactory, IntakeFactory
from .helpers import as_submitted, section_index, section_post, stored_answers

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

INSTRUMENTS = Path(services.__file__).resolve().parent / "instruments"
SECRET_NOTE = "Only the blue notebook knows this"


@pytest.fixture
def files(tmp_path):
    """A copy of the instrument folder that a test may change."""
    shutil.copy(INSTRUMENTS / "power_balance_v1.json", tmp_path)
    return tmp_path


def rewrite(path: Path, change) -> None:
    definition = json.loads(path.read_text(encoding="utf-8"))
    change(definition)
    path.write_text(json.dumps(definition), encoding="utf-8")


def save(intake, key, move="next", **overrides):
    definition = intake.instrument.definition
    index = section_index(definition, key)
    data = section_post(definition["sections"][index], **overrides)
    return services.intake_section_save(
        intake_id=intake.pk, section_index=index, submitted=as_submitted(data), move=move
    )


def fill(intake, **overrides):
    Intake.objects.filter(pk=intake.pk).update(
        answers=stored_answers(intake.instrument.definition, **overrides),
        status=Intake.Status.IN_PROGRESS,
    )


# --- Loading the instrument ----------------------------------------------------


def test_it_loads_the_instrument_when_the_database_is_migrated(instrument):
    on_disk = json.loads((INSTRUMENTS / "power_balance_v1.json").read_text(encoding="utf-8"))

    assert (instrument.slug, instrument.version, instrument.title) == (
        "power-balance",
        1,
        "The balance between you",
    )
    assert instrument.definition == on_disk


def test_it_loads_again_without_changing_anything(instrument):
    assert services.instruments_sync() == [
        "power-balance v1: unchanged",
        "power-balance v2: unchanged",
    ]
    assert Instrument.objects.count() == 2


def test_it_loads_v1_as_live_and_v2_as_a_draft(instrument):
    assert instrument.version == 1
    assert not instrument.is_draft
    assert Instrument.objects.get(version=2).is_draft


def test_it_updates_a_draft_nobody_has_answered(instrument, files):
    shutil.copy(INSTRUMENTS / "power_balance_v2.json", files)
    rewrite(files / "power_balance_v2.json", lambda d: d.update(title="Between you"))

    assert services.instruments_sync(directory=files) == [
        "power-balance v1: unchanged",
        "power-balance v2: updated (still a draft)",
    ]
    draft = Instrument.objects.get(version=2)
    assert (draft.title, draft.is_draft) == ("Between you", True)


def test_it_refuses_to_change_a_published_version_even_without_answers(instrument, files):
    assert not instrument.intakes.exists()
    rewrite(files / "power_balance_v1.json", lambda d: d.update(title="Between you"))

    with pytest.raises(services.InstrumentInUse, match="already published"):
        services.instruments_sync(directory=files)

    instrument.refresh_from_db()
    assert instrument.title == "The balance between you"


def test_it_refuses_to_change_a_version_with_answers(instrument, solo_booking, files):
    IntakeFactory(booking=solo_booking)
    rewrite(files / "power_balance_v1.json", lambda d: d.update(title="Between you"))

    with pytest.raises(services.InstrumentInUse, match=r"power_balance_v2\.json"):
        services.instruments_sync(directory=files)

    instrument.refresh_from_db()
    assert instrument.title == "The balance between you"


def test_it_loads_a_new_version_as_a_draft_that_new_intakes_do_not_use(
    instrument, solo_booking, files
):
    IntakeFactory(booking=solo_booking)
    shutil.copy(files / "power_balance_v1.json", files / "power_balance_v3.json")
    rewrite(files / "power_balance_v3.json", lambda d: d.update(version=3, title="Between you"))

    lines = services.instruments_sync(directory=files)

    assert sorted(lines) == ["power-balance v1: unchanged", "power-balance v3: loaded as a draft"]
    assert Instrument.objects.get(version=3).is_draft
    assert Instrument.objects.current("power-balance").version == 1
    booking = BookingFactory(
        session_type=solo_booking.session_type, start_at=TUESDAY_9 + timedelta(hours=2)
    )
    [intake] = services.intakes_create_for_booking(booking=booking)
    assert intake.instrument.version == 1


def test_it_refuses_a_file_with_a_question_no_page_can_ask(files):
    rewrite(
        files / "power_balance_v1.json",
        lambda d: d["sections"][0]["items"][0].update(kind="choice"),
    )

    with pytest.raises(ValueError, match="no answer format"):
        services.instruments_sync(directory=files)


# --- Creating intakes when a call is booked ------------------------------------


def details(**overrides):
    values = {"name": "Ana Souza", "email": "ana@example.com", "time_zone": "Europe/Lisbon"}
    return booking_services.ClientDetails(**{**values, **overrides})


def book(session_type, **overrides) -> Booking:
    held = booking_services.booking_hold(
        session_type=session_type, slot_start=TUESDAY_9, client_time_zone="Europe/Lisbon"
    )
    return booking_services.booking_confirm(public_id=held.public_id, details=details(**overrides))


def test_it_creates_the_clients_intake_when_a_call_is_confirmed(assessment):
    booking = book(assessment)

    intake = Intake.objects.get()
    assert (intake.booking, intake.client, intake.role) == (booking, booking.client, "client")
    assert intake.status == Intake.Status.NOT_STARTED
    assert intake.consent_at == booking.client.privacy_consent_at == NOW
    assert not OutboundEmail.objects.filter(kind="intake_invitation").exists()


def test_it_invites_the_partner_only_once_the_booker_proves_their_email(assessment):
    booking = book(
        assessment, mode="couple", partner_name="Sam Okafor", partner_email="sam@example.com"
    )

    client_intake, partner_intake = Intake.objects.order_by("role")
    sam = Client.objects.get(email="sam@example.com")
    assert (partner_intake.role, partner_intake.client) == ("partner", sam)
    assert client_intake.client == booking.client != sam
    assert sam.name == "Sam Okafor"
    assert sam.privacy_consent_at is None
    assert partner_intake.consent_at is None
    assert not OutboundEmail.objects.filter(kind="intake_invitation").exists()

    booking_services.booking_email_verify(booking=booking)
    booking_services.booking_email_verify(booking=booking)  # the link opened twice

    invitation = OutboundEmail.objects.get(kind="intake_invitation")
    assert invitation.to_email == "sam@example.com"
    assert invitation.recipient_client_id == sam.pk
    assert invitation.dedupe_key == f"intake_invitation:booking{booking.pk}:::partner"


def test_it_creates_one_intake_for_a_couples_call_without_the_partners_email(assessment):
    book(assessment, mode="couple", partner_name="Sam Okafor")

    assert list(Intake.objects.values_list("role", flat=True)) == ["client"]


def test_it_keeps_one_record_for_a_partner_who_is_already_a_client(couple_booking):
    sam = ClientFactory(name="Sam O.", email="sam@example.com")

    _, partner_intake = services.intakes_create_for_booking(booking=couple_booking)

    assert partner_intake.client == sam
    assert Client.objects.filter(email__iexact="sam@example.com").count() == 1


def test_it_creates_no_intake_for_a_single_session(single_session, ana):
    booking = BookingFactory(session_type=single_session, start_at=TUESDAY_9, client=ana)

    assert services.intakes_create_for_booking(booking=booking) == []
    assert not Intake.objects.exists()


def test_it_changes_nothing_when_creating_intakes_twice(couple_booking):
    first = services.intakes_create_for_booking(booking=couple_booking)
    second = services.intakes_create_for_booking(booking=couple_booking)
    services.intake_partner_invite(booking=couple_booking, now=NOW)
    services.intake_partner_invite(booking=couple_booking, now=NOW)

    assert [i.pk for i in first] == [i.pk for i in second]
    assert OutboundEmail.objects.filter(kind="intake_invitation").count() == 1


def test_it_invites_nobody_for_a_call_without_a_partners_questionnaire(solo_booking):
    services.intakes_create_for_booking(booking=solo_booking)

    assert services.intake_partner_invite(booking=solo_booking, now=NOW) is None
    assert not OutboundEmail.objects.filter(kind="intake_invitation").exists()


def test_it_creates_one_intake_for_a_double_submitted_booking(assessment):
    held = booking_services.booking_hold(
        session_type=assessment, slot_start=TUESDAY_9, client_time_zone="Europe/Lisbon"
    )
    booking_services.booking_confirm(public_id=held.public_id, details=details())
    booking_services.booking_confirm(public_id=held.public_id, details=details())

    assert Intake.objects.count() == 1


# --- Saving and resuming -------------------------------------------------------


def test_it_saves_a_page_and_moves_the_resume_point_on(ana_intake):
    saved = save(ana_intake, "financial", fin_decisions="much_me", fin_notes=f"  {SECRET_NOTE} ")

    intake = Intake.objects.get()
    assert saved.missing == []
    assert intake.status == Intake.Status.IN_PROGRESS
    assert intake.started_at == NOW
    assert intake.current_section == section_index(intake.instrument.definition, "financial") + 1
    assert intake.answers["fin_decisions"] == -2
    assert intake.answers["fin_impact"] == 1
    assert intake.answers["fin_notes"] == SECRET_NOTE


def test_it_resumes_with_every_saved_answer(ana_intake):
    save(ana_intake, "context", ctx_hopes="Calmer evenings")
    save(ana_intake, "financial")
    save(ana_intake, "emotional", move="back")

    intake = Intake.objects.get()
    definition = intake.instrument.definition
    assert intake.current_section == section_index(definition, "financial")
    assert intake.answers["ctx_hopes"] == "Calmer evenings"
    assert intake.answers["emo_needs"] == 0


def test_it_saves_without_asking_for_required_answers_when_going_back(ana_intake):
    saved = save(ana_intake, "financial", move="back", fin_decisions="", fin_own_money="")

    assert saved.missing == []
    assert Intake.objects.get().current_section == 0


def test_it_keeps_answers_but_stays_when_required_ones_are_missing(ana_intake):
    saved = save(ana_intake, "financial", fin_decisions="", fin_impact="4")

    intake = Intake.objects.get()
    assert saved.missing == ["fin_decisions"]
    assert intake.current_section == section_index(intake.instrument.definition, "financial")
    assert intake.answers["fin_impact"] == 4
    assert "fin_decisions" not in intake.answers


def test_it_removes_a_cleared_answer(ana_intake):
    save(ana_intake, "context", ctx_hopes="Calmer evenings")
    save(ana_intake, "context", ctx_hopes="   ")

    assert "ctx_hopes" not in Intake.objects.get().answers


@pytest.mark.parametrize(
    ("overrides", "bad_key"),
    [
        ({"fin_decisions": "much_more"}, "fin_decisions"),  # a value not offered
        ({"fin_decisions": "-2"}, "fin_decisions"),  # the stored value, not the form's
        ({"emo_needs": "prefer_not"}, "emo_needs"),  # not sensitive: no "rather not say"
        ({"fin_impact": "5"}, "fin_impact"),
        ({"is_admin": "1"}, "is_admin"),  # an unknown item
        ({"ctx_status": "married"}, "ctx_status"),  # a real item, but not on this page
        ({"fin_decisions": ["much_me", "equal"]}, "fin_decisions"),  # two answers
    ],
)
def test_it_refuses_tampered_answers_and_changes_nothing(ana_intake, overrides, bad_key):
    save(ana_intake, "context")
    before = Intake.objects.values().get()

    page = "emotional" if "emo_needs" in overrides else "financial"
    with pytest.raises(services.IntakeInvalid) as refused:
        save(ana_intake, page, **overrides)

    assert list(refused.value.errors) == [bad_key]
    assert "Nothing on this page was changed" in refused.value.message
    assert Intake.objects.values().get() == before


def test_it_refuses_text_that_is_too_long_with_a_clear_message(ana_intake):
    with pytest.raises(services.IntakeInvalid) as refused:
        save(ana_intake, "financial", fin_notes="x" * 2001)

    assert refused.value.errors == {
        "fin_notes": ["Please keep this answer under 2,000 characters."]
    }
    assert Intake.objects.get().answers == {}


def test_it_refuses_a_page_that_does_not_exist(ana_intake):
    with pytest.raises(services.IntakeError, match="not part of the questionnaire"):
        services.intake_section_save(intake_id=ana_intake.pk, section_index=9, submitted={})


def test_it_lets_a_partner_answer_only_after_agreeing_to_the_privacy_notice(couple_intakes):
    _, sam_intake = couple_intakes

    with pytest.raises(services.IntakeError) as refused:
        save(sam_intake, "context")
    assert refused.value.code == "consent"

    services.intake_consent_give(intake_id=sam_intake.pk)
    save(sam_intake, "context")

    sam_intake.refresh_from_db()
    assert sam_intake.consent_at == sam_intake.client.privacy_consent_at == NOW
    assert sam_intake.status == Intake.Status.IN_PROGRESS


# --- Sending --------------------------------------------------------------------


def test_it_sends_complete_answers(ana_intake, time_machine):
    fill(ana_intake)
    time_machine.shift(timedelta(minutes=12))

    intake = services.intake_submit(intake_id=ana_intake.pk)

    assert intake.status == Intake.Status.COMPLETED
    assert intake.submitted_at == NOW + timedelta(minutes=12)
    assert intake.urgent is False
    assert not OutboundEmail.objects.filter(kind="urgent_alert").exists()


def test_it_points_to_the_first_page_with_a_missing_answer(ana_intake, definition):
    fill(ana_intake, com_heard=None, safety_afraid=None)

    with pytest.raises(services.IntakeIncomplete) as incomplete:
        services.intake_submit(intake_id=ana_intake.pk)

    assert incomplete.value.section_index == section_index(definition, "communication")
    assert incomplete.value.missing == ["com_heard", "safety_afraid"]
    assert Intake.objects.get().status == Intake.Status.IN_PROGRESS


def test_it_keeps_sent_answers_from_changing(ana_intake):
    fill(ana_intake)
    services.intake_submit(intake_id=ana_intake.pk)
    before = Intake.objects.values().get()

    with pytest.raises(services.IntakeClosed, match="already been sent"):
        save(ana_intake, "financial", fin_decisions="much_me")
    with pytest.raises(services.IntakeClosed):
        services.intake_submit(intake_id=ana_intake.pk)

    assert Intake.objects.values().get() == before


def test_it_alerts_the_practitioner_at_once_to_a_yes_to_a_safety_question(ana_intake, maya):
    fill(ana_intake, safety_control="yes", fin_notes=SECRET_NOTE)

    intake = services.intake_submit(intake_id=ana_intake.pk)

    assert intake.urgent is True
    alert = OutboundEmail.objects.get(kind="urgent_alert")
    assert (alert.to_email, alert.due_at, alert.subject_id) == (
        "maya@example.com",
        NOW,
        intake.booking_id,
    )
    assert (
        alert.dedupe_key
        == f"urgent_alert:booking{intake.booking_id}::intake{intake.pk}:practitioner"
    )


def test_it_does_not_count_rather_not_say_to_safety_questions_as_urgent(ana_intake):
    fill(ana_intake, **{key: "prefer_not" for key in ("safety_afraid", "safety_threats")})

    assert services.intake_submit(intake_id=ana_intake.pk).urgent is False


def test_it_never_puts_an_answer_in_an_email(couple_intakes, definition):
    ana_intake, sam_intake = couple_intakes
    services.intake_consent_give(intake_id=sam_intake.pk)
    fill(ana_intake, safety_afraid="yes", fin_notes=SECRET_NOTE, ctx_hopes="Less shouting")
    fill(sam_intake, safety_physical="yes", com_notes=SECRET_NOTE)
    services.intake_submit(intake_id=ana_intake.pk)
    services.intake_submit(intake_id=sam_intake.pk)
    booking_services.booking_cancel(booking=ana_intake.booking, by_practitioner=True)
    safety_questions = [item["text"] for item in definition["sections"][-1]["items"]]

    emails = OutboundEmail.objects.all()
    assert {email.kind for email in emails} >= {"intake_invitation", "urgent_alert", "cancelled"}
    for email in emails:
        message = rendered(email)
        for body in (message.subject, message.body, message.alternatives[0].content):
            assert SECRET_NOTE not in body
            assert "Less shouting" not in body
            assert not any(question in body for question in safety_questions)


def test_it_sends_the_partner_nothing_that_hints_at_the_clients_safety_answers(couple_intakes):
    ana_intake, _ = couple_intakes
    fill(ana_intake, safety_afraid="yes")

    services.intake_submit(intake_id=ana_intake.pk)

    to_sam = OutboundEmail.objects.filter(to_email__iexact="sam@example.com")
    assert list(to_sam.values_list("kind", flat=True)) == ["intake_invitation"]
    alert = OutboundEmail.objects.get(kind="urgent_alert")
    assert alert.to_email == "maya@example.com"


def test_it_logs_ids_never_answers(ana_intake, caplog):
    caplog.set_level(logging.DEBUG)

    save(ana_intake, "financial", fin_notes=SECRET_NOTE)
    with pytest.raises(services.IntakeInvalid):
        save(ana_intake, "financial", fin_decisions=SECRET_NOTE)
    fill(ana_intake, safety_sexual="yes", fin_notes=SECRET_NOTE)
    services.intake_submit(intake_id=ana_intake.pk)

    assert f"intake {ana_intake.pk}" in caplog.text
    assert SECRET_NOTE not in caplog.text
    assert "safety" not in caplog.text


# --- Private sections and one-time codes ------------------------------------------------


def blank(section):
    return {item["key"]: [""] for item in section["items"]}


def test_it_keeps_private_answers_when_their_page_comes_back_blank(ana_intake, definition):
    save(ana_intake, "choice", choice_stance="decided_to_leave", choice_notes=SECRET_NOTE)
    save(ana_intake, "safety", safety_afraid="yes")
    before = Intake.objects.get().answers
    choice, safety = (section_index(definition, key) for key in ("choice", "safety"))

    for index in (choice, safety):
        services.intake_section_save(
            intake_id=ana_intake.pk,
            section_index=index,
            submitted=blank(definition["sections"][index]),
            move="next",
        )

    intake = Intake.objects.get()
    assert intake.answers == before
    assert intake.answers["choice_stance"] == "decided_to_leave"
    assert (intake.urgent, intake.urgent_at) == (True, NOW)
    assert OutboundEmail.objects.filter(kind="urgent_alert").count() == 1


def test_it_still_clears_a_blank_answer_outside_the_private_sections(ana_intake):
    save(ana_intake, "financial", fin_notes=SECRET_NOTE)

    save(ana_intake, "financial", fin_notes="")

    assert "fin_notes" not in Intake.objects.get().answers


def test_it_lists_the_safety_and_choice_sections_as_private(definition):
    keys = {section["key"] for section in definition["sections"]}
    assert {"safety", "choice"} == scoring.PRIVATE_SECTIONS
    assert keys >= scoring.PRIVATE_SECTIONS


def test_it_sends_one_code_while_it_is_live_and_a_new_one_after(ana_intake, time_machine):
    first = services.intake_code_send(intake_id=ana_intake.pk)
    again = services.intake_code_send(intake_id=ana_intake.pk)
    time_machine.shift(timedelta(minutes=10))
    later = services.intake_code_send(intake_id=ana_intake.pk)

    assert (first.sent, again.sent, later.sent) == (True, False, True)
    emails = OutboundEmail.objects.filter(kind="intake_code").order_by("pk")
    assert [email.to_email for email in emails] == ["ana@example.com"] * 2
    assert [email.dedupe_key for email in emails] == [
        f"intake_code:booking{ana_intake.booking_id}::intake{ana_intake.pk}-code{n}:client"
        for n in (1, 2)
    ]


def test_it_accepts_the_emailed_code_once(ana_intake):
    services.intake_code_send(intake_id=ana_intake.pk)
    [email] = OutboundEmail.objects.filter(kind="intake_code")
    code = email_code(email)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    assert services.intake_code_check(intake_id=ana_intake.pk, typed=wrong).outcome == "wrong"
    spaced = f"{code[:3]} {code[3:]}"  # as people copy it
    assert services.intake_code_check(intake_id=ana_intake.pk, typed=spaced).outcome == "right"
    assert services.intake_code_check(intake_id=ana_intake.pk, typed=code).outcome == "expired"


def test_it_locks_the_code_after_five_wrong_tries(ana_intake):
    services.intake_code_send(intake_id=ana_intake.pk)
    code = email_code(OutboundEmail.objects.get(kind="intake_code"))
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    outcomes = [services.intake_code_check(intake_id=ana_intake.pk, typed=wrong) for _ in range(5)]

    assert [o.tries_left for o in outcomes] == [4, 3, 2, 1, 0]
    assert outcomes[-1].outcome == "locked"
    assert services.intake_code_check(intake_id=ana_intake.pk, typed=code).outcome == "locked"
    assert services.intake_code_send(intake_id=ana_intake.pk).locked


def test_it_never_stores_or_logs_the_code(ana_intake, caplog):
    from assessments.models import IntakeAccessCode

    with caplog.at_level(logging.DEBUG):
        services.intake_code_send(intake_id=ana_intake.pk)
        code = email_code(OutboundEmail.objects.get(kind="intake_code"))
        services.intake_code_check(intake_id=ana_intake.pk, typed=code)

    row = IntakeAccessCode.objects.values().get()
    assert code not in str(row)
    assert code not in caplog.text


def email_code(email) -> str:
    """Return the code an intake_code email says, as the outbox would render it."""
    message = rendered(email)
    [code] = re.findall(r"^(\d{6})$", message.body, re.MULTILINE)
    assert code in message.alternatives[0].content
    assert code not in message.subject
    return code


# --- Waiting to be read ---------------------------------------------------------------


def waiting_ids() -> list[int]:
    from assessments.selectors import intakes_awaiting_review

    return [intake.pk for intake in intakes_awaiting_review()]


@pytest.mark.time_machine(NOW, tick=False)
def test_it_waits_to_be_read_from_sending_until_marked_read(ana_intake):
    fill(ana_intake)
    assert waiting_ids() == []  # answered, not sent
    services.intake_submit(intake_id=ana_intake.pk)
    assert waiting_ids() == [ana_intake.pk]

    assert services.intake_report_review(booking_id=ana_intake.booking_id, now=NOW) == 1
    ana_intake.refresh_from_db()
    assert (ana_intake.awaiting_review, ana_intake.reviewed_at) == (False, NOW)
    assert waiting_ids() == []


@pytest.mark.time_machine(NOW, tick=False)
def test_it_stops_waiting_when_the_call_is_cancelled(ana_intake):
    fill(ana_intake)
    services.intake_submit(intake_id=ana_intake.pk)
    booking_services.booking_cancel(booking=ana_intake.booking, by_practitioner=True)
    assert waiting_ids() == []
    ana_intake.refresh_from_db()
    assert ana_intake.reviewed_at is None  # withdrawn, not read: the report keeps its state
