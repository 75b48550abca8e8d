"""The practitioner's side: the report, the booking pages' status, the admin lists."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Intake

from ..clock import NOW, TUESDAY_9
from ..factories import BookingFactory, ClientFactory, IntakeFactory, UserFactory
from ..staff.helpers import sign_in
from .helpers import stored_answers

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

ANA_HOPE = "<script>alert('x')</script> Fewer fights about money"


def complete(intake, *, urgent=False, **answers):
    if urgent:
        answers.setdefault("safety_afraid", "yes")
    Intake.objects.filter(pk=intake.pk).update(
        answers=stored_answers(intake.instrument.definition, **answers),
        status=Intake.Status.COMPLETED,
        submitted_at=NOW,
        awaiting_review=True,
        consent_at=NOW,
        urgent=urgent,
        urgent_at=NOW if urgent else None,
    )


def report_url(booking):
    return f"/admin/assessments/intake/report/{booking.pk}/"


def text(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_it_scores_one_persons_answers_in_the_report(office, ana_intake):
    complete(ana_intake, fin_decisions=-2, fin_own_money=-2, fin_overview=-2, ctx_hopes=ANA_HOPE)

    content = text(office.get(report_url(ana_intake.booking)))

    assert "A conversation aid, not a diagnostic instrument." in content
    assert "<svg" in content
    assert 'aria-labelledby="radar-imbalance-title radar-imbalance-desc"' in content
    assert "← toward Ana Souza" in content
    assert "Fewer fights about money" in content
    assert "<script>alert" not in content  # their words are shown, never run
    assert "How the scores are worked out" in content
    assert "perception gap = half the distance" in content
    assert "@media print" in content
    assert "Safety: please read this first" not in content
    assert "Where their views differ" not in content


def test_it_puts_safety_answers_first_in_the_report(office, ana_intake):
    complete(ana_intake, urgent=True)

    content = text(office.get(report_url(ana_intake.booking)))

    assert "Safety: please read this first" in content
    assert content.index("Safety: please read this first") < content.index("radar-imbalance")
    assert "Do you ever feel afraid of your partner?" in content
    assert "individual sessions first" not in content  # one person already meets alone


def test_it_compares_both_views_in_a_couples_report(office, couple_intakes):
    ana_intake, sam_intake = couple_intakes
    money_me = {"fin_decisions": -2, "fin_own_money": -2, "fin_overview": -2}
    complete(ana_intake, **money_me)
    complete(sam_intake, **money_me, com_notes="Sam's own words")

    content = text(office.get(report_url(ana_intake.booking)))

    assert "Where their views differ" in content
    assert content.count('class="series"') == 4  # two people on each of the two charts
    assert '<tr class="highlight">' in content
    assert "They disagree about who holds the say." in content
    assert "Sam&#x27;s own words" in content
    assert "Recommendation: individual sessions first." not in content


def test_it_recommends_individual_sessions_to_a_couple_if_either_is_urgent(office, couple_intakes):
    ana_intake, sam_intake = couple_intakes
    complete(ana_intake)
    complete(sam_intake, urgent=True)

    content = text(office.get(report_url(ana_intake.booking)))

    assert "Recommendation: individual sessions first." in content
    assert "Sam Okafor answered yes to:" in content
    assert "Ana Souza answered yes to:" not in content


def test_it_shows_unsent_answers_in_the_report_as_unfinished(office, couple_intakes):
    ana_intake, _ = couple_intakes
    Intake.objects.filter(pk=ana_intake.pk).update(
        answers={"fin_decisions": 2}, status=Intake.Status.IN_PROGRESS
    )

    content = text(office.get(report_url(ana_intake.booking)))

    assert "Not sent yet: these answers may still change." in content
    assert "No answers yet." in content  # Sam has not begun


def test_it_shows_the_report_to_the_practitioner_only(client, ana_intake):
    url = report_url(ana_intake.booking)

    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory(username="visitor", is_staff=False, is_superuser=False))
    assert client.get(url).status_code == 302
    assistant = UserFactory(username="assistant", is_superuser=False)
    assistant.user_permissions.add(Permission.objects.get(codename="view_booking"))
    sign_in(client, assistant)
    assert client.get(url).status_code == 403


def test_it_404s_on_the_report_of_an_unknown_booking(office):
    assert office.get("/admin/assessments/intake/report/999/").status_code == 404


def count_report_queries(office, booking) -> int:
    with CaptureQueriesContext(connection) as queries:
        text(office.get(report_url(booking)))
    return len(queries)


def test_it_builds_the_report_in_a_fixed_number_of_queries(office, couple_intakes, assessment):
    ana_intake, sam_intake = couple_intakes
    booking = ana_intake.booking
    complete(ana_intake)
    count_report_queries(office, booking)  # fills Django's content-type cache, once a process
    few = count_report_queries(office, booking)

    complete(sam_intake, urgent=True, **{"ctx_hopes": "word " * 390})
    for hours in range(1, 40):
        other = BookingFactory(session_type=assessment, start_at=TUESDAY_9 + timedelta(hours=hours))
        complete(IntakeFactory(booking=other), urgent=hours % 3 == 0)
    many = count_report_queries(office, booking)

    # Session, user, second factor, practitioner (clock), booking, intakes; then the audit
    # trail: whose report it was, and one line per person (two in a couple).
    assert few == many == 9


# --- The booking pages ---------------------------------------------------------


def test_it_shows_each_bookings_questionnaire_status_in_the_booking_list(office, assessment, maya):
    states = {"Not started": {}, "In progress": {"status": "in_progress", "consent_at": NOW}}
    for hours, (name, fields) in enumerate(states.items()):
        booking = BookingFactory(
            session_type=assessment,
            start_at=TUESDAY_9 + timedelta(hours=hours),
            client=ClientFactory(name=name),
        )
        IntakeFactory(booking=booking, **fields)
    urgent = BookingFactory(session_type=assessment, start_at=TUESDAY_9 + timedelta(hours=5))
    complete(IntakeFactory(booking=urgent), urgent=True)
    BookingFactory(session_type=assessment, start_at=TUESDAY_9 + timedelta(hours=6))

    content = text(office.get("/admin/booking/booking/"))

    assert '<th scope="col" class="column-questionnaire">' in content
    assert "Not started</a>" in content
    assert "In progress</a>" in content
    assert f'<a href="{report_url(urgent)}"><strong>Urgent</strong></a>' in content
    assert '<td class="field-questionnaire">—</td>' in content


def test_it_lists_bookings_in_a_fixed_number_of_queries(office, assessment):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            text(office.get("/admin/booking/booking/"))
        return len(queries)

    IntakeFactory(booking=BookingFactory(session_type=assessment, start_at=TUESDAY_9))
    few = count()
    for hours in range(1, 30):
        booking = BookingFactory(
            session_type=assessment, start_at=TUESDAY_9 + timedelta(hours=hours)
        )
        complete(IntakeFactory(booking=booking), urgent=hours % 2 == 0)
    assert count() == few


def test_it_shows_each_persons_status_on_the_booking_page_and_links_the_report(
    office, couple_intakes
):
    ana_intake, _ = couple_intakes
    complete(ana_intake, urgent=True)

    content = text(office.get(f"/admin/booking/booking/{ana_intake.booking_id}/change/"))

    assert "<li>Ana Souza: Completed · <strong>urgent</strong></li>" in content
    assert "<li>Sam Okafor: Not started</li>" in content
    assert (
        f'<a href="{report_url(ana_intake.booking)}">Open the questionnaire report</a>' in content
    )


def test_it_lets_the_practitioner_set_support_resources(office, maya):
    content = text(office.get(f"/admin/booking/practitioner/{maya.pk}/change/"))

    assert 'name="support_resources"' in content
    response = office.post(
        f"/admin/booking/practitioner/{maya.pk}/change/",
        {
            "user": maya.user.pk,
            "display_name": maya.display_name,
            "time_zone": maya.time_zone,
            "support_resources": "Local support line: 0800 123",
            "inactive_lead_days": "365",
            "keep_records_years": "7",
            **{
                f"{prefix}-{field}": value
                for prefix in ("availability_rules", "availability_overrides")
                for field, value in (
                    ("TOTAL_FORMS", "0"),
                    ("INITIAL_FORMS", "0"),
                    ("MIN_NUM_FORMS", "0"),
                    ("MAX_NUM_FORMS", "1000"),
                )
            },
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    maya.refresh_from_db()
    assert maya.support_resources == "Local support line: 0800 123"


# --- The questionnaire lists ---------------------------------------------------


def test_it_lists_versions_and_questionnaires_read_only(office, ana_intake):
    versions = text(office.get("/admin/assessments/instrument/"))
    intakes = text(office.get("/admin/assessments/intake/"))
    one = text(office.get(f"/admin/assessments/intake/{ana_intake.pk}/change/"))

    assert "The balance between you" in versions
    assert "/admin/assessments/instrument/add/" not in versions
    assert "Ana Souza" in intakes
    assert 'name="answers"' not in one
    assert report_url(ana_intake.booking) in one
