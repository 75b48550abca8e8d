"""The practitioner's report page for v2 questionnaires (/admin/assessments/intake/report/<id>/).

Ana Souza and her partner Sam Okafor answer the v2 draft; it is never published
here: the intakes point at the v2 row directly, as a booking made after publishing would.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Instrument, Intake
from assessments.scoring_v2 import AREA_LABELS, AREAS, EXPLANATIONS
from booking.models import Booking
from office.models import AuditEntry

from ..clock import NOW, TUESDAY_9
from ..factories import BookingFactory, ClientFactory, IntakeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

SAFETY_NO = {
    key: "no"
    for key in (
        "safety_afraid",
        "safety_control",
        "safety_threats",
        "safety_physical",
        "safety_choking",
        "safety_sexual",
    )
}
SHARE_ALL = {f"share_{area}": "yes" for area in AREAS}


@pytest.fixture
def v2(db):
    instrument = Instrument.objects.get(slug="power-balance", version=2)
    assert instrument.is_draft  # these tests never publish it
    return instrument


@pytest.fixture
def ana(db):
    return ClientFactory(name="Ana Souza", email="ana@example.com")


@pytest.fixture
def sam(db):
    return ClientFactory(name="Sam Okafor", email="sam@example.com")


def booking_for(assessment, ana, *, couple=False, hours=0):
    extra = {"mode": Booking.Mode.COUPLE, "partner_name": "Sam Okafor"} if couple else {}
    return BookingFactory(
        session_type=assessment, client=ana, start_at=TUESDAY_9 + timedelta(hours=hours), **extra
    )


def answered(booking, instrument, *, client=None, role=Intake.Role.CLIENT, **answers):
    return IntakeFactory(
        booking=booking,
        client=client or booking.client,
        role=role,
        instrument=instrument,
        answers=answers,
        status=Intake.Status.COMPLETED,
        submitted_at=NOW,
        awaiting_review=True,
    )


def report_url(booking):
    return f"/admin/assessments/intake/report/{booking.pk}/"


def text(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def between(content, start, end):
    return content[content.index(start) : content.index(end, content.index(start))]


def test_it_shows_a_v2_report_with_safety_first(office, assessment, ana, v2):
    booking = booking_for(assessment, ana)
    answered(booking, v2, **SAFETY_NO, fin_decisions=-2, fin_own_money=2, fin_overview=0)

    content = text(office.get(report_url(booking)))

    assert "A conversation aid, not a diagnostic instrument." in content
    assert content.index("Ana Souza: No") < content.index("The six areas")
    assert "Safety: please read this first" not in content
    assert "Both ways" in content
    assert (
        "Ana Souza sees this split: Ana Souza holds more say or resources on 1 "
        "and their partner on 1 of 3 questions."
    ) in content
    assert EXPLANATIONS["tilt"].split(".")[0] in content
    assert "How the scores are worked out" not in content  # v1's page, not this one


def test_it_shows_not_enough_answers_for_one_of_three(office, assessment, ana, v2):
    booking = booking_for(assessment, ana)
    answered(booking, v2, **SAFETY_NO, com_topics=2)

    content = text(office.get(report_url(booking)))

    row = between(content, '<th scope="row">Talking and listening</th>', "</tr>")
    assert "1 of 3" in row
    assert "not enough answers" in row


def test_it_flags_a_far_end_answer_without_an_impact_answer(office, assessment, ana, v2):
    booking = booking_for(assessment, ana)
    answered(booking, v2, **SAFETY_NO, fin_decisions=-2)

    content = text(office.get(report_url(booking)))

    flags = between(content, "<h3>Flagged answers</h3>", "<h3>The six areas</h3>")
    assert "Ana Souza says Ana Souza holds much more say or resources here." in flags
    assert "Much more me" in flags


def test_it_shows_skipped_safety_questions_as_skipped_not_no(office, assessment, ana, v2):
    booking = booking_for(assessment, ana)
    answered(booking, v2, **{**SAFETY_NO, "safety_afraid": "prefer_not", "safety_control": None})

    content = text(office.get(report_url(booking)))

    safety = between(content, 'id="safety-heading"', "</section>")
    assert "Ana Souza: Safety questions skipped" in safety
    assert "This is not the same as no." in safety
    assert "Skipped (I&#x27;d rather not say)" in safety


def test_it_puts_the_danger_follow_up_first_and_recommends_individual_sessions(
    office, assessment, ana, sam, v2
):
    booking = booking_for(assessment, ana, couple=True)
    answered(booking, v2, **SAFETY_NO, **SHARE_ALL)
    answered(
        booking,
        v2,
        client=sam,
        role=Intake.Role.PARTNER,
        **{**SAFETY_NO, "safety_physical": "yes"},
        **SHARE_ALL,
        danger_threat_to_kill="yes",
    )

    content = text(office.get(report_url(booking)))

    safety = between(content, 'id="safety-heading"', "</section>")
    assert 'role="alert"' in content
    assert "Safety: please read this first" in safety
    assert "Sam Okafor: Yes" in safety
    assert safety.index("Danger follow-up: Sam Okafor") < safety.index(
        "Safety questions: Sam Okafor"
    )
    assert "Recommendation: individual sessions first." in safety
    assert "not a risk score" in safety


def test_it_leaves_an_area_one_partner_kept_private_out_of_the_comparison(
    office, assessment, ana, sam, v2
):
    booking = booking_for(assessment, ana, couple=True)
    answered(booking, v2, **SAFETY_NO, **SHARE_ALL, fin_decisions=-2, soc_circle=2)
    answered(
        booking,
        v2,
        client=sam,
        role=Intake.Role.PARTNER,
        **SAFETY_NO,
        **{**SHARE_ALL, "share_social": "no"},
        fin_decisions=-2,
        soc_circle=-2,
    )

    content = text(office.get(report_url(booking)))

    comparison = between(content, 'id="couple-heading"', "</section>")
    assert "Money" in comparison
    assert "Friends, family and background" not in comparison
    assert "private" not in comparison.lower()
    # Her own section shows each permission beside each area, for her eyes only.
    assert "No, keep for their own sessions" in content
    assert content.count('<th scope="col">May be raised together</th>') == 2


def test_it_records_opening_a_v2_report_in_the_audit_trail(office, assessment, ana, v2):
    booking = booking_for(assessment, ana)
    intake = answered(booking, v2, **SAFETY_NO)

    text(office.get(report_url(booking)))

    [entry] = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS)
    assert entry.object_pk == str(intake.pk)
    assert entry.additional_data == {"what": "Opened the questionnaire report"}


def count_report_queries(office, booking) -> int:
    with CaptureQueriesContext(connection) as queries:
        text(office.get(report_url(booking)))
    return len(queries)


def test_it_builds_the_v2_report_in_a_fixed_number_of_queries(office, assessment, ana, sam, v2):
    booking = booking_for(assessment, ana, couple=True)
    answered(booking, v2, **SAFETY_NO, **SHARE_ALL)
    sam_intake = IntakeFactory(
        booking=booking, client=sam, role=Intake.Role.PARTNER, instrument=v2, consent_at=None
    )
    count_report_queries(office, booking)  # fills Django's content-type cache, once a process
    few = count_report_queries(office, booking)

    Intake.objects.filter(pk=sam_intake.pk).update(
        answers={
            **SAFETY_NO,
            **SHARE_ALL,
            "safety_choking": "yes",
            "danger_weapon": "yes",
            "fin_decisions": 2,
            "ctx_hopes": "word " * 390,
        },
        status=Intake.Status.COMPLETED,
        consent_at=NOW,
        submitted_at=NOW,
    )
    for hours in range(1, 30):
        other = booking_for(assessment, ClientFactory(), hours=hours)
        answered(other, v2, **SAFETY_NO, fin_decisions=-2)
    many = count_report_queries(office, booking)

    # Session, user, second factor, practitioner (clock); the intakes, to choose the
    # version; booking and intakes; every person's sent rounds; then the audit trail,
    # one line per person.
    assert few == many == 10


def rounds_for(assessment, ana, v2, count, *, hour=0):
    """Ana's ``count`` sent rounds of v2, each with her next session; return the last booking."""
    for number in range(1, count + 1):
        booking = booking_for(assessment, ana, hours=24 * 14 * number + hour)
        intake = answered(booking, v2, **SAFETY_NO, fin_decisions=-2 + number % 5)
        Intake.objects.filter(pk=intake.pk).update(
            round=number, submitted_at=NOW + timedelta(days=14 * number)
        )
    return booking


