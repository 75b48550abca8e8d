"""Questionnaire v2 for a couple in a real browser, then Maya's report.

Ana Souza books a couple's assessment call with Sam Okafor. Each opens their own
link on their own phone and answers differently: Ana lets money and talking be
raised in a joint session, Sam only talking. Maya's report then shows both
people, safety first, and compares only the area both agreed to share. v2 is an
unpublished draft: the intakes are given to it directly and opened through their
real links, as from the email. axe-core checks each kind of v2 page on the way.
Then Ana answers a second round, sent from her page in the office, and Maya's
report shows how her answers moved between the two.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments import services
from assessments.links import intake_path
from assessments.models import Intake
from booking.models import Booking
from notifications.models import OutboundEmail

from ..factories import BookingFactory, ClientFactory
from ..staff.helpers import session_cookie
from .helpers import v2_intake
from .test_intake_browser import phone_page

pytestmark = pytest.mark.browser

# Answers by item key, as the person reads them on the page (the label they tap).
# On a "toward Ana" axis Sam and Ana differ by 1, 1 and 3 on the three talking
# questions: a gap of 100 × (5 / 3) / 4 = 42, and they point at different people
# only on who finds it easier to feel heard.
ANA = {
    "ctx_relationship": "I am in a relationship",
    "fin_decisions": "Much more my partner",
    "fin_own_money": "A bit more my partner",
    "fin_overview": "About equal",
    "fin_impact": "Quite a lot",
    "com_topics": "A bit more my partner",
    "com_disagree": "Much more my partner",
    "com_heard": "A bit more my partner",
    "com_impact": "Somewhat",
    "share_financial": "Yes",
    "share_emotional": "Please ask me first",
    "share_communication": "Yes",
    "safety_afraid": "No",
    "safety_control": "No",
    "safety_threats": "No",
    "safety_physical": "No",
    "safety_choking": "No",
    "safety_sexual": "No",
}
SAM = {
    "ctx_relationship": "I am in a relationship",
    "fin_decisions": "Much more me",
    "fin_own_money": "A bit more me",
    "fin_overview": "Much more me",
    "fin_impact": "Not at all",
    "com_topics": "About equal",
    "com_disagree": "A bit more me",
    "com_heard": "Much more my partner",
    "com_impact": "A little",
    "share_financial": "No, please keep this for my own sessions",
    "share_communication": "Yes",
    "safety_afraid": "No",
    "safety_control": "I'd rather not say",
    "safety_threats": "No",
    "safety_physical": "No",
    "safety_choking": "No",
}
# Ana in danger: a "yes" to being choked or strangled, then the danger questions it opens.
ANA_IN_DANGER = {**ANA, "safety_choking": "Yes"}
DANGER = {
    "danger_worse": "Yes",
    "danger_choked_again": "No",
    "danger_threat_to_kill": "No",
    "danger_weapon": "I'd rather not say",
    "danger_fear_for_life": "Yes",
    "danger_separation": "No",
}
SUPPORT_LINE = "Local support line: 0800 123"
# Ana alone, twice: in round 1 money leans far toward Sam, in round 2 it is about equal;
# nothing else she says changes.
ANA_ROUND_1 = {
    **ANA,
    "fin_decisions": "Much more my partner",
    "fin_own_money": "Much more my partner",
    "fin_overview": "Much more my partner",
}
ANA_ROUND_2 = {
    **ANA,
    "fin_decisions": "About equal",
    "fin_own_money": "About equal",
    "fin_overview": "About equal",
}
# The kinds of v2 page axe-core checks, by section key.
CHECKED_SECTIONS = {"context", "sharing", "safety"}


@pytest.fixture
def couple(assessment):
    """Ana's couple booking in two days, and a v2 questionnaire for each of them."""
    now = timezone.now()
    ana = ClientFactory(name="Ana Souza", email="ana@example.com", privacy_consent_at=now)
    sam = ClientFactory(name="Sam Okafor", email="sam@example.com", privacy_consent_at=now)
    start = (now + timedelta(days=2)).replace(second=0, microsecond=0)
    booking = BookingFactory(
        session_type=assessment,
        start_at=start,
        client=ana,
        mode=Booking.Mode.COUPLE,
        partner_name="Sam Okafor",
        partner_email="sam@example.com",
        email_verified_at=now,
    )
    return (
        v2_intake(booking),
        v2_intake(booking, role=Intake.Role.PARTNER, client=sam, consent_at=now),
    )


