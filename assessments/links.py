"""Questionnaire links for pages and emails."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.urls import reverse

from booking.models import Booking, SessionType
from notifications.models import OutboundEmail

from .models import Intake
from .tokens import intake_token_make

# Emails to the person who booked that carry their own questionnaire link.
CLIENT_LINK_KINDS = ("confirmation", "intake_nudge")
PARTNER_LINK_KINDS = ("intake_invitation",)


def intake_path(intake: Intake) -> str:
    return reverse("assessments:open", args=[intake_token_make(intake.public_id)])


def intake_url(intake: Intake) -> str:
    return settings.SITE_URL + intake_path(intake)


def intake_url_for_email(email: OutboundEmail, booking: Booking) -> str:
    """Return the questionnaire link for this email's recipient, or "" when there is none.

    The person who booked gets their own link in the confirmation and the nudge;
    a partner gets theirs in the invitation. A link only ever goes to the address
    of the person it belongs to, so no one receives another person's link.
    """
    if email.kind not in (*CLIENT_LINK_KINDS, *PARTNER_LINK_KINDS):
        return ""
    if booking.session_type.kind != SessionType.Kind.ASSESSMENT:
        return ""
    if not booking.pk:
        # The office's preview of an example booking: a link of the real shape that
        # opens nothing (its questionnaire does not exist).
        return intake_url(Intake(public_id=uuid.uuid4()))
    role = Intake.Role.PARTNER if email.kind in PARTNER_LINK_KINDS else Intake.Role.CLIENT
    intake = (
        Intake.objects.filter(
            booking_id=booking.pk, role=role, client__email__iexact=email.to_email
        )
        .only("public_id")
        .first()
    )
    return intake_url(intake) if intake else ""
