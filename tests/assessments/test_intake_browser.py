"""The questionnaire in a real browser: headless Chromium on a phone, through Playwright.

Priya, who booked an assessment call, opens the link from her confirmation on
her phone and answers page by page, goes back once, comes back later through
the same link and sends her answers. The neutral site behind "Leave this page
quickly" is served by the test (no network). Pages are checked with axe-core
where JavaScript is on (axe runs in the page).
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments import services
from assessments.links import intake_path
from assessments.models import Intake

from ..factories import BookingFactory, ClientFactory
from ..test_browser import PHONE

pytestmark = pytest.mark.browser

NEUTRAL = "https://www.bbc.com/weather"
ANSWER_BY_KIND = {"balance": "About equal", "safety": "No", "impact": "A little"}


@pytest.fixture
def priyas_intake(assessment):
    """Priya's questionnaire for a call in two days (made before the browser starts)."""
    priya = ClientFactory(name="Priya Raman", email="priya@example.com")
    start = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    booking = BookingFactory(session_type=assessment, start_at=start, client=priya)
    [intake] = services.intakes_create_for_booking(booking=booking)
    return intake


def phone_page(browser, **options) -> Page:
    context = browser.new_context(viewport=PHONE, **options)
    context.set_default_timeout(10_000)
    context.route(
        re.compile(r"^https://www\.bbc\.com/"),
        lambda route: route.fulfill(
            content_type="text/html", body="<title>Weather</title><h1>Weather today</h1>"
        ),
    )
    return context.new_page()


def answer_section(page: Page, section: dict) -> None:
    """Answer every required question calmly, and a couple of optional ones."""
    for item in section["items"]:
        label = ANSWER_BY_KIND.get(item["kind"])
        if label and (item["required"] or item["kind"] == "impact"):
            page.get_by_role("group", name=item["text"]).get_by_label(label, exact=True).check()
        elif item["key"] == "ctx_hopes":
            page.get_by_label(item["text"]).fill("More ease between us")


def expect_section(page: Page, number: int, title: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("#progress-text")).to_contain_text(f"Section {number} of 9 · ")
    expect(page.get_by_role("progressbar")).to_be_visible()
    exit_link = page.get_by_role("link", name="Leave this page quickly")
    expect(exit_link).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_it_completes_an_intake_on_a_phone(live_server, priyas_intake, browser, axe):
    sections = priyas_intake.instrument.sections
    link = live_server.url + intake_path(priyas_intake)
    page = phone_page(browser)

    page.goto(link)
    expect(page.get_by_role("heading", name="A few questions before we talk")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Begin").click()

    for number, section in enumerate(sections[:4], start=1):
        expect_section(page, number, section["title"])
        axe(page)
        answer_section(page, section)
        page.get_by_role("button", name="Next").click()

    # Back saves this page too, and the page before still shows its answers.
    expect_section(page, 5, sections[4]["title"])
    page.get_by_role("button", name="Back").click()
    expect_section(page, 4, sections[3]["title"])
    first = sections[3]["items"][0]
    expect(
        page.get_by_role("group", name=first["text"]).get_by_label("About equal")
    ).to_be_checked()
    page.get_by_role("button", name="Next").click()

    # Closing the browser loses nothing: the same link resumes on the next page.
    # (The same phone keeps its cookies; a new one would be asked for a code first.)
    kept = page.context.storage_state()
    page.context.close()
    page = phone_page(browser, storage_state=kept)
    page.goto(link)
    for number, section in enumerate(sections[4:], start=5):
        expect_section(page, number, section["title"])
        axe(page)
        answer_section(page, section)
        last = number == len(sections)
        page.get_by_role("button", name="Send my answers" if last else "Next").click()

    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/intake/done/$"))
    axe(page)
    try:
        intake = Intake.objects.get(pk=priyas_intake.pk)
    finally:
        # Under Playwright's running event loop this query gets its own connection,
        # which the test database teardown does not know about: close it here.
        connection.close()
    assert intake.status == Intake.Status.COMPLETED
    assert intake.urgent is False
    assert intake.answers["ctx_hopes"] == "More ease between us"


def answer_first_page(page: Page, intake) -> None:
    """Open the link, answer the first page with a few words, and go on to the second."""
    page.get_by_role("link", name="Begin").click()
    answer_section(page, intake.instrument.sections[0])
    page.get_by_role("button", name="Next").click()
    expect_section(page, 2, intake.instrument.sections[1]["title"])


def expect_nothing_after_going_back(page: Page, intake) -> None:
    """Press Back several times: no page shows anything of the questionnaire."""
    titles = [section["title"] for section in intake.instrument.sections]
    for _ in range(4):
        page.go_back()
        body = page.locator("body").inner_text() if page.url.startswith("http") else ""
        assert "More ease between us" not in body, page.url
        assert not any(title in body for title in titles), page.url
        assert "A few questions before we talk" not in body, page.url
        if "/intake/" in page.url:
            assert "Please open the link in your email again" in body


def test_it_leaves_quickly_with_the_escape_key(live_server, priyas_intake, browser, axe):
    page = phone_page(browser)
    page.goto(live_server.url + intake_path(priyas_intake))
    axe(page)
    answer_first_page(page, priyas_intake)
    axe(page)

    page.keyboard.press("Escape")

    expect(page).to_have_url(NEUTRAL)
    expect(page.get_by_role("heading", name="Weather today")).to_be_visible()
    expect_nothing_after_going_back(page, priyas_intake)


def test_it_leaves_quickly_without_javascript(live_server, priyas_intake, browser):
    page = phone_page(browser, java_script_enabled=False)
    page.goto(live_server.url + intake_path(priyas_intake))
    answer_first_page(page, priyas_intake)

    page.get_by_role("link", name="Leave this page quickly").click()

    expect(page).to_have_url(NEUTRAL)
    expect_nothing_after_going_back(page, priyas_intake)


def test_it_replaces_the_page_when_leaving_quickly(live_server, priyas_intake, browser, axe):
    page = phone_page(browser)
    page.goto(live_server.url + intake_path(priyas_intake))
    axe(page)

    page.get_by_role("link", name="Leave this page quickly").click()

    expect(page).to_have_url(NEUTRAL)
    expect(page.get_by_role("heading", name="Weather today")).to_be_visible()
    page.go_back()
    assert "/intake/" not in page.url  # replaced in the history, so Back does not return


def test_it_works_without_javascript(live_server, priyas_intake, browser):
    page = phone_page(browser, java_script_enabled=False)
    page.goto(live_server.url + intake_path(priyas_intake))
    page.get_by_role("link", name="Begin").click()
    section = priyas_intake.instrument.sections[0]

    expect_section(page, 1, section["title"])
    answer_section(page, section)
    page.get_by_role("button", name="Next").click()
    expect_section(page, 2, priyas_intake.instrument.sections[1]["title"])

    page.get_by_role("link", name="Leave this page quickly").click()
    expect(page).to_have_url(NEUTRAL)
