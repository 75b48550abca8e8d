"""Who offers what, when, and what has been booked.

All instants are stored in UTC. Weekly rules and overrides are wall-clock times
in the practitioner's own zone, because that is how a person thinks about
their week ("Tuesdays 9 to 12"), and they must stay put across daylight saving.
"""

import uuid
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


def validate_reminder_hours(value: str) -> None:
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if not all(part.isdigit() and 1 <= int(part) <= 24 * 14 for part in parts):
        raise ValidationError(
            _("Give whole hours between 1 and 336, separated by commas, e.g. “24,1”."),
            code="reminder_hours",
        )


# What visitors read while new bookings are paused, unless she wrote her own words.
PAUSED_MESSAGE_DEFAULT = _("New bookings are paused for now. Please come back later.")

# What her home page says about privacy until she writes her own sentence.
CONFIDENTIALITY_DEFAULT = (
    "What you tell me stays between us, unless someone's safety is in serious danger."
)


class Practitioner(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="practitioner"
    )
    display_name = models.CharField(_("display name"), max_length=120)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Amsterdam",
        validators=[validate_time_zone],
        help_text=_("Your availability is entered in this zone, e.g. Europe/Amsterdam."),
    )
    meeting_url = models.URLField(
        _("meeting link"), blank=True, help_text=_("Your video room, sent in confirmations.")
    )
    contact_email = models.EmailField(
        _("contact email"),
        blank=True,
        help_text=_("Shown to clients who need to change a booking after the cut-off."),
    )
    # Her home page, the first page a client sees (templates/booking/landing.html);
    # a section left empty is not shown. The portrait is a row of its own (below).
    bio = models.TextField(
        _("short bio"),
        blank=True,
        max_length=2000,
        help_text=_("A few sentences about you, shown under your name on your home page."),
    )
    approach = models.TextField(
        _("how you work"),
        blank=True,
        max_length=2000,
        help_text=_("Shown on your home page under “How I work”."),
    )
    works_with = models.CharField(
        _("who you work with"),
        max_length=200,
        blank=True,
        help_text=_("For example: Individuals and couples, online worldwide."),
    )
    languages = models.CharField(
        _("languages"),
        max_length=120,
        blank=True,
        help_text=_("The languages you offer sessions in, for example: English and German."),
    )
    confidentiality_note = models.CharField(
        _("confidentiality"),
        max_length=300,
        blank=True,
        default=CONFIDENTIALITY_DEFAULT,
        help_text=_("One sentence on your home page about what stays private."),
    )
    free_call_note = models.TextField(
        _("what happens in the free call"),
        blank=True,
        max_length=1000,
        help_text=_("What someone can expect from a first free call: length, how, what you ask."),
    )
    referral_note = models.TextField(
        _("referral note"),
        blank=True,
        max_length=3000,
        help_text=_(
            "Sent when you mark a call “not a fit”: kind words and where else they might "
            "find help. Leave empty to send a short default note."
        ),
    )
    support_resources = models.TextField(
        _("support resources"),
        blank=True,
        max_length=3000,
        help_text=_(
            "Shown, calmly, to someone whose questionnaire answers suggest they may not be "
            "safe: support services where your clients live and how to reach you. Nothing "
            "is built in, because the right numbers depend on the country."
        ),
    )
    bookings_paused = models.BooleanField(
        _("pause new bookings"),
        default=False,
        help_text=_(
            "While ticked, visitors see your message instead of open times and cannot book. "
            "People already booked can still move or cancel."
        ),
    )
    paused_message = models.CharField(
        _("message while paused"),
        max_length=300,
        blank=True,
        help_text=format_lazy(
            "{} “{}”",
            _("Shown on the booking pages while paused. Leave empty for:"),
            PAUSED_MESSAGE_DEFAULT,
        ),
    )
    # The secret in her private calendar feed's address; empty while the feed is off.
    # Unique when set, so the address finds one calendar by a plain equality lookup.
    calendar_feed_token = models.CharField(
        _("calendar feed"), max_length=64, blank=True, default="", editable=False
    )
    # Raised by every write that changes which times are free; part of the key of
    # cached slot pages, so a cached page can never outlive the calendar it shows.
    reschedule_alerts = models.BooleanField(
        _("email me when a client moves a booking"),
        default=True,
        help_text=_("Cancellations and new bookings are always emailed to you."),
    )
    # Keeping records (office/retention.py): people who never came are erased only if
    # she turns it on; records with sessions are only ever listed for her decision.
    erase_inactive_leads = models.BooleanField(
        _("erase people who never came"),
        default=False,
        help_text=_(
            "People who booked or were invited but never had a session and never answered "
            "the questionnaire are erased automatically once they have been quiet this long."
        ),
    )
    inactive_lead_days = models.PositiveIntegerField(
        _("quiet for (days)"), default=365, validators=[MinValueValidator(30)]
    )
    keep_records_years = models.PositiveSmallIntegerField(
        _("keep records of people who had sessions for at least (years)"),
        default=7,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Clinical records may have to be kept for years. After this many years since "
            "the last session, a record is listed for you to decide; nothing is erased "
            "on its own."
        ),
    )
    calendar_version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("practitioner profile")
        verbose_name_plural = _("practitioner profile")
        constraints = [
            models.UniqueConstraint(
                fields=["calendar_feed_token"],
                condition=~Q(calendar_feed_token=""),
                name="practitioner_calendar_feed_token_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def paused_notice(self) -> str:
        """Return what visitors read while new bookings are paused: her words, or ours."""
        return self.paused_message.strip() or str(PAUSED_MESSAGE_DEFAULT)

    @property
    def alert_email(self) -> str:
        """Return where alerts for the practitioner go: the contact address, else the login's."""
        return self.contact_email or self.user.email


class PractitionerPhoto(models.Model):
    """Her portrait for the home page, kept in the database: no file storage to set up.

    A row of its own, so that loading the practitioner (every booking, every email)
    never loads the picture. The image is already cleaned and shrunk (booking/photos.py).
    """

    practitioner = models.OneToOneField(
        Practitioner,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="photo",
        verbose_name=_("whose photo"),
    )
    image = models.BinaryField(_("photo"))
    content_type = models.CharField(_("file type"), max_length=40, default="image/jpeg")
    width = models.PositiveSmallIntegerField(_("width"))
    height = models.PositiveSmallIntegerField(_("height"))
    updated_at = models.DateTimeField(_("changed"))

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return str(_("Photo"))

    @property
    def version(self) -> str:
        """Return a mark that changes with the photo: its ETag, and its address's ``?v=``."""
        return str(int(self.updated_at.timestamp() * 1000))


# A booking blocks at most MAX_DURATION + 2 * MAX_BUFFER minutes (16 hours), less
# than a day: the calendar query relies on that to bound its index scan both ways.
MAX_DURATION = 8 * 60
MAX_BUFFER = 4 * 60


class SessionType(models.Model):
    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", _("Free assessment call")
        SESSION = "session", _("Session for returning clients")

    practitioner = models.ForeignKey(
        Practitioner,
        verbose_name=_("offered by"),
        on_delete=models.CASCADE,
        related_name="session_types",
    )
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True, max_length=1000)
    price_label = models.CharField(
        _("price label"), max_length=40, blank=True, help_text=_("For example “Free” or “€90”.")
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(MAX_DURATION)]
    )
    buffer_before_minutes = models.PositiveSmallIntegerField(
        _("buffer before (minutes)"), default=0, validators=[MaxValueValidator(MAX_BUFFER)]
    )
    buffer_after_minutes = models.PositiveSmallIntegerField(
        _("buffer after (minutes)"), default=10, validators=[MaxValueValidator(MAX_BUFFER)]
    )
    min_notice_minutes = models.PositiveIntegerField(
        _("minimum notice (minutes)"),
        default=12 * 60,
        help_text=_("No bookings that start sooner than this."),
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("booking horizon (days)"), default=60, help_text=_("How far ahead clients may book.")
    )
    max_per_day = models.PositiveSmallIntegerField(
        _("maximum bookings per day"),
        null=True,
        blank=True,
        help_text=_("Of this type, per day in your time zone. Empty means no limit."),
    )
    slot_step_minutes = models.PositiveSmallIntegerField(
        _("slot step (minutes)"), default=30, help_text=_("Offer a start time every N minutes.")
    )
    change_cutoff_hours = models.PositiveSmallIntegerField(
        _("cancel/reschedule cut-off (hours)"),
        default=24,
        help_text=_("Clients can cancel or move a booking online until this long before it."),
    )
    reminder_hours = models.CharField(
        _("reminders (hours before)"),
        max_length=40,
        default="24,1",
        validators=[validate_reminder_hours],
        help_text=_("Comma-separated, e.g. “24,1”. Leave empty for no reminders."),
    )
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=MAX_DURATION),
                name="session_type_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(buffer_before_minutes__lte=MAX_BUFFER)
                & Q(buffer_after_minutes__lte=MAX_BUFFER),
                name="session_type_buffer_max",
            ),
            models.CheckConstraint(
                condition=Q(slot_step_minutes__gte=5), name="session_type_step_min"
            ),
            models.CheckConstraint(
                condition=Q(horizon_days__gte=1), name="session_type_horizon_min"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def requires_assessment(self) -> bool:
        return self.kind == self.Kind.SESSION

    @property
    def reminder_offsets(self) -> list[timedelta]:
        """Return the reminder lead times, longest first."""
        hours = {int(part) for part in self.reminder_hours.split(",") if part.strip()}
        return [timedelta(hours=h) for h in sorted(hours, reverse=True)]


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class AvailabilityRule(models.Model):
    """A weekly window, in the practitioner's zone, when sessions can start and end."""

    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="availability_rules"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("weekly availability")
        verbose_name_plural = _("weekly availability")
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="availability_rule_order"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="availability_rule_weekday"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def clean(self) -> None:
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError(_("The window must end after it starts."), code="order")


class AvailabilityOverride(models.Model):
    """A date that differs from the weekly pattern: time off, or extra hours."""

    class Kind(models.TextChoices):
        CLOSED = "closed", _("Closed (time off)")
        EXTRA = "extra", _("Extra hours")

    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="availability_overrides"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices, default=Kind.CLOSED)
    start_time = models.TimeField(
        _("from"),
        null=True,
        blank=True,
        help_text=_("Leave both times empty to close the whole day."),
    )
    end_time = models.TimeField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("date override")
        verbose_name_plural = _("date overrides")
        ordering = ["date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(start_time__isnull=True) & Q(end_time__isnull=True))
                | Q(end_time__gt=models.F("start_time")),
                name="availability_override_times",
            ),
            models.CheckConstraint(
                condition=Q(kind="closed") | Q(start_time__isnull=False),
                name="availability_override_extra_needs_times",
            ),
        ]

    def __str__(self) -> str:
        if self.start_time is None:
            return f"{self.date}: {self.get_kind_display()}"
        return (
            f"{self.date} {self.start_time:%H:%M}–{self.end_time:%H:%M}: {self.get_kind_display()}"
        )

    def clean(self) -> None:
        if (self.start_time is None) != (self.end_time is None):
            raise ValidationError(_("Give both times, or neither."), code="times")
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError(_("The window must end after it starts."), code="order")
        if self.kind == self.Kind.EXTRA and self.start_time is None:
            raise ValidationError(_("Extra hours need a start and end time."), code="times")