def answer_v2(page: Page, intake, answers: dict, axe) -> None:
    """Open the intake's link, answer each page as ``answers`` says, and send."""
    definition = intake.instrument.definition
    page.goto(intake_path(intake))
    page.get_by_role("link", name="Begin").click()
    # No safety "yes": the danger page stays closed, so the safety page is the last.
    sections = [section for section in definition["sections"] if section["key"] != "danger"]
    for number, section in enumerate(sections, start=1):
        expect(page.get_by_role("heading", level=1)).to_have_text(section["title"])
        expect(page.locator("#progress-text")).to_contain_text(
            f"Section {number} of {len(sections)} · "
        )
        if axe and section["key"] in CHECKED_SECTIONS:
            axe(page)
        answer_page(page, section, answers)
        last = number == len(sections)
        page.get_by_role("button", name="Send my answers" if last else "Next").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()


def answer_page(page: Page, section: dict, answers: dict) -> None:
    """Tap, on the page open, the answer ``answers`` gives each of the section's questions."""
    for item in section["items"]:
        if item["key"] in answers:
            question = page.get_by_role("group", name=item["text"], exact=True)
            question.get_by_label(answers[item["key"]], exact=True).check()


def test_it_reports_a_couple_who_share_different_areas(live_server, browser, maya, couple, axe):
    ana_intake, sam_intake = couple
    booking = ana_intake.booking

    ana_phone = phone_page(browser, base_url=live_server.url)
    answer_v2(ana_phone, ana_intake, ANA, axe)
    reflection = ana_phone.get_by_role("region", name="Something to take with you")
    expect(reflection).to_contain_text("money and how it is handled")
    expect(reflection).to_contain_text("how you talk and listen")
    axe(ana_phone)

    sam_phone = phone_page(browser, base_url=live_server.url)
    answer_v2(sam_phone, sam_intake, SAM, axe=None)
    reflection = sam_phone.get_by_role("region", name="Something to take with you")
    expect(reflection).to_be_visible()
    expect(reflection).not_to_contain_text("money and how it is handled")
    axe(sam_phone)

    try:
        statuses = set(Intake.objects.filter(booking=booking).values_list("status", flat=True))
        cookie = session_cookie(Client(), maya.user)
    finally:
        # Under Playwright's running event loop these queries get their own connection,
        # which the test database teardown does not know about: close it here.
        connection.close()
    assert statuses == {Intake.Status.COMPLETED}

    office = browser.new_context(base_url=live_server.url)
    office.add_cookies([{**cookie, "url": live_server.url}])
    page = office.new_page()
    page.set_default_timeout(10_000)
    page.goto(reverse("admin:assessments_intake_report", args=[booking.pk]))

    safety = page.locator("section[aria-labelledby='safety-heading']")
    expect(safety.get_by_role("heading", level=3)).to_have_text(
        ["Ana Souza: No", "Sam Okafor: Safety questions skipped"]
    )
    for person in ("Ana Souza (person who booked)", "Sam Okafor (partner)"):
        expect(page.get_by_role("heading", name=f"{person}: completed")).to_be_visible()
    sams_money = page.get_by_role(
        "table", name="How Sam Okafor sees the balance with Ana Souza"
    ).get_by_role("row", name=re.compile(r"^Money "))
    expect(sams_money).to_contain_text("One way: the advantage is with Sam Okafor")
    expect(sams_money.get_by_role("cell").last).to_have_text("No, keep for their own sessions")

    compared = page.get_by_role("table", name="Ana Souza and Sam Okafor, area by area")
    rows = compared.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.get_by_role("rowheader")).to_have_text("Talking and listening")
    expect(rows.locator("td").first).to_have_text("42")
    expect(rows).to_contain_text(
        "Ana Souza says Sam Okafor holds more say; Sam Okafor says Ana Souza does."
    )
    # Sam kept money for his own sessions: it is left out, not listed as private.
    expect(page.locator("section.couple")).not_to_contain_text("Money")
    axe(page)


