"""Staff sessions end with the browser and after STAFF_SESSION_IDLE_MINUTES idle."""

from datetime import timedelta

import pytest
from django.conf import settings

from ..clock import NOW
from .helpers import code_now, sign_in

pytestmark = pytest.mark.time_machine(NOW, tick=False)


def test_it_ends_an_idle_staff_session(office, time_machine):
    time_machine.shift(timedelta(minutes=29))
    assert office.get("/admin/").status_code == 200
    time_machine.shift(timedelta(minutes=29))  # active 29 minutes ago: still in
    assert office.get("/admin/").status_code == 200
    time_machine.shift(timedelta(minutes=31))
    response = office.get("/admin/booking/booking/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/booking/booking/"
    page = office.get(response["Location"]).content.decode()
    assert "signed out after 30 minutes without activity" in page
    assert office.get("/admin/").status_code == 302  # the session is gone, not just paused


def test_it_follows_the_idle_setting(office, time_machine, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 5
    time_machine.shift(timedelta(minutes=6))
    assert office.get("/admin/").status_code == 302


def test_it_makes_the_login_cookie_end_with_the_browser(client, maya):
    from .helpers import authenticator

    device = authenticator(maya.user)
    client.post("/admin/login/", {"username": "maya", "password": "not-a-real-password"})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    client.post("/admin/sign-in/code/", {"code": code_now(device)})
    assert client.get("/admin/").status_code == 200
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == ""


def test_it_leaves_client_sessions_their_own_lifetime(client, db):
    session = client.session
    session["anything"] = 1
    session.save()
    assert session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert not session.get_expire_at_browser_close()


def test_it_ends_a_verified_session_whose_second_factor_was_removed(client, maya):
    sign_in(client, maya.user)
    assert client.get("/admin/").status_code == 200
    maya.user.totpdevice_set.all().delete()
    assert client.get("/admin/")["Location"].startswith("/admin/sign-in/set-up/")
