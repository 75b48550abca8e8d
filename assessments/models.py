"""The questionnaire as data, and each person's answers to it.

An ``Instrument`` is one version of a questionnaire, loaded from
``assessments/instruments/*.json``. A new version is loaded as a draft and
goes live only when the practitioner has read it and published it in the
office; new questionnaires take the newest published version. A version that
is published or has answers is never changed: a changed questionnaire is a
new file with the next version number.
An ``Intake`` is one person's answers for one booking: the person who booked
(role "client") and, for a couple, their partner (role "partner"), each tied
to their own client record so consent, export and erasure work per person.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class InstrumentManager(models.Manager["Instrument"]):
    def current(self, slug: str) -> Instrument:
        """Return the newest published version of a questionnaire, or raise DoesNotExist.

        A draft is never handed to a client, however new: it waits for the
        practitioner to read it and publish it.
        """
        found = self.filter(slug=slug, published_at__isnull=False).order_by("-version").first()
        if found is None:
            raise self.model.DoesNotExist(f"No version of questionnaire {slug!r} is published.")
        return found


class Instrument(models.Model):
    slug = models.SlugField(_("slug"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    definition = models.JSONField(_("definition"))
    loaded_at = models.DateTimeField(_("loaded"), auto_now_add=True)
    # Null while a draft. Set once, by instrument_publish (or, for versions that were
    # live before drafts existed, when loaded); a published version never changes.
    published_at = models.DateTimeField(_("live since"), null=True, blank=True, editable=False)

    objects = InstrumentManager()

    class Meta:
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="instrument_slug_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def sections(self) -> list[dict]:
        return self.definition["sections"]

    @property
    def is_draft(self) -> bool:
        return self.published_at is None


class Intake(models.Model):
    class Role(models.TextChoices):
        CLIENT = "client", _("Person who booked")
        PARTNER = "partner", _("Partner")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    booking = models.ForeignKey("booking.Booking", on_delete=models.CASCADE, related_name="intakes")
    # Erasing a person erases their answers, and nobody else's.
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="intakes")
    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("questionnaire version"),
        on_delete=models.PROTECT,
        related_name="intakes",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    # The questionnaire again, later, to see movement over time: round 1 comes with the
    # assessment call; each later round is tied to a booking of the person's too, so
    # every intake keeps one (``services.intake_round_send``).
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    # Empty: the link works until INTAKE_LINK_DAYS after the booking. A later round,
    # sent between sessions, keeps its own date instead.
    expires_at = models.DateTimeField(_("link works until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    current_section = models.PositiveSmallIntegerField(
        _("current section"),
        default=0,
        help_text=_("The part of the questionnaire they see when they come back."),
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    urgent = models.BooleanField(
        _("urgent"), default=False, help_text=_("A safety question was answered yes.")
    )
    # When a safety question was first saved as "yes": the flag and the alert come
    # from that save, sent or not, and a later "no" never clears them.
    urgent_at = models.DateTimeField(_("urgent since"), null=True, blank=True, editable=False)
    # The only id that ever leaves the database, and only inside a signed link.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consent_at = models.DateTimeField(
        _("agreed to the privacy notice at"),
        null=True,
        blank=True,
        help_text=_("The person who booked agrees when booking; a partner before answering."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # When the practitioner marked the booking's report read: an urgent flag leaves
    # her Today page then, and the report stops waiting.
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True, editable=False)
    # Sent and not read since, for a booking still on: set when answers are sent,
    # cleared when she marks the report read or the booking is cancelled. Stored, not
    # worked out from the two moments, so Today finds the few waiting ones through a
    # small index instead of comparing every questionnaire and reading every booking.
    awaiting_review = models.BooleanField(default=False, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["submitted_at"],
                condition=Q(awaiting_review=True),
                name="intake_awaiting_review_idx",
            ),
            models.Index(fields=["urgent_at"], condition=Q(urgent=True), name="intake_urgent_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "role", "round"], name="intake_one_per_role"
            ),
            models.CheckConstraint(
                condition=Q(status="completed", submitted_at__isnull=False)
                | (~Q(status="completed") & Q(submitted_at__isnull=True)),
                name="intake_submitted_when_completed",
            ),
            models.CheckConstraint(
                condition=Q(awaiting_review=False) | Q(submitted_at__isnull=False),
                name="intake_awaiting_review_when_sent",
            ),
            models.CheckConstraint(
                condition=Q(urgent=False) | Q(urgent_at__isnull=False),
                name="intake_urgent_has_a_moment",
            ),
            models.CheckConstraint(
                condition=Q(status="not_started") | Q(consent_at__isnull=False),
                name="intake_consent_before_answers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: questionnaire for booking {self.booking_id}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.COMPLETED


class IntakeAccessCode(models.Model):
    """The one-time code a new browser needs before it may open a half-answered questionnaire.

    The code itself is never stored: it is derived from ``nonce`` with the
    secret key (``assessments/codes.py``), so the outbox can write it into the
    email when it sends, and the database alone cannot tell it. One row per
    intake, replaced by each new code; ``issued`` counts codes, so each gets
    an email of its own.
    """

    intake = models.OneToOneField(Intake, on_delete=models.CASCADE, related_name="access_code")
    nonce = models.CharField(max_length=64)
    issued = models.PositiveIntegerField(_("codes sent"), default=0)
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)

    class Meta:
        verbose_name = _("questionnaire code")
        verbose_name_plural = _("questionnaire codes")

    def __str__(self) -> str:
        return f"Code for questionnaire {self.intake_id}"