def test_it_opens_the_danger_questions_after_a_yes_about_choking(
    live_server, browser, maya, couple, axe
):
    ana_intake, _ = couple
    maya.support_resources = SUPPORT_LINE
    maya.save(update_fields=["support_resources"])
    definition = ana_intake.instrument.definition
    sections = [section for section in definition["sections"] if section["key"] != "danger"]
    danger = next(section for section in definition["sections"] if section["key"] == "danger")
    safety_number = next(i for i, s in enumerate(definition["sections"], 1) if s["key"] == "safety")
    danger_number = definition["sections"].index(danger) + 1

    phone = phone_page(browser, base_url=live_server.url)
    phone.goto(intake_path(ana_intake))
    phone.get_by_role("link", name="Begin").click()
    for number, section in enumerate(sections, start=1):
        expect(phone.get_by_role("heading", level=1)).to_have_text(section["title"])
        answer_page(phone, section, ANA_IN_DANGER)
        last = number == len(sections)
        phone.get_by_role("button", name="Send my answers" if last else "Next").click()

    # The "yes" opens the danger questions at once, as the next page, in this sitting.
    expect(phone.get_by_role("heading", level=1)).to_have_text(danger["title"])
    expect(phone).to_have_url(re.compile(re.escape(_section_path(danger_number)) + "$"))
    expect(phone.locator("#progress-text")).to_contain_text(
        f"Section {len(sections) + 1} of {len(sections) + 1} · "
    )
    axe(phone)
    answer_page(phone, danger, DANGER)
    phone.get_by_role("button", name="Send my answers").click()

    # The thank-you after an urgent answer: support, never the reflection.
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you for your answers")
    expect(phone.get_by_role("region", name="Something to take with you")).to_have_count(0)
    expect(phone.get_by_role("heading", name="If you would like support sooner")).to_be_visible()
    expect(phone.locator(".support-resources")).to_have_text(SUPPORT_LINE)
    expect(phone.get_by_text("please call your local emergency number")).to_be_visible()

    # At the link again nothing answered shows: the safety page is no longer open,
    # only the thank-you that everyone sees, without any answer, support or reflection.
    phone.goto(intake_path(ana_intake))
    phone.goto(_section_path(safety_number))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(phone.locator("input[type=radio]:checked")).to_have_count(0)
    expect(phone.locator("body")).not_to_contain_text("support sooner")
    expect(phone.get_by_role("region", name="Something to take with you")).to_have_count(0)

    try:
        status = Intake.objects.get(pk=ana_intake.pk).status
        cookie = session_cookie(Client(), maya.user)
    finally:
        connection.close()
    assert status == Intake.Status.COMPLETED

    office = browser.new_context(base_url=live_server.url)
    office.add_cookies([{**cookie, "url": live_server.url}])
    page = office.new_page()
    page.set_default_timeout(10_000)
    page.goto(reverse("admin:assessments_intake_report", args=[ana_intake.booking.pk]))

    # Safety comes first, before any other part of the report.
    first = page.locator(".intake-report > section").first
    expect(first).to_have_attribute("aria-labelledby", "safety-heading")
    expect(first.get_by_role("heading", level=2)).to_have_text("Safety: please read this first")
    expect(first.get_by_role("heading", level=3)).to_have_text(
        ["Ana Souza: Yes", "Sam Okafor: no answers yet"]
    )
    danger_rows = first.get_by_role("table", name="Danger follow-up: Ana Souza").locator("tbody tr")
    expect(danger_rows).to_have_count(len(DANGER))
    for item in danger["items"]:
        row = danger_rows.filter(has=page.get_by_role("rowheader", name=item["text"], exact=True))
        said = DANGER[item["key"]]
        expect(row.get_by_role("cell")).to_contain_text(
            "Skipped" if said.startswith("I'd") else said
        )
    choking = next(i for i in sections[-1]["items"] if i["key"] == "safety_choking")
    screen = first.get_by_role("table", name="Safety questions: Ana Souza")
    expect(
        screen.get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name=choking["text"], exact=True))
        .get_by_role("cell")
    ).to_have_text("Yes")


