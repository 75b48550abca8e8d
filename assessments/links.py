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
# Emails that carry the recipient's own latest questionnaire, whoever they were on the
# booking, and for any kind of session: the questionnaire sent again between sessions.
ROUND_LINK_KINDS = ("intake_round",)
ANY_ROLE = "any"


def intake_path(intake: Intake) -> str:
    return reverse("assessments:open", args=[intake_token_make(intake.public_id)])


def intake_url(intake: Intake) -> str:
    return settings.SITE_URL + intake_path(intake)


def intake_url_for_email(email: OutboundEmail, booking: Booking) -> str:
    """Return the questionnaire link for this email's recipient, or "" when there is none."""
    return intake_urls_for_emails([(email, booking)])[0]


def _link_role(email: OutboundEmail, booking: Booking) -> str:
    """Return whose questionnaire this email links to ("" for none)."""
    if email.kind in ROUND_LINK_KINDS:
        return ANY_ROLE
    if booking.session_type.kind != SessionType.Kind.ASSESSMENT:
        return ""
    if email.kind in PARTNER_LINK_KINDS:
        return Intake.Role.PARTNER
    return Intake.Role.CLIENT if email.kind in CLIENT_LINK_KINDS else ""


def intake_urls_for_emails(pairs: list[tuple[OutboundEmail, Booking]]) -> list[str]:
    """Return each email's questionnaire link for its recipient ("" when there is none).

    The person who booked gets their own link in the confirmation and the nudge;
    a partner gets theirs in the invitation. A link only ever goes to the address
    of the person it belongs to, so no one receives another person's link. One
    query for the whole batch. Where the booking holds more than one round of a
    person's questionnaire, the link is to the latest.
    """
    roles = [_link_role(email, booking) for email, booking in pairs]
    booking_ids = {booking.pk for (_, booking), role in zip(pairs, roles, strict=True) if role}
    booking_ids.discard(None)
    booking_ids.discard(0)
    found: dict[tuple[int, str, str], uuid.UUID] = {}
    if booking_ids:
        rows = (
            Intake.objects.filter(booking_id__in=booking_ids)
            .order_by("-round")
            .values_list("booking_id", "role", "client__email", "public_id")
        )
        for booking_id, role, address, public_id in rows:
            found.setdefault((booking_id, role, address.lower()), public_id)
            found.setdefault((booking_id, ANY_ROLE, address.lower()), public_id)
    urls = []
    for (email, booking), role in zip(pairs, roles, strict=True):
        if not role:
            urls.append("")
        elif not booking.pk:
            # The office's preview of an example booking: a link of the real shape that
            # opens nothing (its questionnaire does not exist).
            urls.append(intake_url(Intake(public_id=uuid.uuid4())))
        else:
            public_id = found.get((booking.pk, role, email.to_email.lower()))
            urls.append(intake_url(Intake(public_id=public_id)) if public_id else "")
    return urls
