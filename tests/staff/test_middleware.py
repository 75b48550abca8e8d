"""No office page opens without a second factor, whatever admin view serves it."""

import re

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, reverse

from ..clock import NOW
from ..factories import BookingFactory
from .helpers import authenticator, sign_in

pytestmark = pytest.mark.django_db

OPEN = {"login", "logout"}


def office_paths(patterns=None, prefix="/admin/") -> list[str]:
    """Return a URL for every pattern the admin site registered, with 1 for each argument."""
    paths = []
    for pattern in admin.site.get_urls() if patterns is None else patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            paths += office_paths(pattern.url_patterns, prefix + _fill(route))
        elif isinstance(pattern, URLPattern) and pattern.name not in OPEN:
            paths.append(prefix + _fill(route))
    return paths


def _fill(route: str) -> str:
    """Turn a route ("<path:object_id>/change/" or a regex) into a concrete path."""
    route = re.sub(r"\(\?P<app_label>[^)]*\)", "booking", route)  # an app's index
    route = re.sub(r"\(\?P<url>\.\*\)", "no-such-page/", route)  # the catch-all
    route = re.sub(r"<(?:\w+:)?\w+>", "1", route)
    return route.lstrip("^").rstrip("$")


def test_it_finds_every_kind_of_office_page():
    paths = office_paths()
    assert "/admin/" in paths
    assert "/admin/booking/booking/1/change/" in paths
    assert "/admin/booking/" in paths
    assert "/admin/password_change/" in paths
    assert "/admin/no-such-page/" in paths
    assert len(paths) > 40


def test_it_sends_every_office_url_to_set_up_without_a_second_factor(client, maya):
    client.force_login(maya.user)
    setup = reverse("staff_setup")
    for path in [*office_paths(), reverse("staff_recovery_codes")]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(f"{setup}?next="), path


def test_it_asks_for_the_code_once_an_authenticator_is_set_up(client, maya):
    authenticator(maya.user)
    client.force_login(maya.user)
    for path in ("/admin/", "/admin/booking/booking/", "/admin/password_change/"):
        response = client.get(path)
        assert response["Location"].startswith(f"{reverse('staff_verify')}?next="), path


def test_it_asks_for_the_second_factor_on_writes_too(client, maya):
    booking = BookingFactory(start_at=NOW)
    client.force_login(maya.user)
    response = client.post(f"/admin/booking/booking/{booking.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff_setup"))
    booking.refresh_from_db()  # still there


def test_it_opens_the_office_once_the_second_factor_is_proved(client, maya):
    sign_in(client, maya.user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/booking/booking/").status_code == 200


def test_it_leaves_the_login_and_the_public_pages_alone(client, maya, assessment):
    client.force_login(maya.user)
    assert client.get("/").status_code == 200
    assert client.get("/book/assessment-call/").status_code == 200
    assert client.get(reverse("staff_setup")).status_code == 200
    assert client.post(reverse("admin:logout")).status_code == 200


def test_it_sends_the_anonymous_to_the_login_page(client, db):
    response = client.get("/admin/booking/booking/")
    assert response["Location"].startswith(reverse("admin:login"))
