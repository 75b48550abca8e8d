"""Writes for questionnaires: load the instrument files, create, save, submit.

Answers are health data: nothing here logs them or puts them in an email.
Log lines carry ids only, and the practitioner's alert says where to look,
not what was said.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, NamedTuple

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Max, Q
from django.utils import timezone

from booking.models import Booking, SessionType
from clients.models import Client
from clients.services import client_get_or_create_for_invitation
from lib.errors import DomainError

from . import codes, emails, scoring
from .models import Instrument, Intake, IntakeAccessCode

logger = logging.getLogger(__name__)

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"
INTAKE_INSTRUMENT = "power-balance"


# --- Errors -------------------------------------------------------------------


class IntakeError(DomainError):
    """A questionnaire write that cannot be carried out; ``message`` is for the person."""


class IntakeClosed(IntakeError):
    """The answers were already sent; nothing more can change them."""

    code = "submitted"


class IntakeInvalid(IntakeError):
    """Posted answers the page did not offer; ``errors`` maps item keys to messages."""

    def __init__(self, message: str, *, errors: Mapping[str, list[str]]) -> None:
        super().__init__(message)
        self.errors = dict(errors)


class IntakeIncomplete(IntakeError):
    """Required questions are unanswered; ``section_index`` is the first with a gap."""

    code = "incomplete"

    def __init__(self, message: str, *, missing: list[str], section_index: int) -> None:
        super().__init__(message)
        self.missing = missing
        self.section_index = section_index


class InstrumentInUse(Exception):
    """A questionnaire version with answers would change: make a new version instead."""


CLOSED_MESSAGE = (
    "Your answers have already been sent, so they can no longer be changed here. "
    "If there is anything you would like to add, you can say so on the call."
)
TAMPERED_MESSAGE = (
    "Some answers could not be saved because they were not among the choices on this page. "
    "Nothing on this page was changed. Please choose again from the options shown."
)


# --- Instruments --------------------------------------------------------------


def instrument_definition_check(definition: Mapping[str, Any], *, source: str) -> None:
    """Raise ValueError unless the definition can be shown and scored."""
    for key in ("slug", "version", "title", "minutes", "sections"):
        if key not in definition:
            raise ValueError(f"{source}: missing {key!r}.")
    if not isinstance(definition["version"], int) or definition["version"] < 1:
        raise ValueError(f"{source}: version must be a whole number from 1.")
    keys = [item["key"] for item in scoring.iter_items(definition)]
    if len(keys) != len(set(keys)):
        raise ValueError(f"{source}: item keys must be unique.")
    for item in scoring.iter_items(definition):
        scoring.answer_options(item)  # raises for a kind no page can ask


def _instrument_files(directory: Path) -> Iterator[tuple[str, dict]]:
    for path in sorted(directory.glob("*.json")):
        yield path.name, json.loads(path.read_text(encoding="utf-8"))


# Versions clients were already answering before a version had to be published in the
# office. They are live as soon as they are loaded (on a new database; an existing one
# marked them published in migration 0008). Every other version is loaded as a draft.
LIVE_BEFORE_PUBLISHING = frozenset({("power-balance", 1)})


class InstrumentPublishError(DomainError):
    """A version that cannot be published; ``message`` is for the practitioner."""


@transaction.atomic
def instruments_sync(
    *, directory: Path = INSTRUMENTS_DIR, using: str = DEFAULT_DB_ALIAS
) -> list[str]:
    """Load every questionnaire file into the database; return a line per file.

    Idempotent: an unchanged file changes nothing. A new version is loaded as
    a draft, which no client is given until the practitioner publishes it in
    the office. A changed file updates its version only while it is a draft
    (a draft has no answers); a published version is the wording she read
    and approved, so a change to it is refused with InstrumentInUse, and the
    file must be saved as a new version (``<slug>_v<next>.json``).
    """
    lines = []
    for name, definition in _instrument_files(directory):
        instrument_definition_check(definition, source=name)
        slug, version = definition["slug"], definition["version"]
        found = (
            Instrument.objects.using(using)
            .select_for_update()
            .filter(slug=slug, version=version)
            .first()
        )
        label = f"{slug} v{version}"
        if found is None:
            live = (slug, version) in LIVE_BEFORE_PUBLISHING
            Instrument.objects.using(using).create(
                slug=slug,
                version=version,
                title=definition["title"],
                definition=definition,
                published_at=timezone.now() if live else None,
            )
            lines.append(f"{label}: loaded" if live else f"{label}: loaded as a draft")
        elif found.definition == definition:
            lines.append(f"{label}: unchanged")
        elif (
            found.published_at is not None
            or Intake.objects.using(using).filter(instrument=found).exists()
        ):
            raise InstrumentInUse(
                f"{name} differs from {label} in the database, which is already published "
                f"or already has answers. Such versions never change: save the new wording as "
                f'{slug.replace("-", "_")}_v{version + 1}.json with "version": {version + 1}.'
            )
        else:
            found.title = definition["title"]
            found.definition = definition
            found.save(using=using, update_fields=["title", "definition"])
            lines.append(f"{label}: updated (still a draft)")
    return lines


@transaction.atomic
def instrument_publish(*, instrument_id: int, now: datetime) -> Instrument:
    """Make a draft the live version: new questionnaires use it from now on.

    Questionnaires already created keep the version they were given. Only a
    draft newer than the live version can be published, so publishing never
    takes the live version backwards; publishing twice refuses the second time.
    """
    instrument = Instrument.objects.select_for_update().get(pk=instrument_id)
    if instrument.published_at is not None:
        raise InstrumentPublishError("This version is already published.")
    # Lock every version of the questionnaire, so two drafts cannot go live at once.
    live = (
        Instrument.objects.select_for_update()
        .filter(slug=instrument.slug, published_at__isnull=False)
        .order_by("-version")
        .first()
    )
    if live is not None and live.version > instrument.version:
        raise InstrumentPublishError(
            f"This draft is older than the live version ({live.version}), so it cannot be "
            "published. Nothing was changed."
        )
    instrument.published_at = now
    # A save, not an update(), so the audit trail records who published it and when.
    instrument.save(update_fields=["published_at"])
    logger.info("instrument %s published", instrument.pk)
    return instrument


# --- Creating intakes ---------------------------------------------------------


@transaction.atomic
def intakes_create_for_booking(*, booking: Booking) -> list[Intake]:
    """Create the questionnaires for a newly confirmed assessment call.

    One for the person who booked and, for a couple whose partner's email was
    given, one for the partner, tied to the partner's own client record
    (found by email, or created now without consent, which they give before
    answering). The partner is not written to yet: ``intake_partner_invite``
    does that once the booker proved their email. Calling it again for the
    same booking creates nothing new.
    """
    if booking.session_type.kind != SessionType.Kind.ASSESSMENT or booking.client is None:
        return []
    try:
        instrument = Instrument.objects.current(INTAKE_INSTRUMENT)
    except Instrument.DoesNotExist:
        # A booking matters more than its questionnaire: confirm it and say why loudly.
        logger.error("booking %s: no questionnaire loaded; run load_instruments", booking.pk)
        return []
    client = booking.client
    intake, _ = Intake.objects.get_or_create(
        booking=booking,
        role=Intake.Role.CLIENT,
        round=1,
        defaults={
            "client": client,
            "instrument": instrument,
            "consent_at": client.privacy_consent_at or timezone.now(),
        },
    )
    intakes = [intake]
    partner_email = booking.partner_email.strip()
    if booking.is_couple and partner_email and partner_email.lower() != client.email.lower():
        partner = client_get_or_create_for_invitation(
            name=booking.partner_name or partner_email,
            email=partner_email,
            time_zone=booking.client_time_zone,
        )
        partner_intake, _ = Intake.objects.get_or_create(
            booking=booking,
            role=Intake.Role.PARTNER,
            round=1,
            defaults={"client": partner, "instrument": instrument},
        )
        intakes.append(partner_intake)
    logger.info("booking %s: questionnaires %s", booking.pk, [i.pk for i in intakes])
    return intakes


@transaction.atomic
def intake_partner_invite(*, booking: Booking, now: datetime) -> Intake | None:
    """Invite a couple's partner to their questionnaire, now that the booker proved their email.

    Until then nobody the booker named is written to: anyone can type an
    address. Return the partner's intake, or None when there is nobody to
    invite; the invitation's key makes a second call queue nothing.
    """
    partner = booking.intakes.filter(role=Intake.Role.PARTNER, round=1).first()
    if partner is None:
        return None
    emails.intake_invitation_queue(booking, partner=partner, now=now)
    logger.info("booking %s: partner invited", booking.pk)
    return partner


# --- Later rounds: movement over time ----------------------------------------------


class IntakeRoundError(DomainError):
    """The questionnaire cannot be sent again now; ``message`` is for the practitioner."""


def _round_booking(client_id: int, now: datetime) -> Booking | None:
    """Return the booking a later round is filed under: the person's next session, else
    their most recent one; their own bookings, or those they came to as a partner."""
    as_partner = Intake.objects.filter(client_id=client_id, role=Intake.Role.PARTNER).values(
        "booking_id"
    )
    bookings = Booking.objects.filter(
        Q(client_id=client_id) | Q(pk__in=as_partner),
        status__in=[
            Booking.Status.CONFIRMED,
            Booking.Status.COMPLETED,
            Booking.Status.NOT_A_FIT,
            Booking.Status.NO_SHOW,
        ],
    ).select_related("client", "practitioner")
    upcoming = (
        bookings.filter(status=Booking.Status.CONFIRMED, start_at__gt=now)
        .order_by("start_at")
        .first()
    )
    return upcoming or bookings.filter(start_at__lte=now).order_by("-start_at").first()


@transaction.atomic
def intake_round_send(*, client: Client, now: datetime | None = None) -> Intake:
    """Send a person their questionnaire again, as the next round, and email them the link.

    The round uses the newest published version of the questionnaire they
    answered before, is filed under their next session's booking (else their
    most recent one) and its link works for INTAKE_LINK_MAX_AGE_DAYS. Refused
    with IntakeRoundError while a questionnaire of theirs is still unsent, or
    when they have never had one.
    """
    now = now or timezone.now()
    # Lock the person, so two clicks cannot make two rounds.
    Client.objects.select_for_update().filter(pk=client.pk).first()
    previous = (
        Intake.objects.filter(client_id=client.pk)
        .select_related("instrument")
        .order_by("-round", "-created_at", "-pk")
        .first()
    )
    if previous is None:
        raise IntakeRoundError(
            f"{client.name} has not had a questionnaire yet: the first comes with an "
            "assessment call. Nothing was sent."
        )
    if Intake.objects.filter(client_id=client.pk).exclude(status=Intake.Status.COMPLETED).exists():
        raise IntakeRoundError(
            f"{client.name} has a questionnaire they have not sent yet, so a new one was not "
            "sent. They can still use the link they have."
        )
    booking = _round_booking(client.pk, now)
    if booking is None:
        raise IntakeRoundError(f"{client.name} has no session to file it under. Nothing was sent.")
    try:
        instrument = Instrument.objects.current(previous.instrument.slug)
    except Instrument.DoesNotExist:
        raise IntakeRoundError("No version of the questionnaire is published.") from None
    role = Intake.Role.CLIENT if booking.client_id == client.pk else Intake.Role.PARTNER
    next_round = (
        Intake.objects.filter(client_id=client.pk).aggregate(top=Max("round"))["top"] or 0
    ) + 1
    intake = Intake.objects.create(
        booking=booking,
        client=client,
        instrument=instrument,
        role=role,
        round=next_round,
        expires_at=now + timedelta(days=settings.INTAKE_LINK_MAX_AGE_DAYS),
        # They agreed to the privacy notice for the first round; a partner who never
        # did agrees before answering, as the first time.
        consent_at=previous.consent_at,
    )
    intake.client = client
    emails.intake_round_queue(booking, intake=intake, now=now)
    logger.info("client %s: questionnaire round %s (intake %s)", client.pk, next_round, intake.pk)
    return intake


# --- Answering ----------------------------------------------------------------


def _lock(intake_id: int) -> Intake:
    """Return the intake locked for this transaction, with what its pages show."""
    return (
        Intake.objects.select_for_update(of=("self",))
        .select_related("instrument", "booking__practitioner")
        .get(pk=intake_id)
    )


def _check_open(intake: Intake) -> None:
    if intake.is_submitted:
        raise IntakeClosed(CLOSED_MESSAGE)
    if intake.consent_at is None:
        raise IntakeError(
            "Please read the privacy notice and agree to it before answering.", code="consent"
        )


@transaction.atomic
def intake_consent_give(*, intake_id: int, now: datetime | None = None) -> Intake:
    """Record that a partner agreed to the privacy notice, on the intake and their record."""
    now = now or timezone.now()
    intake = (
        Intake.objects.select_for_update(of=("self",)).select_related("client").get(pk=intake_id)
    )
    if intake.consent_at is None:
        intake.consent_at = now
        intake.save(update_fields=["consent_at", "updated_at"])
        intake.client.privacy_consent_at = now
        intake.client.save(update_fields=["privacy_consent_at", "updated_at"])
        logger.info("intake %s: consent given", intake.pk)
    return intake


@dataclass(frozen=True)
class SectionSaved:
    intake: Intake
    missing: list[str] = field(default_factory=list)
    # This save turned the questionnaire urgent: the page after it offers support.
    became_urgent: bool = False


def _flag_if_urgent(intake: Intake, now: datetime) -> bool:
    """Flag the intake and alert the practitioner the first time a safety answer is yes.

    Return whether it became urgent now. Once urgent it stays so, whatever is
    answered later: the practitioner needs to know it was said.
    """
    if intake.urgent or not scoring.is_urgent(intake.instrument.definition, intake.answers):
        return False
    intake.urgent = True
    intake.urgent_at = now
    booking = Booking.objects.select_related("practitioner__user", "client").get(
        pk=intake.booking_id
    )
    emails.urgent_alert_queue(booking, intake=intake, now=now)
    logger.info("intake %s: urgent", intake.pk)
    return True


@transaction.atomic
def intake_section_save(
    *,
    intake_id: int,
    section_index: int,
    submitted: Mapping[str, Sequence[str]],
    move: Literal["next", "back", "stay"] = "next",
) -> SectionSaved:
    """Save one page of answers; move the resume point forward or back.

    ``submitted`` holds the posted values per item key, as the browser sent
    them. Values the page did not offer, unknown items, repeated fields and
    posts to a sent questionnaire raise an error and change nothing. Required
    questions left blank do not: the other answers are kept, and when moving
    forward the page is shown again with ``missing`` listing them. In a
    private section (``scoring.PRIVATE_SECTIONS``, or marked ``"private"`` in
    the file) a blank keeps what was saved.
    """
    intake = _lock(intake_id)
    _check_open(intake)
    sections = intake.instrument.sections
    if not 0 <= section_index < len(sections):
        raise IntakeError("That page is not part of the questionnaire.", code="no_section")
    items = {item["key"]: item for item in sections[section_index]["items"]}
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, scoring.Answer | None] = {}
    for key, values in submitted.items():
        if key not in items:
            errors.setdefault(key, []).append("This question is not on this page.")
        elif len(values) > 1:
            errors.setdefault(key, []).append("Please give one answer to this question.")
    for key, item in items.items():
        values = submitted.get(key) or [""]
        if key in errors:
            continue
        try:
            cleaned[key] = scoring.clean_answer(item, values[0])
        except ValueError as error:
            errors[key] = [_friendly(error, item)]
    if errors:
        logger.info("intake %s: page %s refused", intake.pk, section_index)
        raise IntakeInvalid(TAMPERED_MESSAGE, errors=errors)

    answers = dict(intake.answers)
    # A private section's page never shows its saved answers, so its blanks mean
    # "unchanged", not "cleared". v2 marks its private sections in the file.
    section = sections[section_index]
    keep_blanks = bool(section.get("private")) or section["key"] in scoring.PRIVATE_SECTIONS
    for key, value in cleaned.items():
        if value is None:
            if not keep_blanks:
                answers.pop(key, None)
        else:
            answers[key] = value
    missing = [key for key, item in items.items() if item["required"] and key not in answers]
    intake.answers = answers
    if move == "next" and not missing:
        intake.current_section = min(section_index + 1, len(sections) - 1)
    elif move == "back":
        intake.current_section = max(section_index - 1, 0)
    else:
        intake.current_section = section_index
    now = timezone.now()
    if intake.status == Intake.Status.NOT_STARTED:
        intake.status = Intake.Status.IN_PROGRESS
        intake.started_at = now
    became_urgent = _flag_if_urgent(intake, now)
    intake.save()
    logger.info("intake %s: page %s saved", intake.pk, section_index)
    return SectionSaved(
        intake=intake, missing=missing if move == "next" else [], became_urgent=became_urgent
    )


def _friendly(error: ValueError, item: Mapping[str, Any]) -> str:
    """Return clean_answer's message, or a plain one where it quotes the raw value."""
    if item["kind"] in ("text", "number"):
        return str(error)
    return "Please choose one of the answers shown."


