"""assessments.links: each email carries the link of the person it is written to."""

import pytest
import time_machine

from assessments.links import intake_path, intake_url_for_email
from assessments.tokens import intake_token_read
from booking.emails import render_email
from booking.models import OutboundEmail

from ..factories import BookingFactory
from .conftest import NOW, TUESDAY_9

pytestmark = pytest.mark.django_db

Kind = OutboundEmail.Kind


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def email(booking, kind, to):
    return OutboundEmail.objects.create(
        kind=kind,
        booking=booking,
        client=booking.client,
        to_email=to,
        due_at=NOW,
        dedupe_key=f"{kind}:{to}",
    )


def public_id_in(url):
    return intake_token_read(url.rstrip("/").rsplit("/", 1)[-1])


def test_the_confirmation_and_nudge_carry_the_clients_own_link(couple_intakes):
    ana_intake, _ = couple_intakes
    booking = ana_intake.booking

    for kind in (Kind.CONFIRMATION, Kind.INTAKE_NUDGE):
        url = intake_url_for_email(email(booking, kind, "ana@example.com"))
        assert url.startswith("https://book.example.com/intake/")
        assert public_id_in(url) == ana_intake.public_id


def test_the_invitation_carries_the_partners_own_link(couple_intakes):
    _, sam_intake = couple_intakes

    url = intake_url_for_email(email(sam_intake.booking, Kind.INTAKE_INVITATION, "sam@EXAMPLE.com"))

    assert public_id_in(url) == sam_intake.public_id


@pytest.mark.parametrize(
    ("kind", "to"),
    [
        (Kind.INTAKE_INVITATION, "ana@example.com"),  # the client never gets the partner's link
        (Kind.CONFIRMATION, "sam@example.com"),  # nor the partner the client's
        (Kind.REMINDER, "ana@example.com"),
        (Kind.URGENT_ALERT, "maya@example.com"),
        (Kind.NEW_BOOKING_ALERT, "maya@example.com"),
    ],
)
def test_other_emails_carry_no_link(couple_intakes, kind, to):
    booking = couple_intakes[0].booking

    assert intake_url_for_email(email(booking, kind, to)) == ""


def test_single_sessions_carry_no_link(single_session, ana):
    booking = BookingFactory(session_type=single_session, start_at=TUESDAY_9, client=ana)

    assert intake_url_for_email(email(booking, Kind.CONFIRMATION, "ana@example.com")) == ""


def test_the_rendered_emails_link_each_person_to_their_own_questionnaire(couple_intakes):
    ana_intake, sam_intake = couple_intakes
    booking = ana_intake.booking
    confirmation = render_email(email(booking, Kind.CONFIRMATION, "ana@example.com"))
    invitation = render_email(email(booking, Kind.INTAKE_INVITATION, "sam@example.com"))

    assert intake_path(ana_intake) in confirmation.body
    assert intake_path(ana_intake) not in invitation.body
    assert intake_path(sam_intake) in invitation.body
    assert intake_path(sam_intake) in invitation.alternatives[0].content
    assert intake_path(sam_intake) not in confirmation.body
