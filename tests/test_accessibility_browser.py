"""Every page a person can reach, checked with axe-core in headless Chromium.

The client's pages (booking, moving, cancelling, the questionnaire, the pages an
email opens, the error pages) and the practitioner's (the sign-in and the office)
must have no serious or critical accessibility violation (STYLE.md). Each page is
visited on purpose, also in its states with a message or an error, with
JavaScript on. "Leave this page quickly" is a link on every client page, so every
check covers it; the page Back shows after using it is checked too.
"""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments import services as intake_services
from assessments.links import intake_path
from booking.links import email_proof_url, manage_path, verify_url
from booking.models import Booking
from clients.links import follow_ups_stop_url

from .assessments.helpers import as_submitted, section_post
from .factories import BookingFactory, ClientFactory
from .staff.helpers import authenticator, session_cookie
from .test_browser import PHONE

pytestmark = pytest.mark.browser

NEUTRAL = re.compile(r"^https://www\.bbc\.com/")
CALM = {"balance": "About equal", "safety": "No", "impact": "A little", "strength": "3"}


def phone_page(browser) -> Page:
    """A phone in Maya's zone; the neutral site behind "Leave this page quickly" is served here."""
    context = browser.new_context(timezone_id="Europe/Amsterdam", viewport=PHONE)
    context.set_default_timeout(10_000)
    context.route(
        NEUTRAL,
        lambda route: route.fulfill(content_type="text/html", body="<title>Weather</title>"),
    )
    return context.new_page()


def office_page(browser, live_server, cookie: dict) -> Page:
    context = browser.new_context()
    context.set_default_timeout(10_000)
    context.add_cookies([{**cookie, "url": live_server.url}])
    return context.new_page()


def path_of(url: str) -> str:
    """Return an emailed link's path, to open it on the live server."""
    return url.removeprefix(settings.SITE_URL)


def fill_details(page: Page) -> None:
    page.get_by_label("Your name").fill("Priya Raman")
    page.get_by_label("Your email").fill("priya@example.com")
    page.get_by_label("I have read the privacy notice").check()


def answer(page: Page, section: dict, *, worried: bool) -> None:
    """Answer every required question calmly, or, if worried, the safety questions with yes."""
    for item in section["items"]:
        group = page.get_by_role("group", name=item["text"])
        if worried and item["kind"] == "safety":
            group.get_by_label("Yes", exact=True).check()
        elif item["kind"] in CALM and item["required"]:
            group.get_by_label(CALM[item["kind"]], exact=True).check()
        elif item["kind"] == "single" and item["required"]:
            group.get_by_role("radio").first.check()


@pytest.fixture
def priyas_call(assessment):
    """Priya's assessment call in two days, her email not proved yet, with her questionnaire."""
    priya = ClientFactory(name="Priya Raman", email="priya@example.com")
    start = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    booking = BookingFactory(session_type=assessment, start_at=start, client=priya)
    intake_services.intakes_create_for_booking(booking=booking)
    return booking


@pytest.fixture
def priyas_answered_call(priyas_call):
    """Priya's call, her questionnaire answered and sent, so its report has a radar chart."""
    intake = priyas_call.intakes.get()
    for index, section in enumerate(intake.instrument.sections):
        intake_services.intake_section_save(
            intake_id=intake.pk, section_index=index, submitted=as_submitted(section_post(section))
        )
    intake_services.intake_submit(intake_id=intake.pk)
    return priyas_call


@pytest.fixture
def couple_intakes(assessment):
    """Return (Ana's, Sam's) questionnaires: Ana began hers on another phone; Sam has not agreed."""
    ana = ClientFactory(
        name="Ana Souza", email="ana@example.com", privacy_consent_at=timezone.now()
    )
    start = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    booking = BookingFactory(
        session_type=assessment,
        start_at=start,
        client=ana,
        mode=Booking.Mode.COUPLE,
        partner_name="Sam Okafor",
        partner_email="sam@example.com",
        email_verified_at=timezone.now(),
    )
    anas, sams = intake_services.intakes_create_for_booking(booking=booking)
    intake_services.intake_section_save(
        intake_id=anas.pk,
        section_index=0,
        submitted=as_submitted(section_post(anas.instrument.sections[0])),
    )
    return anas, sams


@pytest.fixture
def office_cookie(maya):
    """Maya's session in the office, second factor proved, as a Playwright cookie."""
    return session_cookie(Client(), maya.user)


@pytest.fixture
def password_only_cookie(maya):
    """Maya's session after her password, before her second factor, as a Playwright cookie."""
    password_only = Client()
    password_only.force_login(maya.user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": password_only.cookies[settings.SESSION_COOKIE_NAME].value,
    }


