"""People and bookings for the questionnaire tests.

Ana Souza books Maya's free assessment call for Tuesday 3 March 2026, 09:00 in
Amsterdam; as a couple, with her partner Sam Okafor, whose email she gives,
and opens the link in her confirmation, so Sam is invited.
"""

import pytest

from assessments import services
from assessments.models import Instrument
from booking.models import Booking

from ..clock import NOW, TUESDAY_9
from ..factories import BookingFactory, ClientFactory


@pytest.fixture
def instrument(db):
    return Instrument.objects.current("power-balance")


@pytest.fixture
def definition(instrument):
    return instrument.definition


@pytest.fixture
def ana(db):
    return ClientFactory(name="Ana Souza", email="ana@example.com", privacy_consent_at=NOW)


@pytest.fixture
def solo_booking(assessment, ana):
    return BookingFactory(session_type=assessment, start_at=TUESDAY_9, client=ana)


@pytest.fixture
def couple_booking(assessment, ana):
    return BookingFactory(
        session_type=assessment,
        start_at=TUESDAY_9,
        client=ana,
        mode=Booking.Mode.COUPLE,
        partner_name="Sam Okafor",
        partner_email="Sam@Example.com",
        email_verified_at=NOW,
    )


@pytest.fixture
def ana_intake(solo_booking):
    [intake] = services.intakes_create_for_booking(booking=solo_booking)
    return intake


@pytest.fixture
def couple_intakes(couple_booking):
    """Return (Ana's intake, Sam's intake), Sam invited."""
    ana_intake, sam_intake = services.intakes_create_for_booking(booking=couple_booking)
    services.intake_partner_invite(booking=couple_booking, now=NOW)
    return ana_intake, sam_intake
