"""booking.error_pages: calm error pages in the practitioner's name, never the software's."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection
from django.test import Client, RequestFactory

from booking.error_pages import permission_denied

from ..clock import NOW, THURSDAY_9

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def assert_branded(response, status: int) -> str:
    assert response.status_code == status
    page = response.content.decode()
    assert "Maya Lind" in page
    assert "Scales" not in page
    assert "Django" not in page
    return page


def test_it_shows_a_calm_not_found_page(client, maya):
    page = assert_branded(client.get("/no-such-page/"), 404)
    assert "We could not find that page" in page


def test_it_shows_a_calm_bad_request_page(client, maya):
    page = assert_branded(client.get("/", HTTP_HOST="attacker.example"), 400)
    assert "Nothing was changed" in page


def test_it_shows_a_calm_forbidden_page(rf: RequestFactory, maya):
    response = permission_denied(rf.get("/admin/"), PermissionDenied())
    assert_branded(response, 403)


def test_it_explains_a_form_refused_for_its_csrf_token(assessment):
    visitor = Client(enforce_csrf_checks=True)
    held = visitor.post(
        f"/book/{assessment.slug}/hold/", {"slot": THURSDAY_9.isoformat(), "tz": "Europe/Amsterdam"}
    )
    response = visitor.post(held["Location"], {"name": "Priya"})  # no token, no cookie
    page = assert_branded(response, 403)
    assert "This page was open too long or cookies are off" in page
    assert "please go back, reload and try again" in page
    assert "CSRF" not in page


def test_it_shows_the_error_page_without_the_database(assessment):
    attempts = []

    def database_down(execute, sql, params, many, context):
        attempts.append(sql)
        raise OperationalError("the database is down")

    visitor = Client(raise_request_exception=False)
    with connection.execute_wrapper(database_down):
        response = visitor.get("/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "Scales" not in page
    assert len(attempts) == 1  # the landing page's own query; the error page made none


def test_it_names_the_practitioner_on_pages_that_do_not_pass_them(client, maya):
    for url in ("/privacy/", "/follow-ups/stop/forged/"):
        response = client.get(url)
        assert "Maya Lind" in response.content.decode(), url
        assert "Scales" not in response.content.decode(), url