def _section_path(number: int) -> str:
    return reverse("assessments:section", args=[number])


def test_it_shows_movement_after_the_questionnaire_is_sent_again(
    live_server, browser, maya, couple, axe
):
    ana_intake, _ = couple
    booking = ana_intake.booking
    ana = ana_intake.client
    # The office sends the newest published version: she has published v2.
    v2 = services.instrument_publish(instrument_id=ana_intake.instrument_id, now=timezone.now())

    ana_phone = phone_page(browser, base_url=live_server.url)
    answer_v2(ana_phone, ana_intake, ANA_ROUND_1, axe=None)

    try:
        cookie = session_cookie(Client(), maya.user)
    finally:
        connection.close()
    office = browser.new_context(base_url=live_server.url)
    office.add_cookies([{**cookie, "url": live_server.url}])
    page = office.new_page()
    page.set_default_timeout(10_000)

    # With only one round the report has no movement yet.
    page.goto(reverse("admin:assessments_intake_report", args=[booking.pk]))
    expect(page.get_by_role("heading", name="Movement over time")).to_have_count(0)

    # Maya sends the questionnaire again from Ana's page in the office.
    page.goto(reverse("admin:clients_client_change", args=[ana.pk]))
    page.get_by_role("button", name="Send the questionnaire again").click()
    expect(page.get_by_text("The questionnaire is on its way to Ana Souza again")).to_be_visible()

    try:
        round_2 = Intake.objects.get(client=ana, round=2)
        emailed = OutboundEmail.objects.filter(kind="intake_round", to_email=ana.email).count()
    finally:
        connection.close()
    assert (round_2.booking_id, round_2.instrument_id, round_2.role) == (
        booking.pk,
        v2.pk,
        Intake.Role.CLIENT,
    )
    assert emailed == 1

    # Ana opens the new link and now sees money as about equal.
    answer_v2(ana_phone, round_2, ANA_ROUND_2, axe=None)

    page.goto(reverse("admin:assessments_intake_report", args=[booking.pk]))
    movement = page.locator("section.movement")
    expect(movement.get_by_role("heading", level=2)).to_have_text("Movement over time")
    table = movement.get_by_role("table", name="Ana Souza: 2 rounds")
    expect(table.locator("thead th")).to_contain_text(["Area", "Round 1", "Round 2", "Change"])
    money = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Money"))
    cells = money.get_by_role("cell")
    expect(cells).to_have_count(3)
    # Tilt is how far an area leans, whichever way: from as far as it goes to balanced.
    expect(cells.nth(0).locator(".num")).to_have_text("Tilt 100")
    expect(cells.nth(1).locator(".num")).to_have_text("Tilt 0")
    expect(cells.nth(2)).to_contain_text(re.compile(r"^Down 100"))
    expect(cells.nth(2).locator(".explain")).to_have_text(
        "Money: tilt 100 in round 1, 0 in round 2 (down 100)."
    )
    talking = table.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Talking and listening")
    )
    expect(talking.get_by_role("cell").last).to_contain_text("No change")
    axe(page)
