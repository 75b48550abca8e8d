"""booking.tokens: client links that cannot be forged, and hold links that expire."""

from datetime import timedelta
from uuid import uuid4

import pytest

from booking.tokens import (
    HOLD_LINK_MAX_AGE,
    BadToken,
    hold_token_make,
    hold_token_read,
    manage_token_make,
    manage_token_read,
)

from ..clock import NOW, TUESDAY_9

pytestmark = pytest.mark.time_machine(NOW, tick=False)


def test_it_reads_back_a_hold_link_it_made():
    public_id = uuid4()
    token = hold_token_make(public_id=public_id, session_type_slug="call", slot_start=TUESDAY_9)
    held = hold_token_read(token)
    assert (held.public_id, held.session_type_slug, held.slot_start) == (
        public_id,
        "call",
        TUESDAY_9,
    )


def test_it_refuses_a_hold_link_after_a_day(time_machine):
    token = hold_token_make(public_id=uuid4(), session_type_slug="call", slot_start=TUESDAY_9)
    time_machine.shift(timedelta(seconds=HOLD_LINK_MAX_AGE))
    hold_token_read(token)  # still within the day
    time_machine.shift(timedelta(seconds=2))
    with pytest.raises(BadToken):
        hold_token_read(token)


def test_it_refuses_a_manage_token_used_as_a_hold_link():
    with pytest.raises(BadToken):
        hold_token_read(manage_token_make(uuid4()))


def test_it_refuses_a_tampered_manage_link():
    token = manage_token_make(uuid4())
    with pytest.raises(BadToken):
        manage_token_read(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
