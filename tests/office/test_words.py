"""Every office page speaks the practitioner's language, not the developer's."""

import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.urls import reverse

from assessments import services as assessment_services
from notifications.kinds import kinds_all
from office.services import practitioner_access_grant

from ..clock import NOW
from ..factories import BookingFactory, ClientFactory
from ..staff.helpers import sign_in

pytestmark = pytest.mark.time_machine(NOW, tick=False)

# Words a practitioner should never have to read: Django's stock phrases, model and
# field names as code spells them, raw times and counting from zero.
DEVELOPER_WORDS = [
    re.compile(r"Select [\w ]+ to (change|view)"),
    re.compile(r"\b(Outbound ?email|Intake|Instrument|Session ?type|Practitioner)s?\b(?! ?[a-z])"),
    re.compile(r"counted from 0", re.IGNORECASE),
    re.compile(r"\d:\d\d:\d\d\b"),
    re.compile(r"\b(object|None|True|False)\b"),
]


def visible_text(html: str) -> str:
    """Return the words a person sees: no tags, scripts, styles, attributes or comments."""
    html = re.sub(r"(?s)<(script|style|svg|template)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    html = re.sub(r"(?s)<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", html)


@pytest.fixture
def practitioner_office(client, maya):
    maya.user.is_superuser = False
    maya.user.save()
    practitioner_access_grant(user=maya.user)
    sign_in(client, maya.user)
    return client


@pytest.fixture
def practice(maya, assessment, single_session):
    priya = ClientFactory(name="Priya Raman", email="priya@example.com")
    booking = BookingFactory(
        session_type=assessment, client=priya, start_at=NOW + timedelta(days=2)
    )
    assessment_services.intakes_create_for_booking(booking=booking)
    return booking


def office_pages(booking) -> list[str]:
    """Every list, add and change page she can open, the report and each email preview."""
    pages = [
        "/admin/",
        reverse("admin:calendar"),
        reverse("admin:book_client"),
        reverse("admin:time_off"),
        reverse("admin:weekly_hours"),
        reverse("admin:clients_client_erase", args=[booking.client_id]),
        reverse("admin:clients_client_records"),
        reverse("admin:booking_booking_move", args=[booking.pk]),
        reverse("admin:booking_booking_cancel", args=[booking.pk]),
        reverse("admin:assessments_intake_report", args=[booking.pk]),
    ]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        first = model_admin.get_queryset(None).first() if hasattr(model, "objects") else None
        if first is not None:
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    pages += [f"/admin/notifications/outboundemail/preview/{kind.name}/" for kind in kinds_all()]
    return pages


def test_it_uses_no_developer_words_on_any_office_page(practitioner_office, practice):
    found = []
    for path in office_pages(practice):
        response = practitioner_office.get(path)
        if response.status_code == 403:  # Users and groups: not hers
            continue
        assert response.status_code == 200, path
        text = visible_text(response.content.decode())
        for pattern in DEVELOPER_WORDS:
            found += [f"{path}: {match.group(0)!r}" for match in pattern.finditer(text)]
    assert not found, "\n".join(found)
