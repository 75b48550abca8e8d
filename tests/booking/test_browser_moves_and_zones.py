"""The zone list and moving a booking in a real browser (Debian's Chromium, Playwright).

A visitor in Santiago sees the list preselect her zone when JavaScript runs; without
it the page says whose zone the times are in and offers the list above them. A client
moves her call: she sees the current time, confirms the new one, and is told it moved.
"""

import re
from datetime import datetime

import pytest
from django.db import connection
from playwright.sync_api import Page, expect

from booking.formatting import when
from booking.models import Booking

from ..test_browser import PHONE, VISITOR_ZONE, assert_booked, book_first_time
from ..test_browser import phone_page as kolkata_phone

pytestmark = pytest.mark.browser

SANTIAGO = "America/Santiago"
HOLD_TEXT = "while you add your details"


def santiago_phone(browser, **options) -> Page:
    context = browser.new_context(timezone_id=SANTIAGO, viewport=PHONE, **options)
    context.set_default_timeout(10_000)
    return context.new_page()


@pytest.mark.usefixtures("assessment")
def test_it_preselects_the_visitors_zone_with_javascript(live_server, browser, axe):
    page = santiago_phone(browser)
    page.goto(f"{live_server.url}/book/assessment-call/")

    expect(page).to_have_url(re.compile(r"[?&]tz=America%2FSantiago"))
    zone = page.get_by_label("Your time zone")
    expect(zone).to_have_value(SANTIAGO)
    expect(zone.locator("option:checked")).to_have_text(
        re.compile(r"^Santiago \(Chile\), now \d\d:\d\d$")
    )
    expect(zone.locator("optgroup").first).to_have_attribute("label", "Common")
    expect(page.locator("#tz-status")).to_contain_text(
        "Times are shown in your time zone: Santiago (Chile) time (UTC-0"
    )
    expect(page.locator("#tz-help")).to_have_text("Maya Lind is in Amsterdam (Netherlands).")
    axe(page)


@pytest.mark.usefixtures("assessment")
def test_it_says_whose_zone_it_shows_without_javascript(live_server, browser):
    page = santiago_phone(browser, java_script_enabled=False)
    page.goto(f"{live_server.url}/book/assessment-call/")

    status = page.locator("#tz-status")
    expect(status).to_contain_text("Times below are in Amsterdam (Netherlands) time (UTC+0")
    expect(status).to_contain_text("Not your time zone? Choose yours:")
    expect(page.locator("body")).not_to_contain_text("Times are shown in your time zone")
    form_box = page.locator("#tz-form").bounding_box()
    assert form_box["y"] < page.locator("button.slot").first.bounding_box()["y"]

    page.get_by_label("Your time zone").select_option(SANTIAGO)
    page.get_by_role("button", name="Show times").click()
    expect(page).to_have_url(re.compile(r"[?&]tz=America%2FSantiago"))
    expect(status).to_contain_text("Times are shown in your time zone: Santiago (Chile) time")


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
@pytest.mark.usefixtures("assessment")
def test_it_moves_a_call_only_once_confirmed(live_server, browser, axe, javascript):
    check = axe if javascript else (lambda page: None)  # axe-core runs in the page
    page = kolkata_phone(browser, java_script_enabled=javascript)
    page.goto(f"{live_server.url}/book/assessment-call/?tz={VISITOR_ZONE}")
    start = book_first_time(page)
    assert_booked(page, start)

    page.get_by_role("link", name="Choose another time").click()
    expect(page.get_by_role("heading", name="Choose a new time")).to_be_visible()
    expect(page.locator(".summary")).to_have_text(
        f"Your call is now on {when(start, VISITOR_ZONE)}. "
        "It stays there until you confirm a new time."
    )
    expect(page.locator("body")).not_to_contain_text(HOLD_TEXT)
    check(page)

    later = page.locator("button.slot").last
    new_start = datetime.fromisoformat(later.get_attribute("value"))
    later.click()
    expect(page.get_by_role("heading", name="Move your call?")).to_be_visible()
    summary = page.locator(".summary")
    expect(summary).to_contain_text(
        f"Move your call from {when(start, VISITOR_ZONE)} to {when(new_start, VISITOR_ZONE)}?"
    )
    expect(summary).to_contain_text(
        "We'll email you the new time and a new calendar file; the old time is released."
    )
    expect(page.get_by_role("link", name="Keep my current time")).to_have_attribute("href", "/b/")
    check(page)
    assert stored_start() == start  # choosing a time moved nothing

    page.get_by_role("button", name="Yes, move my call").click()
    expect(page).to_have_url(re.compile(r"/b/\?moved=1$"))
    expect(page.get_by_role("status")).to_contain_text(
        f"Your call is moved to {when(new_start, VISITOR_ZONE)}."
    )
    expect(page.locator("body")).not_to_contain_text(HOLD_TEXT)
    check(page)
    assert stored_start() == new_start


def stored_start() -> datetime:
    try:
        return Booking.objects.get().start_at
    finally:
        connection.close()  # see tests/test_browser.py: Playwright's loop gets its own connection
