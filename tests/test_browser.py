"""The public booking flow in a real browser: headless Chromium through Playwright.

Two visitors in India book Maya's free assessment call from a phone: one with
JavaScript, whose time zone the picker detects, and one without, who picks it
from the list. The live server runs on the real clock; Maya's availability is
weekly, so there are always open times in the coming days.

Set SCALES_SCREENSHOTS=1 to also save the slot picker to docs/slot-picker.png.
Pages are checked with axe-core where JavaScript is on (axe runs in the page);
tests/test_accessibility_browser.py checks every client page.
"""

import os
import re
from datetime import datetime
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import Page, expect

from booking.formatting import clock, when
from booking.models import Booking

pytestmark = pytest.mark.browser

VISITOR_ZONE = "Asia/Kolkata"
PHONE = {"width": 390, "height": 844}
SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "slot-picker.png"


def phone_page(browser, **options) -> Page:
    context = browser.new_context(timezone_id=VISITOR_ZONE, viewport=PHONE, **options)
    context.set_default_timeout(10_000)
    return context.new_page()


def book_first_time(page: Page, axe=None) -> datetime:
    """Click the first open time, give details, confirm; return the chosen start (UTC).

    With ``axe`` (the fixture; only where JavaScript is on) the details page is checked too.
    """
    first = page.locator("button.slot").first
    start = datetime.fromisoformat(first.get_attribute("value"))
    expect(first).to_have_text(clock(start, VISITOR_ZONE))
    first.click()

    expect(page.get_by_role("heading", name="Almost done")).to_be_visible()
    if axe:
        axe(page)
    expect(page.locator(".summary")).to_contain_text(when(start, VISITOR_ZONE))
    expect(page.get_by_label("Your time zone")).to_have_value(VISITOR_ZONE)
    page.get_by_label("Your name").fill("Priya Raman")
    page.get_by_label("Your email").fill("priya@example.com")
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Confirm booking").click()
    return start


def assert_booked(page: Page, start: datetime) -> None:
    # The page carries no token: the history holds no working link to the booking.
    expect(page).to_have_url(re.compile(r"/b/\?booked=1$"))
    expect(page.get_by_role("status")).to_contain_text("You are booked")
    summary = page.locator(".summary")
    expect(summary).to_contain_text(when(start, VISITOR_ZONE))
    expect(summary).to_contain_text(f"That is {when(start, 'Europe/Amsterdam')} for Maya Lind")

    try:
        [booking] = Booking.objects.select_related("client")  # the hold became the booking
    finally:
        # Under Playwright's running event loop this query gets its own connection,
        # which the test database teardown does not know about: close it here.
        connection.close()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.client_time_zone == VISITOR_ZONE
    assert booking.start_at == start
    assert booking.client.email == "priya@example.com"


@pytest.mark.usefixtures("assessment")
def test_it_books_an_assessment_call_from_the_landing_page(live_server, browser, axe):
    page = phone_page(browser)
    page.goto(live_server.url)
    axe(page)
    page.get_by_role("link", name="Book a free assessment call").click()

    # timezone.js reloads the picker in the browser's own zone on a first visit.
    # Chromium reports the legacy name Asia/Calcutta; the server shows today's name.
    expect(page).to_have_url(re.compile(r"[?&]tz=Asia%2F(Kolkata|Calcutta)"))
    expect(page.get_by_label("Your time zone")).to_have_value(VISITOR_ZONE)
    expect(page.locator("#tz-status")).to_have_text(
        "Times are shown in your time zone: Kolkata (India) time (UTC+05:30)."
    )
    if os.environ.get("SCALES_SCREENSHOTS") == "1":
        page.screenshot(path=SCREENSHOT)
    axe(page)

    start = book_first_time(page, axe)

    assert_booked(page, start)
    axe(page)


@pytest.mark.usefixtures("assessment")
def test_it_books_without_javascript(live_server, browser):
    page = phone_page(browser, java_script_enabled=False)
    page.goto(live_server.url)
    page.get_by_role("link", name="Book a free assessment call").click()

    # Nothing detects the zone: times start in Maya's, until the visitor picks theirs.
    zone = page.get_by_label("Your time zone")
    expect(zone).to_have_value("Europe/Amsterdam")
    expect(page.locator("#tz-status")).to_contain_text(
        "Times below are in Amsterdam (Netherlands) time (UTC+0"
    )
    zone.select_option(VISITOR_ZONE)
    page.get_by_role("button", name="Show times").click()
    expect(page).to_have_url(re.compile(r"[?&]tz=Asia%2FKolkata"))
    expect(zone).to_have_value(VISITOR_ZONE)

    start = book_first_time(page)

    assert_booked(page, start)


@pytest.mark.usefixtures("assessment")
def test_it_shows_nothing_of_the_booking_on_back_after_leaving_quickly(live_server, browser):
    page = phone_page(browser, java_script_enabled=False)
    page.route(
        "https://www.bbc.com/weather",
        lambda route: route.fulfill(content_type="text/html", body="<title>Weather</title>"),
    )
    page.goto(live_server.url)
    page.get_by_role("link", name="Book a free assessment call").click()
    page.get_by_label("Your time zone").select_option(VISITOR_ZONE)
    page.get_by_role("button", name="Show times").click()
    start = book_first_time(page)
    assert_booked(page, start)

    page.get_by_role("link", name="Leave this page quickly").click()
    expect(page).to_have_title("Weather")
    page.go_back()

    expect(page.get_by_role("heading")).to_have_text("Please open the link in your email again")
    expect(page.locator("body")).not_to_contain_text(when(start, VISITOR_ZONE))
    expect(page.locator("body")).not_to_contain_text("You are booked")


def test_it_notices_a_content_security_policy_violation(browser):
    """The browser fixture fails any test whose page broke the policy; here, on purpose."""
    page = phone_page(browser)
    page.route(
        "https://book.example.com/",
        lambda route: route.fulfill(
            content_type="text/html",
            headers={"Content-Security-Policy": "style-src 'self'"},
            body='<title>Refused</title><p style="color: red">An inline style</p>',
        ),
    )
    page.goto("https://book.example.com/")
    page.context.cookies()  # a round trip, so the console message has arrived
    assert any("style-src" in violation for violation in browser.violations)
    browser.violations.clear()  # noticed: let this test pass
