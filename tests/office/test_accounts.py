"""The practitioner is staff, not superuser: every practice page, no user administration."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from office.services import practitioner_access_grant

from ..factories import UserFactory
from ..staff.helpers import sign_in


@pytest.fixture
def practitioner_office(client, maya):
    maya.user.is_superuser = False
    maya.user.save()
    practitioner_access_grant(user=maya.user)
    sign_in(client, maya.user)
    return client


def test_it_opens_every_part_of_the_practice_to_her(practitioner_office):
    for path in (
        "/admin/",
        "/admin/clients/client/",
        "/admin/booking/booking/",
        "/admin/assessments/intake/",
        "/admin/notifications/outboundemail/",
        "/admin/booking/practitioner/",
        "/admin/staff/securityevent/",
    ):
        assert practitioner_office.get(path).status_code == 200, path


def test_it_keeps_users_and_groups_from_her(practitioner_office):
    assert practitioner_office.get("/admin/auth/user/").status_code == 403
    assert practitioner_office.get("/admin/auth/group/").status_code == 403
    content = practitioner_office.get("/admin/clients/client/").content.decode()
    assert "Authentication and Authorization" not in content


def test_it_shows_users_to_a_superuser(client, db):
    sign_in(client, UserFactory(username="owner", is_superuser=True))
    assert client.get("/admin/auth/user/").status_code == 200


def test_it_makes_the_demo_practitioner_staff_not_superuser(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    user = get_user_model().objects.get(username="practitioner")
    assert user.is_staff
    assert not user.is_superuser
    assert user.has_perm("booking.change_booking")
    assert not user.has_perm("auth.view_user")