class Booking(models.Model):
    class Status(models.TextChoices):
        HELD = "held", _("Held (details being entered)")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Attended")
        NO_SHOW = "no_show", _("No-show")
        NOT_A_FIT = "not_a_fit", _("Attended: not a fit")

    class Mode(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        COUPLE = "couple", _("Couple")

    practitioner = models.ForeignKey(
        Practitioner, verbose_name=_("with"), on_delete=models.PROTECT, related_name="bookings"
    )
    session_type = models.ForeignKey(
        SessionType, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="bookings"
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="bookings",
        null=True,
        blank=True,
    )
    start_at = models.DateTimeField(_("starts"))
    end_at = models.DateTimeField(_("ends"))
    # The start and end widened by the session type's buffers: what the calendar
    # really loses. No two live bookings' blocked ranges may overlap.
    blocked_start = models.DateTimeField(editable=False)
    blocked_end = models.DateTimeField(editable=False)
    client_time_zone = models.CharField(
        _("client's time zone"), max_length=64, validators=[validate_time_zone]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.HELD, db_index=True
    )
    mode = models.CharField(_("for"), max_length=10, choices=Mode.choices, default=Mode.INDIVIDUAL)
    partner_name = models.CharField(_("partner's name"), max_length=120, blank=True)
    partner_email = models.EmailField(_("partner's email"), blank=True)
    note = models.TextField(_("client's note"), max_length=1000, blank=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    held_until = models.DateTimeField(null=True, blank=True, editable=False)
    # Who held the time: an anonymous hash of their network (clients.visitors),
    # so one visitor can hold only a few times at once. Never an address.
    held_by = models.CharField(max_length=32, blank=True, editable=False)
    sequence = models.PositiveIntegerField(
        default=0, editable=False, help_text=_("Calendar revision, raised on every reschedule.")
    )
    # A single session's details, as typed, while the link that proves the email
    # is unopened; "request" counts the links sent, so only the newest one works.
    pending_details = models.JSONField(default=dict, blank=True, editable=False)
    # When the person who booked proved the email is theirs (a link we sent to it):
    # only then is a couple's partner written to.
    email_verified_at = models.DateTimeField(
        _("email confirmed"), null=True, blank=True, editable=False
    )
    # Anyone can type an address: these ask the practitioner to check with the person.
    email_of_existing_client = models.BooleanField(
        _("booked with an existing client's email"), default=False, editable=False
    )
    partner_is_existing_client = models.BooleanField(
        _("partner's email is an existing client's"), default=False, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the person who booked was erased (their right to erasure): the booking
    # stays, without them, so the practice's counts stay true.
    client_erased_at = models.DateTimeField(
        _("client erased"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-start_at"]
        indexes = [
            models.Index(fields=["practitioner", "blocked_start"], name="booking_calendar_idx"),
            # The office's week, Today and the funnel read bookings by when they start.
            models.Index(fields=["start_at"], name="booking_start_idx"),
            # The office's booking list: booked times (its default filter), newest first,
            # ties by id as the list orders them, read a page at a time at any size.
            models.Index(
                fields=["-start_at", "-id"],
                condition=~Q(status__in=["held", "cancelled"]),
                name="booking_booked_idx",
            ),
            models.Index(
                fields=["held_by", "held_until"],
                condition=Q(status="held"),
                name="booking_holds_by_visitor_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_at__gt=models.F("start_at")), name="booking_order"
            ),
            models.CheckConstraint(
                condition=Q(blocked_start__lte=models.F("start_at"))
                & Q(blocked_end__gte=models.F("end_at")),
                name="booking_blocked_covers_meeting",
            ),
            # A hold has no client yet; an erased client's past bookings have none any
            # more. Erasure cancels their future ones, so a live booking always has one.
            models.CheckConstraint(
                condition=Q(status="held")
                | Q(client__isnull=False)
                | Q(client_erased_at__isnull=False),
                name="booking_client_unless_held",
            ),
            models.CheckConstraint(
                condition=~Q(status="held") | Q(held_until__isnull=False),
                name="booking_hold_expires",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_type} at {self.start_at:%Y-%m-%d %H:%M} UTC"

    @property
    def client_zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.client_time_zone)

    @property
    def is_couple(self) -> bool:
        return self.mode == self.Mode.COUPLE

    @property
    def checks(self) -> list[str]:
        """Return, in the practitioner's words, what to check with the people on this booking."""
        found = []
        if self.email_of_existing_client:
            found.append(_("Booked with the email of an existing client: check with them."))
        if self.partner_is_existing_client:
            found.append(_("The partner's email is an existing client's: check with them."))
        return [str(check) for check in found]
