"""Booking the way a visitor does: hold a time, then confirm it with their details."""

from booking import services
from booking.models import Booking

from ..clock import THURSDAY_9

PRIYA = {"name": "Priya", "email": "priya@example.com", "time_zone": "Asia/Kolkata"}


def book(session_type, start=THURSDAY_9, **details) -> Booking:
    """Hold and confirm a time through the services, as Priya in Kolkata unless told otherwise.

    A single session is confirmed as a person does it: from the link emailed to her.
    """
    held = services.booking_hold(
        session_type=session_type, slot_start=start, client_time_zone="Asia/Kolkata"
    )
    typed = services.ClientDetails(**{**PRIYA, **details})
    if session_type.requires_assessment:
        requested = services.booking_verify_request(public_id=held.public_id, details=typed)
        return services.booking_verify_confirm(
            public_id=held.public_id, request=requested.pending_details["request"]
        )
    return services.booking_confirm(public_id=held.public_id, details=typed)
