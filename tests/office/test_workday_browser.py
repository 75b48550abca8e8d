"""A working day in the office, in a real browser: what needs her first, then her week.

Maya (staff, not superuser) opens Today: an urgent questionnaire comes first; she reads
the report and marks it read, writes a note on the client's page, books the client in
from the calendar, moves that booking, and finds the emails on the client's timeline.
Every page is checked with axe-core and under the office's Content-Security-Policy.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from office.services import practitioner_access_grant

from ..assessments.helpers import stored_answers
from ..factories import BookingFactory, ClientFactory, IntakeFactory
from ..staff.helpers import session_cookie

pytestmark = pytest.mark.browser


def next_working_day(days_ahead: int):
    """A Monday to Thursday at least ``days_ahead`` days away, on Maya's clock."""
    day = timezone.localdate(timezone.now() + timedelta(days=days_ahead))
    while day.weekday() > 3:
        day += timedelta(days=1)
    return day


@pytest.fixture
def urgent_call(assessment):
    priya = ClientFactory(name="Priya Raman", email="priya@example.com")
    start = (timezone.now() + timedelta(hours=3)).replace(second=0, microsecond=0)
    booking = BookingFactory(session_type=assessment, client=priya, start_at=start)
    now = timezone.now()
    intake = IntakeFactory(
        booking=booking,
        client=priya,
        status="completed",
        submitted_at=now,
        urgent=True,
        urgent_at=now,
    )
    intake.answers = stored_answers(intake.instrument.definition, safety_afraid="yes")
    intake.save(update_fields=["answers"])
    return booking


def test_it_runs_a_working_day_from_the_office(
    live_server, browser, axe, maya, single_session, urgent_call
):
    maya.user.is_superuser = False
    maya.user.save()
    practitioner_access_grant(user=maya.user)
    context = browser.new_context()
    context.set_default_timeout(10_000)
    context.add_cookies([{**session_cookie(Client(), maya.user), "url": live_server.url}])
    page = context.new_page()

    # Today: the safety answer first, then the week with Priya's call in it.
    page.goto(live_server.url + "/admin/")
    first = page.locator("section[aria-labelledby='first']")
    expect(first).to_contain_text("Safety answer: Priya Raman answered yes")
    expect(page.locator("section[aria-labelledby='week']")).to_contain_text("Priya Raman")
    axe(page)

    first.get_by_role("link", name="Read the report").click()
    expect(page.get_by_role("heading", name="Safety: please read this first")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Mark as read").click()
    expect(page.get_by_text("Marked as read.")).to_be_visible()
    expect(page.locator("section[aria-labelledby='first']")).not_to_contain_text("Safety answer")

    # A note on Priya's page.
    page.get_by_role("link", name="Clients").first.click()
    page.get_by_role("link", name="Priya Raman").click()
    page.locator("textarea[name='notes-0-text']").fill("Spoke by phone; wants a session soon.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".timeline")).to_contain_text("Spoke by phone; wants a session soon.")
    axe(page)

    # Booked in from the calendar, then moved.
    day = next_working_day(3)
    page.get_by_role("link", name="Calendar").first.click()
    axe(page)
    page.get_by_role("link", name="Book a client in").click()
    page.get_by_label("Client's email").fill("priya@example.com")
    page.get_by_label("Offer").select_option(label="Single session")
    page.get_by_label("Day").fill(day.isoformat())
    page.locator("input[name='time']").fill("10:00")
    axe(page)
    page.get_by_role("button", name="Book").click()
    expect(page.get_by_text("Booked. Priya Raman gets the confirmation by email.")).to_be_visible()

    page.get_by_role("link", name="Move").click()
    page.locator("input[name='time']").fill("16:30")  # runs past her 17:00: asks first
    axe(page)
    page.get_by_role("button", name="Move").click()
    expect(page.get_by_text("This is outside your working hours.")).to_be_visible()
    axe(page)
    page.get_by_label("Book it even though it is outside my hours").check()
    page.get_by_role("button", name="Move").click()
    expect(page.get_by_text("Moved. The client gets the new time by email.")).to_be_visible()

    # Both emails on Priya's timeline.
    page.get_by_role("link", name="Clients").first.click()
    page.get_by_role("link", name="Priya Raman").click()
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("Email: Booking confirmation")
    expect(timeline).to_contain_text("Email: Booking moved")
    expect(timeline).to_contain_text("Single session")
