"""A newcomer's first five minutes, in a real browser (Debian's Chromium, Playwright).

A worried person reads the practitioner's home page on a phone, books a free call,
moves it with a confirmation step; then the practitioner finds the email that
person was sent, with their questionnaire link, in the office's email log.
"""

import re
from datetime import datetime

import pytest
from django.db import connection
from django.test import Client
from playwright.sync_api import expect

from booking.demo_profile import DEMO_PROFILE
from booking.formatting import when
from notifications import delivery
from office.services import practitioner_access_grant

from .staff.helpers import session_cookie
from .test_browser import VISITOR_ZONE, assert_booked, book_first_time, phone_page

pytestmark = pytest.mark.browser


def deliver_due_emails() -> int:
    """Do what the worker does, here in the test: send every email that is due."""
    try:
        sent = [delivery.outbox_send(email_id) for email_id in delivery.outbox_claim_due()]
        return sent.count("sent")
    finally:
        connection.close()  # Playwright's running loop gives this thread its own connection


@pytest.mark.usefixtures("assessment")
def test_a_newcomer_reads_books_moves_and_the_practitioner_finds_the_link(
    live_server, browser, axe, maya
):
    for field, value in DEMO_PROFILE.items():
        setattr(maya, field, value)
    maya.save()
    practitioner_access_grant(user=maya.user)
    maya.user.is_superuser = False
    maya.user.save()
    office_cookie = session_cookie(Client(), maya.user)
    connection.close()

    # The home page says who she is before anything is asked.
    page = phone_page(browser)
    page.goto(live_server.url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maya Lind")
    expect(page.locator("body")).to_contain_text(DEMO_PROFILE["bio"])
    expect(page.locator("body")).to_contain_text(DEMO_PROFILE["free_call_note"][:60])
    expect(page.locator("body")).not_to_contain_text("Scales")
    axe(page)

    page.get_by_role("link", name="Book a free assessment call").click()
    expect(page).to_have_url(re.compile(r"[?&]tz=Asia%2F(Kolkata|Calcutta)"))
    start = book_first_time(page, axe)
    assert_booked(page, start)

    # Moving asks first, showing both times.
    page.get_by_role("link", name="Choose another time").click()
    expect(page.locator(".summary")).to_contain_text(
        f"Your call is now on {when(start, VISITOR_ZONE)}"
    )
    later = page.locator("button.slot").last
    new_start = datetime.fromisoformat(later.get_attribute("value"))
    later.click()
    expect(page.get_by_role("heading", name="Move your call?")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Yes, move my call").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Your call is moved to {when(new_start, VISITOR_ZONE)}."
    )

    assert deliver_due_emails() >= 2  # the confirmation, then the new time

    # The practitioner finds what was sent, with the questionnaire link in it.
    office = browser.new_context()
    office.set_default_timeout(10_000)
    office.add_cookies([{**office_cookie, "url": live_server.url}])
    desk = office.new_page()
    desk.goto(live_server.url + "/admin/")
    desk.get_by_role("link", name="Emails").first.click()
    axe(desk)
    desk.locator("tr", has_text="Booking confirmation").first.locator("a").first.click()
    copy = desk.locator("pre.email-text")
    expect(copy).to_contain_text("questionnaire")
    link = re.search(r"https?://[^/\s]+(/intake/\S+/)", copy.inner_text())
    assert link, copy.inner_text()
    axe(desk)

    # And the link opens the person's questionnaire (SITE_URL is not the test server's).
    page.goto(live_server.url + link.group(1))
    expect(page).to_have_url(re.compile(r"/intake/"))
    expect(page.locator("body")).not_to_contain_text("Page not found")