@transaction.atomic
def intake_submit(*, intake_id: int) -> Intake:
    """Send the answers to the practitioner: check them, mark urgent, alert at once.

    Any safety question answered yes marks the intake urgent and queues an
    alert to the practitioner now; the alert names the booking, never an answer.
    """
    intake = _lock(intake_id)
    _check_open(intake)
    definition = intake.instrument.definition
    errors = scoring.validate_answers(definition, intake.answers)
    if errors:
        section_index = next(
            index
            for index, section in enumerate(definition["sections"])
            if any(item["key"] in errors for item in section["items"])
        )
        raise IntakeIncomplete(
            "A few questions still need an answer before you can send.",
            missing=sorted(errors),
            section_index=section_index,
        )
    now = timezone.now()
    intake.status = Intake.Status.COMPLETED
    intake.submitted_at = now
    intake.awaiting_review = True
    _flag_if_urgent(intake, now)  # answers saved before this change may hold an unflagged yes
    intake.save()
    logger.info("intake %s: sent", intake.pk)
    return intake


# --- Opening in a new browser -------------------------------------------------


class CodeState(NamedTuple):
    """A new browser's code: just ``sent``, or an earlier one still live (maybe ``locked``)."""

    sent: bool
    locked: bool


@transaction.atomic
def intake_code_send(*, intake_id: int, now: datetime | None = None) -> CodeState:
    """Email a fresh one-time code to the intake's person, unless one is still live.

    A live code is not replaced, so opening the link again sends no flood of
    emails, and a locked code (too many wrong tries) stays locked until it
    expires: a guesser gets CODE_ATTEMPTS tries per CODE_MINUTES, no more.
    """
    now = now or timezone.now()
    intake = (
        Intake.objects.select_for_update(of=("self",)).select_related("client").get(pk=intake_id)
    )
    row = IntakeAccessCode.objects.filter(intake=intake).first()
    if row is not None and row.expires_at > now:
        return CodeState(sent=False, locked=row.attempts >= codes.CODE_ATTEMPTS)
    row = row or IntakeAccessCode(intake=intake)
    row.nonce = codes.code_nonce()
    row.issued += 1
    row.expires_at = now + timedelta(minutes=codes.CODE_MINUTES)
    row.attempts = 0
    row.save()
    booking = Booking.objects.select_related("practitioner", "client").get(pk=intake.booking_id)
    emails.intake_code_queue(booking, intake=intake, issued=row.issued, now=now)
    logger.info("intake %s: code %s sent", intake.pk, row.issued)
    return CodeState(sent=True, locked=False)


