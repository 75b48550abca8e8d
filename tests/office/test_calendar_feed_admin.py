"""Turning her calendar feed on, renewing its address and turning it off, from her profile."""

import pytest
from django.contrib.auth.models import Permission

from booking.models import Practitioner

from ..clock import NOW
from ..factories import UserFactory
from ..staff.helpers import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def change_page(practitioner: Practitioner) -> str:
    return f"/admin/booking/practitioner/{practitioner.pk}/change/"


def feed_button(practitioner: Practitioner, action: str) -> str:
    return f"/admin/booking/practitioner/{practitioner.pk}/calendar-feed/{action}/"


def test_it_shows_the_feed_off_with_a_button_to_turn_it_on(office, maya):
    page = office.get(change_page(maya)).content.decode()
    assert "Calendar feed" in page
    assert "Off" in page
    assert '<button type="submit" class="button" form="calendar-feed-new">Turn on</button>' in page
    assert "Turn off" not in page
    # The buttons' forms follow the profile's form, and its own first button is Save: Enter
    # in a field saves the profile, never renews the feed's address.
    profile_form = page[page.index('id="practitioner_form"') :]
    profile_form = profile_form[: profile_form.index("</form>")]
    assert 'id="calendar-feed-new"' not in profile_form
    assert '<form id="calendar-feed-new" method="post"' in page
    before_save = profile_form[: profile_form.index('name="_save"')]
    assert all(" form=" in button for button in before_save.split("<button")[1:])


def test_it_turns_the_feed_on(office, maya):
    response = office.post(feed_button(maya, "new"), follow=True)
    maya.refresh_from_db()
    assert len(maya.calendar_feed_token) >= 40
    assert response.redirect_chain == [(change_page(maya), 302)]
    page = response.content.decode()
    assert "Your calendar feed is on." in page
    url = f"https://book.example.com/calendar/{maya.calendar_feed_token}.ics"
    assert f'value="{url}"' in page
    assert "New address (the old one stops working)" in page
    assert "Turn off" in page
    assert office.get(url.removeprefix("https://book.example.com")).status_code == 200


def test_it_gives_the_feed_a_new_address(office, maya):
    office.post(feed_button(maya, "new"))
    maya.refresh_from_db()
    old = maya.calendar_feed_token
    response = office.post(feed_button(maya, "new"), follow=True)
    maya.refresh_from_db()
    assert maya.calendar_feed_token not in ("", old)
    assert "The old one no longer works" in response.content.decode()
    assert office.get(f"/calendar/{old}.ics").status_code == 404


def test_it_turns_the_feed_off(office, maya):
    office.post(feed_button(maya, "new"))
    maya.refresh_from_db()
    token = maya.calendar_feed_token
    response = office.post(feed_button(maya, "off"), follow=True)
    maya.refresh_from_db()
    assert maya.calendar_feed_token == ""
    assert "Your calendar feed is off." in response.content.decode()
    assert office.get(f"/calendar/{token}.ics").status_code == 404


@pytest.mark.parametrize("action", ["new", "off"])
def test_it_refuses_to_change_the_feed_from_a_link(office, maya, action):
    assert office.get(feed_button(maya, action)).status_code == 405
    maya.refresh_from_db()
    assert maya.calendar_feed_token == ""


def test_it_refuses_someone_who_may_not_change_her_profile(client, maya):
    assistant = UserFactory(username="assistant", is_superuser=False)
    assistant.user_permissions.add(Permission.objects.get(codename="view_practitioner"))
    sign_in(client, assistant)
    assert client.post(feed_button(maya, "new")).status_code == 403
    maya.refresh_from_db()
    assert maya.calendar_feed_token == ""


def test_it_asks_a_visitor_to_sign_in(client, maya):
    response = client.post(feed_button(maya, "new"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    maya.refresh_from_db()
    assert maya.calendar_feed_token == ""