@pytest.mark.usefixtures("assessment")
def test_it_finds_no_serious_problems_booking_moving_and_cancelling(live_server, browser, axe):
    page = phone_page(browser)
    page.goto(live_server.url)
    axe(page)

    # In Maya's own zone the picker does not reload: this is the page before a zone is chosen.
    page.get_by_role("link", name="Book a free assessment call").click()
    zone = page.get_by_label("Your time zone")
    expect(zone).to_have_value("Europe/Amsterdam")
    axe(page)
    zone.select_option("Asia/Kolkata")
    expect(page).to_have_url(re.compile(r"[?&]tz=Asia%2FKolkata"))
    axe(page)
    page.get_by_role("link", name="Later").click()
    expect(page.get_by_role("link", name="Earlier")).to_be_visible()
    axe(page)
    beyond = (timezone.now() + timedelta(days=90)).date().isoformat()
    page.goto(f"{live_server.url}/book/assessment-call/?week={beyond}&tz=Asia%2FKolkata")
    expect(page.get_by_text("No open times in these days.")).to_be_visible()
    axe(page)

    page.go_back()
    page.locator("button.slot").first.click()
    expect(page.get_by_role("heading", name="Almost done")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Confirm booking").click()  # nothing filled in
    expect(page.get_by_role("alert")).to_contain_text("Please check the highlighted answers")
    axe(page)
    fill_details(page)
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_role("status")).to_contain_text("You are booked")
    axe(page)

    page.get_by_role("link", name="Choose another time").click()
    expect(page.get_by_role("heading", name="Choose a new time")).to_be_visible()
    axe(page)
    page.locator("button.slot").last.click()
    expect(page.get_by_role("heading", name="Move your call?")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Yes, move my call").click()
    expect(page.get_by_role("status")).to_contain_text("Your call is moved to")
    axe(page)

    page.get_by_role("link", name="Cancel this booking").click()
    expect(page.get_by_role("heading", name="Cancel your booking?")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Yes, cancel it").click()
    expect(page.get_by_role("status")).to_contain_text("Your booking is cancelled")
    axe(page)

    page.get_by_role("link", name="Leave this page quickly").click()
    expect(page).to_have_url(NEUTRAL)
    page.go_back()
    expect(page.get_by_role("heading")).to_have_text("Please open the link in your email again")
    axe(page)


@pytest.mark.usefixtures("assessment")
def test_it_finds_no_serious_problems_when_a_time_was_just_taken(live_server, browser, axe):
    page, someone_else = phone_page(browser), phone_page(browser)
    for each in (page, someone_else):
        each.goto(live_server.url + "/book/assessment-call/")
    someone_else.locator("button.slot").first.click()
    expect(someone_else.get_by_role("heading", name="Almost done")).to_be_visible()

    page.locator("button.slot").first.click()

    expect(page.get_by_role("alert")).to_contain_text("These nearby times are free")
    axe(page)


@pytest.mark.usefixtures("single_session")
def test_it_finds_no_serious_problems_confirming_a_single_session(live_server, browser, axe):
    page = phone_page(browser)
    page.goto(live_server.url + "/book/single-session/")
    page.locator("button.slot").first.click()
    fill_details(page)
    page.get_by_role("button", name="Email me a link to confirm").click()
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    axe(page)

    try:
        held = Booking.objects.get()
        link = verify_url(held, held.pending_details["request"])
    finally:
        # Under Playwright's running event loop this query gets its own connection,
        # which the test database teardown does not know about: close it here.
        connection.close()
    page.goto(live_server.url + path_of(link))
    expect(page.get_by_role("heading", name="Confirm your booking")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Confirm my booking").click()
    # Priya has not talked with Maya before: the page offers the free call instead.
    expect(page.get_by_role("heading", name="Let us start with a free call")).to_be_visible()
    axe(page)


def test_it_finds_no_serious_problems_on_the_pages_an_email_opens(
    live_server, priyas_call, browser, axe, settings
):
    page = phone_page(browser)
    page.goto(live_server.url + path_of(email_proof_url(priyas_call)))
    axe(page)
    page.get_by_role("button", name="Yes, this is my email").click()
    expect(page.get_by_role("status")).to_contain_text("Your email is confirmed")
    axe(page)

    page.goto(live_server.url + path_of(follow_ups_stop_url(priyas_call.client_id)))
    axe(page)
    page.get_by_role("button", name="Yes, stop follow-up emails").click()
    expect(page.get_by_role("heading", name="Done: no more follow-up emails")).to_be_visible()
    axe(page)

    for path in (
        "/privacy/",
        manage_path(priyas_call),
        "/b/not-a-link/",  # a bad or expired booking link
        "/book/details/not-a-link/",  # a bad link to a held time
        "/follow-ups/stop/not-a-link/",
        "/no-such-page/",
    ):
        page.goto(live_server.url + path)
        axe(page)

    # Too many tries: the live server reads the same settings as the test.
    settings.PUBLIC_LIMITS = True
    settings.PUBLIC_ATTEMPTS_PER_WINDOW = 0
    page.goto(live_server.url + "/b/cancel/")
    page.get_by_role("button", name="Yes, cancel it").click()
    expect(page.get_by_role("heading", name="Please wait a few minutes")).to_be_visible()
    axe(page)


def test_it_finds_no_serious_problems_in_the_questionnaire(
    live_server, couple_intakes, browser, axe
):
    anas, sams = couple_intakes
    sections = sams.instrument.sections
    page = phone_page(browser)

    page.goto(live_server.url + intake_path(sams))
    expect(page.get_by_role("heading", name="A few questions before we talk")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Begin").click()  # without agreeing first
    expect(page.get_by_role("alert")).to_contain_text("Please agree to the privacy notice")
    axe(page)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Begin").click()

    for number, section in enumerate(sections, start=1):
        expect(page.get_by_role("heading", level=1)).to_have_text(section["title"])
        axe(page)
        if number == 2:  # the first page with required questions
            page.get_by_role("button", name="Next").click()
            expect(page.get_by_role("alert")).to_contain_text("still need an answer")
            axe(page)
        answer(page, section, worried=section["key"] == "safety")
        last = number == len(sections)
        page.get_by_role("button", name="Send my answers" if last else "Next").click()

    # A worrying answer is met with support, once; then the usual thank-you.
    expect(page.get_by_role("heading", name="If you would like support sooner")).to_be_visible()
    axe(page)
    page.goto(live_server.url + "/intake/done/")
    expect(page.get_by_role("heading", name="Thank you", exact=True)).to_be_visible()
    axe(page)

    # Ana's, begun on another phone: this one is asked for the code from her email first.
    page = phone_page(browser)
    page.goto(live_server.url + intake_path(anas))
    expect(page.get_by_role("heading", name="Please type the code from your email")).to_be_visible()
    axe(page)
    page.get_by_role("textbox").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    axe(page)
    page.goto(live_server.url + "/intake/")  # nothing open in this browser
    expect(page.get_by_role("heading")).to_have_text("Please open the link in your email again")
    axe(page)


def test_it_finds_no_serious_problems_on_the_login_pages(live_server, maya, browser, axe):
    page = browser.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/admin/login/")
    axe(page)
    page.get_by_label("Username").fill("maya")
    page.get_by_label("Password").fill("not-her-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".errornote")).to_be_visible()
    axe(page)

    page.goto(live_server.url + "/admin/password-reset/")
    axe(page)


def test_it_finds_no_serious_problems_on_the_second_step(
    live_server, maya, password_only_cookie, browser, axe
):
    """The set-up and code pages, opened by a session that has given its password only.

    tests/office/test_office_browser.py walks the whole sign-in, and checks it too.
    """
    page = office_page(browser, live_server, password_only_cookie)
    page.goto(live_server.url + "/admin/sign-in/set-up/")
    expect(page.get_by_role("heading", name="Set up your second step")).to_be_visible()
    axe(page)
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_role("alert")).to_contain_text("That code did not match")
    axe(page)

    try:
        authenticator(maya.user)
    finally:
        connection.close()  # the query's own connection, under Playwright's event loop
    page.goto(live_server.url + "/admin/sign-in/code/")
    expect(page.get_by_role("heading", name="Your sign-in code")).to_be_visible()
    axe(page)
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("That code did not work")
    axe(page)


def test_it_finds_no_serious_problems_in_the_office(
    live_server, maya, priyas_answered_call, office_cookie, browser, axe
):
    page = office_page(browser, live_server, office_cookie)

    for path in (
        "/admin/",
        "/admin/booking/booking/",
        f"/admin/booking/booking/{priyas_answered_call.pk}/change/",
        f"/admin/booking/practitioner/{maya.pk}/change/",
        reverse("admin:assessments_intake_report", args=[priyas_answered_call.pk]),
        "/admin/notifications/outboundemail/",
        "/admin/notifications/outboundemail/preview/confirmation/",
        "/admin/sign-in/recovery-codes/",
        "/admin/calendar/",
        "/admin/calendar/book/",
        "/admin/calendar/time-off/",
        f"/admin/booking/booking/{priyas_answered_call.pk}/move/",
        f"/admin/booking/booking/{priyas_answered_call.pk}/cancel/",
        f"/admin/clients/client/{priyas_answered_call.client_id}/change/",
        "/admin/clients/client/",
        "/admin/staff/securityevent/",
    ):
        page.goto(live_server.url + path)
        expect(page.locator("#content")).to_be_visible()
        axe(page)


def test_it_notices_an_accessibility_violation(browser, axe):
    """The axe check fails a test whose page has a serious problem; here, on purpose."""
    page = phone_page(browser)
    page.route(
        "https://book.example.com/",
        lambda route: route.fulfill(
            content_type="text/html",
            body='<html lang="en"><title>Unlabelled</title><main><input name="q"></main></html>',
        ),
    )
    page.goto("https://book.example.com/")

    with pytest.raises(AssertionError, match=r"label \(critical\): Form elements must have labels"):
        axe(page)


def test_it_says_it_needs_javascript(browser, axe):
    """Without JavaScript a page's timers never fire, so axe-core could never finish."""
    page = browser.new_page(java_script_enabled=False)
    page.set_content("<title>No scripts</title>")

    with pytest.raises(pytest.fail.Exception, match="axe-core needs JavaScript on"):
        axe(page)
