"""The questionnaire's emails: partner's invitation, nudge, later round, urgent alert, code.

Registered with the outbox at start-up (``AssessmentsConfig.ready``), about
bookings, which the booking app registered. The booking confirmation is
booking's; this app only adds the questionnaire link to it. No email ever
holds an answer: the urgent alert says where to look, not what was said.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking import emails as booking_emails
from booking.models import Booking
from notifications.kinds import EmailKind, Recipient, context_extend, kind_register
from notifications.models import OutboundEmail
from notifications.services import emails_queue

from .codes import CODE_ATTEMPTS, CODE_MINUTES, code_for
from .links import intake_url_for_email, intake_urls_for_emails
from .models import Intake, IntakeAccessCode
from .selectors import bookings_with_unfinished_intake


def intake_link_context(email: OutboundEmail, booking: Booking) -> dict[str, Any]:
    return {"intake_url": intake_url_for_email(email, booking)}


def intake_links_context(pairs: list[tuple[OutboundEmail, Booking]]) -> list[dict[str, Any]]:
    """Each email's questionnaire link, for a batch of invitations or nudges in one query."""
    return [{"intake_url": url} for url in intake_urls_for_emails(pairs)]


def urgent_alert_context(email: OutboundEmail, booking: Booking) -> dict[str, Any]:
    """The booking's context, with the link going straight to the questionnaire report."""
    report = settings.SITE_URL + reverse("admin:assessments_intake_report", args=[booking.pk])
    return {**booking_emails.booking_email_context(email, booking), "report_url": report}


def nudge_still_needed(email: OutboundEmail, booking: Booking, now: datetime) -> str:
    return nudges_still_needed([(email, booking)], now)[0]


def nudges_still_needed(pairs: list[tuple[OutboundEmail, Booking]], now: datetime) -> list[str]:
    """Return why each nudge should no longer go out, or "": one query for the whole batch."""
    unfinished = bookings_with_unfinished_intake([booking.pk for _, booking in pairs])
    reasons = []
    for email, booking in pairs:
        reason = booking_emails.still_needed_before_the_call(email, booking, now)
        if not reason and booking.pk not in unfinished:
            reason = "questionnaire already completed"
        reasons.append(reason)
    return reasons


def _live_code(email: OutboundEmail, booking: Booking, now: datetime) -> IntakeAccessCode | None:
    """Return the recipient's own live code for this booking's questionnaire, or None."""
    row = (
        IntakeAccessCode.objects.filter(
            intake__booking_id=booking.pk, intake__client_id=email.recipient_client_id
        )
        # The booking may hold more than one round of theirs: the newest code is the one.
        .order_by("-expires_at")
        .only("nonce", "expires_at", "attempts")
        .first()
    )
    if row is None or row.expires_at <= now or row.attempts >= CODE_ATTEMPTS:
        return None
    return row


def code_context(email: OutboundEmail, booking: Booking) -> dict[str, Any]:
    row = _live_code(email, booking, timezone.now()) if booking.pk else None
    # The office's preview shows an example; a code no longer live is never written out.
    code = code_for(row.nonce) if row else ("123456" if not booking.pk else "")
    return {
        **booking_emails.booking_email_context(email, booking),
        "code": code,
        "minutes": CODE_MINUTES,
    }


def code_still_needed(email: OutboundEmail, booking: Booking, now: datetime) -> str:
    if _live_code(email, booking, now) is None:
        return "the code has expired or was used"
    return ""


def assessment_emails_register() -> None:
    """Register the questionnaire's emails and add its link to the booking confirmation."""
    for kind in (
        EmailKind(
            name="intake_invitation",
            label=_("Questionnaire invitation (partner)"),
            subject_type=booking_emails.SUBJECT,
            subject_line="An invitation from {practitioner}",
            recipients=booking_emails.partner_of,
            version=booking_emails.once,
            context=booking_emails.booking_email_context,
            context_many=intake_links_context,
            still_needed=booking_emails.still_needed,
        ),
        EmailKind(
            name="intake_nudge",
            label=_("Questionnaire nudge"),
            subject_type=booking_emails.SUBJECT,
            subject_line="Before we talk on {day}",
            recipients=booking_emails.client_of,
            version=booking_emails.per_time,
            context=booking_emails.booking_email_context,
            context_many=intake_links_context,
            still_needed=nudge_still_needed,
            still_needed_many=nudges_still_needed,
            timed=True,
        ),
        EmailKind(
            name="intake_code",
            label=_("Questionnaire code (new browser)"),
            subject_type=booking_emails.SUBJECT,
            subject_line="Your one-time code",
            recipients=booking_emails.client_of,
            version=booking_emails.once,
            context=code_context,
            still_needed=code_still_needed,
            keep_copy=False,  # the code opens the questionnaire: no copy outlives it
        ),
        EmailKind(
            name="intake_round",
            label=_("Questionnaire sent again"),
            subject_type=booking_emails.SUBJECT,
            subject_line="The questions once more, from {practitioner}",
            recipients=booking_emails.client_of,
            version=booking_emails.once,
            context=booking_emails.booking_email_context,
            context_many=intake_links_context,
        ),
        EmailKind(
            name="urgent_alert",
            label=_("To you: urgent questionnaire answer"),
            subject_type=booking_emails.SUBJECT,
            subject_line="Please look at a questionnaire soon",
            recipients=booking_emails.practitioner_of,
            version=booking_emails.once,
            context=urgent_alert_context,
            to_practitioner=True,
        ),
    ):
        kind_register(kind)
    context_extend("confirmation", intake_link_context)


def intake_nudge_queue(booking: Booking, *, now: datetime) -> None:
    """Queue the nudge for an unfinished questionnaire, INTAKE_NUDGE_HOURS before the call."""
    due = booking.start_at - timedelta(hours=settings.INTAKE_NUDGE_HOURS)
    if due > now:
        emails_queue("intake_nudge", booking, due_at=due)


def intake_invitation_queue(booking: Booking, *, partner: Intake, now: datetime) -> None:
    """Queue the partner's invitation to their own questionnaire."""
    recipient = Recipient(
        email=booking.partner_email.strip(), role="partner", client_id=partner.client_id
    )
    emails_queue("intake_invitation", booking, due_at=now, recipients=[recipient])


def intake_round_queue(booking: Booking, *, intake: Intake, now: datetime) -> None:
    """Queue the invitation to a later round now, to the intake's own person."""
    recipient = Recipient(email=intake.client.email, role=intake.role, client_id=intake.client_id)
    emails_queue(
        "intake_round", booking, due_at=now, variant=f"intake{intake.pk}", recipients=[recipient]
    )


def urgent_alert_queue(booking: Booking, *, intake: Intake, now: datetime) -> None:
    """Queue an alert to the practitioner now: someone answered a safety question yes."""
    emails_queue("urgent_alert", booking, due_at=now, variant=f"intake{intake.pk}")


def intake_code_queue(booking: Booking, *, intake: Intake, issued: int, now: datetime) -> None:
    """Queue a one-time code to the intake's own person now; the email renders the code."""
    recipient = Recipient(email=intake.client.email, role=intake.role, client_id=intake.client_id)
    emails_queue(
        "intake_code",
        booking,
        due_at=now,
        variant=f"intake{intake.pk}-code{issued}",
        recipients=[recipient],
    )
