"""What kinds of email exist: a registry the domain apps fill at start-up.

The outbox sends rows; it does not know what a booking or a questionnaire is.
Each app that sends email registers, in its ``AppConfig.ready()``:

- a ``SubjectType``: what its emails are about (a booking), how to load one by
  id, and an unsaved example for the office's previews;
- an ``EmailKind`` per email: its label, subject line, template, recipients,
  the part of its key that makes it a new email, whether it is still needed
  at the moment of sending, and attachments.

Other apps may add to a kind's template context with ``context_extend`` (the
questionnaire app adds its link to the booking confirmation), so no app has to
import one above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import OutboundEmail

Context = dict[str, Any]
Attachment = tuple[str, bytes, str]  # file name, content, MIME type


@dataclass(frozen=True)
class Recipient:
    """One person an email goes to. ``role`` is part of the email's key, never the address."""

    email: str
    role: str  # "client", "partner", "practitioner"
    client_id: int | None = None


@dataclass(frozen=True)
class SubjectType:
    """What emails can be about, registered by the app that owns it."""

    name: str
    load: Callable[[int], Any]  # id -> the object, or None when it no longer exists
    demo: Callable[[Any], Any]  # user -> an unsaved example for previews
    # ids -> {id: object} in one query, for a batch of emails; missing ids no longer exist.
    load_many: Callable[[list[int]], dict[int, Any]] | None = None

    def load_all(self, ids: list[int]) -> dict[int, Any]:
        """Return the subjects with these ids that still exist, by id."""
        if self.load_many is not None:
            return self.load_many(ids)
        found = {subject_id: self.load(subject_id) for subject_id in set(ids)}
        return {subject_id: subject for subject_id, subject in found.items() if subject is not None}


def _always_needed(email: OutboundEmail, subject: Any, now: datetime) -> str:
    return ""


Pairs = list[tuple["OutboundEmail", Any]]


def _no_attachments(email: OutboundEmail, subject: Any) -> list[Attachment]:
    return []


@dataclass(frozen=True)
class EmailKind:
    """One kind of email and everything the outbox needs to queue, check and build it."""

    name: str
    label: str
    subject_type: str
    subject_line: str  # formatted with the template context, e.g. "Booked: {when}"
    recipients: Callable[[Any], list[Recipient]]
    # The part of the key that makes this a new email, e.g. the booking's sequence:
    # a booking moved away and back gets new reminders, not the cancelled ones.
    version: Callable[[Any], str]
    context: Callable[[OutboundEmail, Any], Context]
    still_needed: Callable[[OutboundEmail, Any, datetime], str] = _always_needed
    # The same check for a batch of (email, subject) pairs, one reason per pair, for
    # kinds whose check reads the database: a batch then costs one query, not one each.
    still_needed_many: Callable[[Pairs, datetime], list[str]] | None = None
    # Context read from the database, for a batch of (email, subject) pairs at once
    # (one dict per pair, merged over ``context``): one query a batch, not one an email.
    context_many: Callable[[Pairs], list[Context]] | None = None
    attachments: Callable[[OutboundEmail, Any], list[Attachment]] = _no_attachments
    # Tied to the subject's time: dropped when the subject is moved or cancelled.
    timed: bool = False
    to_practitioner: bool = False
    # Keep the message as sent in the log. Off for emails that carry a one-time
    # secret (a password reset link, a code): a copy would outlive its use.
    keep_copy: bool = True
    # For the office's preview: when this email would fall due for an example subject.
    preview_due: Callable[[Any], datetime] | None = None
    extenders: list[Callable[[OutboundEmail, Any], Context]] = field(
        default_factory=list, compare=False
    )

    @property
    def template(self) -> str:
        return f"emails/{self.name}"

    def reasons_not_needed(self, pairs: Pairs, now: datetime) -> list[str]:
        """Return, for each (email, subject) pair, why it should no longer go out, or ""."""
        if self.still_needed_many is not None:
            return self.still_needed_many(pairs, now)
        return [self.still_needed(email, subject, now) for email, subject in pairs]


_kinds: dict[str, EmailKind] = {}
_subject_types: dict[str, SubjectType] = {}


class UnknownKind(LookupError):
    """No app registered this kind of email (or its app is no longer installed)."""


def subject_type_register(subject_type: SubjectType) -> None:
    _subject_types[subject_type.name] = subject_type


def kind_register(kind: EmailKind) -> None:
    """Register a kind of email; registering the same name again replaces it."""
    if kind.subject_type not in _subject_types:
        raise LookupError(f"Register the subject type {kind.subject_type!r} first.")
    previous = _kinds.get(kind.name)
    if previous is not None:
        kind.extenders.extend(e for e in previous.extenders if e not in kind.extenders)
    _kinds[kind.name] = kind


def context_extend(kind_name: str, extender: Callable[[OutboundEmail, Any], Context]) -> None:
    """Add to the template context of another app's kind of email."""
    extenders = kind_get(kind_name).extenders
    if extender not in extenders:
        extenders.append(extender)


def kind_get(name: str) -> EmailKind:
    try:
        return _kinds[name]
    except KeyError:
        raise UnknownKind(name) from None


def subject_type_get(name: str) -> SubjectType:
    try:
        return _subject_types[name]
    except KeyError:
        raise UnknownKind(name) from None


def kinds_all() -> list[EmailKind]:
    """Return every registered kind, in registration order (the office lists them so)."""
    return list(_kinds.values())


def kind_label(name: str) -> str:
    kind = _kinds.get(name)
    return str(kind.label) if kind else name