class CodeCheck(NamedTuple):
    """A typed code: "right", "wrong", "locked" (too many tries) or "expired"."""

    outcome: Literal["right", "wrong", "locked", "expired"]
    tries_left: int = 0


@transaction.atomic
def intake_code_check(*, intake_id: int, typed: str, now: datetime | None = None) -> CodeCheck:
    """Check a code typed into a new browser; a right code is used up at once."""
    now = now or timezone.now()
    row = IntakeAccessCode.objects.select_for_update().filter(intake_id=intake_id).first()
    if row is None or row.expires_at <= now:
        return CodeCheck("expired")
    if row.attempts >= codes.CODE_ATTEMPTS:
        return CodeCheck("locked")
    if codes.code_matches(row.nonce, typed):
        row.expires_at = now  # used: it never works twice
        row.save(update_fields=["expires_at"])
        logger.info("intake %s: code accepted", intake_id)
        return CodeCheck("right")
    row.attempts += 1
    row.save(update_fields=["attempts"])
    logger.info("intake %s: wrong code, try %s", intake_id, row.attempts)
    tries_left = codes.CODE_ATTEMPTS - row.attempts
    return CodeCheck("wrong" if tries_left else "locked", tries_left)


@transaction.atomic
def intake_report_review(*, booking_id: int, now: datetime) -> int:
    """Mark what the practitioner saw of a booking's questionnaires as read; return how many.

    Sent questionnaires and urgent unsent ones. One sent after this waits for its own
    review: sending sets ``awaiting_review`` again.
    """
    return Intake.objects.filter(
        Q(submitted_at__isnull=False) | Q(urgent=True), booking_id=booking_id
    ).update(reviewed_at=now, awaiting_review=False)


def intakes_review_withdraw(*, booking_id: int) -> int:
    """Stop a cancelled booking's questionnaires waiting to be read; return how many.

    The report stays readable from the booking and the client's page.
    """
    return Intake.objects.filter(booking_id=booking_id, awaiting_review=True).update(
        awaiting_review=False
    )


# --- Erasure ----------------------------------------------------------------------


@transaction.atomic
def intakes_erase_person(*, client_id: int, promote_partner_on: Sequence[int] = ()) -> int:
    """Delete every questionnaire a person answered (their right to erasure); return how many.

    Their access codes go with them. On ``promote_partner_on`` (couple bookings
    that stay with the other partner once the person who booked is erased) the
    partner's questionnaire becomes the booking's client questionnaire, so the
    booking's pages and emails keep finding it.
    """
    deleted = Intake.objects.filter(client_id=client_id).delete()[1].get("assessments.Intake", 0)
    Intake.objects.filter(booking_id__in=list(promote_partner_on), role=Intake.Role.PARTNER).update(
        role=Intake.Role.CLIENT
    )
    return deleted
