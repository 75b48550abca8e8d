"""The office in a real browser, under its own Content-Security-Policy.

Maya signs in and opens the pages she works in: her hours (inline forms, date and
time pickers), a booking, the email previews (each email's HTML in a sandboxed
frame) and a questionnaire report. The browser fixture fails the test on any
policy violation, so this proves the office's policy is enough for every page here.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from assessments import services

from ..factories import BookingFactory, ClientFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def booking(assessment):
    priya = ClientFactory(name="Priya Raman", email="priya@example.com")
    start = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    booking = BookingFactory(session_type=assessment, start_at=start, client=priya)
    services.intakes_create_for_booking(booking=booking)
    return booking


def test_it_works_in_the_office_without_a_policy_violation(live_server, browser, maya, booking):
    page = browser.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("maya")
    page.get_by_label("Password").fill("not-a-real-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your practice")).to_be_visible()

    page.goto(live_server.url + f"/admin/booking/practitioner/{maya.pk}/change/")
    page.get_by_text("Add another Weekly availability").click()  # inlines.js
    expect(page.locator("input[name='availability_rules-9-start_time']")).to_be_visible()
    override = "input[name='availability_overrides-0-date']"
    page.locator(f"{override} + .datetimeshortcuts").get_by_role("link", name="Today").click()
    expect(page.locator(override)).not_to_have_value("")  # DateTimeShortcuts.js filled it

    page.goto(live_server.url + f"/admin/booking/booking/{booking.pk}/change/")
    expect(page.get_by_text("Priya Raman").first).to_be_visible()

    page.goto(live_server.url + "/admin/notifications/outboundemail/preview/confirmation/")
    preview = page.frame_locator("iframe[title='HTML version']")
    expect(preview.locator("body")).to_contain_text("Alex")

    page.goto(live_server.url + reverse("admin:assessments_intake_report", args=[booking.pk]))
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/report/"))
