"""The office in a real browser, under its own Content-Security-Policy.

Maya signs in with her password and a code once (the only browser test that
walks the real sign-in); then, with a session that proved its second factor, opens the pages she works in: her hours (inline forms, date and
time pickers), a booking, the email previews (each email's HTML in a sandboxed
frame) and a questionnaire report. The browser fixture fails the test on any
policy violation, so this proves the office's policy is enough for every page here;
axe-core checks each page for serious accessibility problems.
"""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from assessments import services
from staff.selectors import recovery_codes_left

from ..factories import BookingFactory, ClientFactory
from ..staff.helpers import code_now, session_cookie

pytestmark = pytest.mark.browser


@pytest.fixture
def booking(assessment):
    priya = ClientFactory(name="Priya Raman", email="priya@example.com")
    start = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    booking = BookingFactory(session_type=assessment, start_at=start, client=priya)
    services.intakes_create_for_booking(booking=booking)
    return booking


def test_it_signs_in_with_a_password_and_a_code(live_server, browser, maya, axe):
    """The one browser test that walks the real sign-in: password, set-up, code, office."""
    page = browser.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/admin/booking/booking/")
    axe(page)
    page.get_by_label("Username").fill("maya")
    page.get_by_label("Password").fill("not-a-real-password")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Set up your second step")).to_be_visible()
    qr = page.get_by_role("img", name="QR code to add Scales to your authenticator app")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.naturalWidth") > 0  # the data: SVG drew under the CSP
    axe(page)
    device = TOTPDevice.objects.get(user=maya.user)
    page.get_by_label("Code").fill(code_now(device))
    page.get_by_role("button", name="Confirm and continue").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator(".staff-codes li")).to_have_count(10)
    axe(page)
    page.get_by_role("link", name="Continue to your office").click()
    expect(page).to_have_url(live_server.url + "/admin/booking/booking/")
    axe(page)

    # Signed out and in again: this time the code alone, a new one (the last is spent).
    page.get_by_role("button", name="Log out").click()
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("maya")
    page.get_by_label("Password").fill("not-a-real-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your sign-in code")).to_be_visible()
    axe(page)
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("That code did not work")
    axe(page)
    recovery = recovery_codes_left(maya.user)[0]
    page.get_by_label("Code").fill(recovery)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Today, "))).to_be_visible()
    expect(page.get_by_text("You signed in with a recovery code; 9 left")).to_be_visible()
    axe(page)


def test_it_works_in_the_office_without_a_policy_violation(
    live_server, browser, maya, booking, axe
):
    context = browser.new_context()
    context.add_cookies([{**session_cookie(Client(), maya.user), "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/admin/")
    expect(page.get_by_role("heading", name=re.compile(r"^Today, "))).to_be_visible()
    axe(page)

    page.goto(live_server.url + f"/admin/booking/practitioner/{maya.pk}/change/")
    page.get_by_text("Add another Date override").click()  # inlines.js
    expect(page.locator("input[name='availability_overrides-1-date']")).to_be_visible()
    override = "input[name='availability_overrides-0-date']"
    page.locator(f"{override} + .datetimeshortcuts").get_by_role("link", name="Today").click()
    expect(page.locator(override)).not_to_have_value("")  # DateTimeShortcuts.js filled it
    axe(page)

    page.goto(live_server.url + f"/admin/booking/booking/{booking.pk}/change/")
    expect(page.get_by_text("Priya Raman").first).to_be_visible()
    axe(page)

    page.goto(live_server.url + "/admin/notifications/outboundemail/preview/confirmation/")
    preview = page.frame_locator("iframe[title='HTML version']")
    expect(preview.locator("body")).to_contain_text("Alex")
    axe(page)

    page.goto(live_server.url + reverse("admin:assessments_intake_report", args=[booking.pk]))
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/report/"))
    axe(page)