def test_it_shows_movement_over_time_across_rounds(office, assessment, ana, v2):
    booking = rounds_for(assessment, ana, v2, 2)

    content = text(office.get(report_url(booking)))

    movement = between(content, "Movement over time", "How the figures are worked out")
    assert "Round 1" in movement
    assert "Round 2" in movement
    assert "Not enough answers" in movement
    assert all(label in movement for label in AREA_LABELS.values())


def test_it_overlays_the_first_and_latest_round_on_a_radar(office, assessment, ana, v2):
    booking = rounds_for(assessment, ana, v2, 3)

    content = text(office.get(report_url(booking)))

    movement = between(content, "Movement over time", "How the figures are worked out")
    svg = between(movement, "<svg", "</svg>")
    assert "Ana Souza: first and latest round" in svg
    assert "Round 1" in svg
    assert "Round 3" in svg
    assert "Round 2" not in svg  # the middle round is only in the table
    assert movement.index("<svg") < movement.index("<table")  # above the table, which stays
    assert "Round 2" in between(movement, "<table", "</table>")


def test_it_shows_no_movement_for_a_single_round(office, assessment, ana, v2):
    booking = rounds_for(assessment, ana, v2, 1)
    content = text(office.get(report_url(booking)))
    assert "Movement over time" not in content
    assert "first and latest round" not in content


def test_it_builds_the_movement_in_a_fixed_number_of_queries(office, assessment, ana, sam, v2):
    two = rounds_for(assessment, ana, v2, 2)
    count_report_queries(office, two)  # fills Django's content-type cache, once a process
    with_two = count_report_queries(office, two)
    ten = rounds_for(assessment, sam, v2, 10, hour=2)
    content = text(office.get(report_url(ten)))
    assert "Round 10" in between(content, "Movement over time", "How the figures")
    assert count_report_queries(office, ten) == with_two == 9  # one person: one audit line
