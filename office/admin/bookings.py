"""The practitioner's profile, offers, hours and bookings in the office.

Times in these pages are shown in the practitioner's zone (see middleware).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from assessments.selectors import bookings_with_intake_summary
from booking import services
from booking.emails import SUBJECT as BOOKING_SUBJECT
from booking.feed import calendar_feed_url
from booking.models import (
    AvailabilityOverride,
    Booking,
    Practitioner,
    PractitionerPhoto,
    SessionType,
)
from booking.photos import (
    PhotoError,
    photo_prepare,
    practitioner_photo_remove,
    practitioner_photo_save,
)
from booking.selectors import weekly_hours
from notifications.selectors import emails_about
from notifications.services import emails_forget

from .. import views as office_views
from .emails import emails_table
from .notes import BookingNoteInline, NotesSaving
from .questionnaires import booking_questionnaire_detail, booking_questionnaire_status


class LabelledFormSet(BaseInlineFormSet):
    """A table row's fields named for screen readers: the column heading alone is not a label."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = _("new row") if index is None or index >= self.initial_form_count() else index + 1
        for field in form.fields.values():
            field.widget.attrs.setdefault("aria-label", f"{field.label} ({row})")


class HoursInline(admin.TabularInline):
    """Times as people write them (09:00, not 09:00:00), every field labelled."""

    formset = LabelledFormSet
    extra = 1

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.TimeField) and formfield is not None:
            formfield.widget.format = "%H:%M"
        return formfield


class AvailabilityOverrideInline(HoursInline):
    model = AvailabilityOverride
    ordering = ("-date",)


class PractitionerForm(forms.ModelForm):
    """Her profile, with a photo to upload or remove; the photo is checked as it is cleaned."""

    photo_upload = forms.FileField(
        label=_("New photo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_(
            "A JPEG, PNG or WebP picture of up to 5 MB. It is made smaller (at most 800 "
            "pixels wide and high), and what the camera recorded with it, such as where it "
            "was taken, is removed before it is kept."
        ),
    )
    photo_remove = forms.BooleanField(
        label=_("Remove the photo"),
        required=False,
        help_text=_("Your home page then shows no photo. A new photo replaces the old one."),
    )

    class Meta:
        model = Practitioner
        # The office asks for the rest of her profile too (PractitionerAdmin.fieldsets).
        fields = (
            "bio",
            "approach",
            "works_with",
            "languages",
            "confidentiality_note",
            "free_call_note",
        )

    def clean_photo_upload(self):
        """Return the upload as a clean, small JPEG, or refuse it in plain words."""
        upload = self.cleaned_data.get("photo_upload")
        if not upload:
            return None
        try:
            return photo_prepare(upload)
        except PhotoError as error:
            raise ValidationError(str(error), code=error.code) from None


@admin.register(Practitioner)
class PractitionerAdmin(admin.ModelAdmin):
    form = PractitionerForm
    # A meeting link typed without a scheme is an https one.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("display_name", "time_zone", "meeting_url")
    # Weekly hours have their own page (admin:weekly_hours), a grid that reads as a week.
    inlines = [AvailabilityOverrideInline]
    readonly_fields = (
        "weekly_hours_summary",
        "calendar_feed",
        "records_to_review",
        "photo_preview",
    )

    def save_related(self, request, form, formsets, change):
        """Save, then raise the calendar version: cached slot pages must not show old times.

        This covers date overrides and pausing or resuming new bookings. A new photo
        replaces the old one; "remove" only counts without a new one.
        """
        super().save_related(request, form, formsets, change)
        services.practitioner_calendar_touch(practitioner_id=form.instance.pk)
        photo = form.cleaned_data.get("photo_upload")
        if photo:
            practitioner_photo_save(practitioner_id=form.instance.pk, photo=photo)
        elif form.cleaned_data.get("photo_remove"):
            practitioner_photo_remove(practitioner_id=form.instance.pk)

    fieldsets = (
        (None, {"fields": ("user", "display_name", "time_zone")}),
        (
            _("Your home page"),
            {
                "fields": (
                    "photo_preview",
                    "photo_upload",
                    "photo_remove",
                    "bio",
                    "approach",
                    "works_with",
                    "languages",
                    "confidentiality_note",
                    "free_call_note",
                ),
                "description": _(
                    "What people read first, before they book. A part you leave empty is not shown."
                ),
            },
        ),
        (_("Hours"), {"fields": ("weekly_hours_summary",)}),
        (_("New bookings"), {"fields": ("bookings_paused", "paused_message")}),
        (_("How clients reach you"), {"fields": ("meeting_url", "contact_email")}),
        (_("Emails"), {"fields": ("referral_note", "reschedule_alerts")}),
        (_("Questionnaire"), {"fields": ("support_resources",)}),
        (_("Calendar feed"), {"fields": ("calendar_feed",)}),
        (
            _("Keeping records"),
            {
                "fields": (
                    "erase_inactive_leads",
                    "inactive_lead_days",
                    "keep_records_years",
                    "records_to_review",
                ),
                "classes": ("keeping-records",),
            },
        ),
    )

    def get_urls(self):
        return [
            path(
                "<int:practitioner_id>/calendar-feed/new/",
                self.admin_site.admin_view(self.calendar_feed_new_view),
                name="booking_practitioner_calendar_feed_new",
            ),
            path(
                "<int:practitioner_id>/calendar-feed/off/",
                self.admin_site.admin_view(self.calendar_feed_off_view),
                name="booking_practitioner_calendar_feed_off",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("Weekly hours"))
    def weekly_hours_summary(self, obj):
        """Show her week as text, a line a day ("Mon 09:00–12:00"), and where to change it."""
        if obj is None or obj.pk is None:
            return _("You can set these once the profile is saved.")
        lines = format_html_join(
            "",
            "<li>{} {}</li>",
            ((day.short_name, day.hours_text) for day in weekly_hours(obj)),
        )
        link = reverse("admin:weekly_hours", current_app=self.admin_site.name)
        return format_html(
            '<ul class="weekly-hours">{}</ul><p><a href="{}">{}</a></p>',
            lines,
            link,
            _("Change weekly hours"),
        )

    @admin.display(description=_("Your photo"))
    def photo_preview(self, obj):
        """Show her photo as clients see it, or say there is none; the bytes load apart."""
        photo = None
        if obj is not None and obj.pk is not None:
            photo = PractitionerPhoto.objects.filter(pk=obj.pk).defer("image").first()
        if photo is None:
            return _("No photo yet.")
        return format_html(
            '<img src="{}?v={}" alt="{}" width="{}" height="{}" class="photo-preview">',
            reverse("booking:practitioner_photo"),
            photo.version,
            _("Your photo, as clients see it"),
            photo.width // 2,
            photo.height // 2,
        )

    @admin.display(description=_("Records to review"))
    def records_to_review(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:clients_client_records", current_app=self.admin_site.name),
            _("See who never came, and records past your retention time"),
        )

    @admin.display(description=_("Your bookings in your calendar app"))
    def calendar_feed(self, obj):
        """Show the feed's address and its buttons, or "Off" and the button to turn it on.

        The buttons belong to small forms placed after the change form
        (admin/booking/practitioner/change_form.html) through their ``form``
        attribute: a form cannot hold another, and a button of the change form
        itself would be the one pressing Enter in any field presses.
        """
        if obj is None or obj.pk is None:
            return _("You can turn this on once the profile is saved.")
        button = '<button type="submit" class="button" form="{}">{}</button>'
        if not obj.calendar_feed_token:
            return format_html(
                "<p>{}</p><p>{}</p><p>" + button + "</p>",
                _("Off"),
                _(
                    "Turned on, your calendar app can show your bookings from the last 30 "
                    "days and ahead, with clients' initials only."
                ),
                "calendar-feed-new",
                _("Turn on"),
            )
        return format_html(
            '<p><input type="text" readonly class="vTextField" value="{}" aria-label="{}"></p>'
            "<p>{}</p><p>" + button + " " + button + "</p>",
            calendar_feed_url(obj),
            _("Calendar feed address"),
            _(
                "Add this address to your calendar app as a subscribed calendar. Anyone who "
                "has it can see your bookings' times and clients' initials, so keep it to "
                "yourself; if it may have been seen, make a new one."
            ),
            "calendar-feed-new",
            _("New address (the old one stops working)"),
            "calendar-feed-off",
            _("Turn off"),
        )

    def _calendar_feed_change(self, request, practitioner_id: int, change) -> HttpResponse:
        if not request.user.has_perm("booking.change_practitioner"):
            raise PermissionDenied
        practitioner = get_object_or_404(Practitioner, pk=practitioner_id)
        message = change(practitioner)
        self.message_user(request, message, messages.SUCCESS)
        return redirect(
            reverse(
                "admin:booking_practitioner_change",
                args=[practitioner.pk],
                current_app=self.admin_site.name,
            )
        )

    @method_decorator(require_POST)
    def calendar_feed_new_view(self, request, practitioner_id: int):
        """Turn the feed on, or give it a new address that replaces the old one."""

        def renew(practitioner: Practitioner) -> str:
            had_one = bool(practitioner.calendar_feed_token)
            services.calendar_feed_enable(practitioner=practitioner)
            if had_one:
                return _(
                    "Your calendar feed has a new address. The old one no longer works: add "
                    "the new one to your calendar app."
                )
            return _("Your calendar feed is on. Add its address to your calendar app.")

        return self._calendar_feed_change(request, practitioner_id, renew)

    @method_decorator(require_POST)
    def calendar_feed_off_view(self, request, practitioner_id: int):
        def turn_off(practitioner: Practitioner) -> str:
            services.calendar_feed_disable(practitioner=practitioner)
            return _("Your calendar feed is off. Its address no longer works.")

        return self._calendar_feed_change(request, practitioner_id, turn_off)


@admin.register(SessionType)
class SessionTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "duration_minutes", "price_label", "active", "position")
    list_editable = ("active", "position")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.practitioner_calendar_touch(practitioner_id=obj.practitioner_id)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.practitioner_calendar_touch(practitioner_id=obj.practitioner_id)

    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("practitioner", "name", "slug", "kind", "description", "price_label")}),
        (
            _("Timing"),
            {
                "fields": (
                    "duration_minutes",
                    "buffer_before_minutes",
                    "buffer_after_minutes",
                    "slot_step_minutes",
                )
            },
        ),
        (
            _("Booking rules"),
            {
                "fields": (
                    "min_notice_minutes",
                    "horizon_days",
                    "max_per_day",
                    "change_cutoff_hours",
                    "reminder_hours",
                    "active",
                    "position",
                )
            },
        ),
    )


class UpcomingFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return (("upcoming", _("Upcoming")), ("past", _("Past")))

    def queryset(self, request, queryset):
        if self.value() == "upcoming":
            return queryset.filter(start_at__gte=timezone.now())
        if self.value() == "past":
            return queryset.filter(start_at__lt=timezone.now())
        return queryset


class StatusFilter(admin.SimpleListFilter):
    """Booked times by default: a time someone is still typing details for, or a cancelled
    one, is one click away, not mixed in."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            (None, _("Booked")),
            *[
                (value, label)
                for value, label in Booking.Status.choices
                if value != Booking.Status.HELD
            ],
            (Booking.Status.HELD, _("Being booked now")),
            ("all", _("All")),
        ]

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: lookup}, [] if lookup else [self.parameter_name]
                ),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset.exclude(status__in=(Booking.Status.HELD, Booking.Status.CANCELLED))
        if value == "all":
            return queryset
        return queryset.filter(status=value)


class QuestionnaireFilter(admin.SimpleListFilter):
    title = _("questionnaire")
    parameter_name = "questionnaire"

    def lookups(self, request, model_admin):
        return (("urgent", _("Urgent")), ("waiting", _("Not yet sent")))

    def queryset(self, request, queryset):
        if self.value() == "urgent":
            return queryset.filter(intake_urgent=True)
        if self.value() == "waiting":
            return queryset.filter(intake_total__gt=0).exclude(
                intake_completed=models.F("intake_total")
            )
        return queryset


@admin.register(Booking)
class BookingAdmin(NotesSaving, admin.ModelAdmin):
    # Status second: it must stay in view at 1280 px.
    list_display = (
        "start_at",
        "status",
        "client",
        "session_type",
        "mode",
        "questionnaire",
        "to_check",
    )
    list_filter = (
        StatusFilter,
        QuestionnaireFilter,
        UpcomingFilter,
        "session_type",
        ("start_at", admin.DateFieldListFilter),
    )
    # No date_hierarchy: its year and month links read the date of every booking on each
    # visit, so the list slowed as the practice grew. The "starts" filter above and
    # "when" narrow by date without reading them all; the list itself is read newest
    # first on an index (booking_booked_idx).
    # Nor a second count of every booking beside the count of those shown.
    show_full_result_count = False
    inlines = [BookingNoteInline]
    search_fields = ("client__name", "client__email", "partner_name")
    list_select_related = ("client", "session_type")
    ordering = ("-start_at",)
    readonly_fields = (
        "practitioner",
        "session_type",
        "client",
        "start_at",
        "end_at",
        "client_time_zone",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "status",
        "to_check",
        "email_verified_at",
        "questionnaire_detail",
        "emails",
        "note",  # the client's own words: shown as they wrote them, never edited
    )
    fields = (
        "to_check",
        "client",
        "session_type",
        "start_at",
        "end_at",
        "client_time_zone",
        "status",
        "mode",
        "partner_name",
        "partner_email",
        "questionnaire_detail",
        "note",
        "created_at",
        "confirmed_at",
        "email_verified_at",
        "cancelled_at",
        "practitioner",
        "emails",
    )
    actions = ["mark_attended", "mark_no_show", "mark_not_a_fit", "cancel_bookings"]

    def has_add_permission(self, request):
        # Bookings are made through the booking pages or the calendar's "Book a client
        # in", which keep every rule; not through a raw form.
        return False

    def get_urls(self):
        return [
            path(
                "<int:booking_id>/move/",
                self.admin_site.admin_view(self.move_view),
                name="booking_booking_move",
            ),
            path(
                "<int:booking_id>/cancel/",
                self.admin_site.admin_view(self.cancel_view),
                name="booking_booking_cancel",
            ),
            *super().get_urls(),
        ]

    def move_view(self, request, booking_id: int):
        if not request.user.has_perm("booking.change_booking"):
            raise PermissionDenied
        context = self.admin_site.each_context(request)
        return office_views.booking_move_view(request, booking_id, admin_context=context)

    def cancel_view(self, request, booking_id: int):
        if not request.user.has_perm("booking.change_booking"):
            raise PermissionDenied
        context = self.admin_site.each_context(request)
        return office_views.booking_cancel_view(request, booking_id, admin_context=context)

    def get_queryset(self, request):
        return bookings_with_intake_summary(super().get_queryset(request))

    @admin.display(description=_("to check"))
    def to_check(self, obj):
        return " ".join(obj.checks)

    @admin.display(description=_("questionnaire"))
    def questionnaire(self, obj):
        return booking_questionnaire_status(obj)

    @admin.display(description=_("questionnaire"))
    def questionnaire_detail(self, obj):
        return booking_questionnaire_detail(obj)

    @admin.display(description=_("emails"))
    def emails(self, obj):
        return emails_table(emails_about(BOOKING_SUBJECT, obj.pk))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.practitioner_calendar_touch(practitioner_id=obj.practitioner_id)

    def delete_model(self, request, obj):
        """Delete the booking and the emails about it (which no longer cascade)."""
        emails_forget(subject_type=BOOKING_SUBJECT, subject_id=obj.pk)
        super().delete_model(request, obj)
        services.practitioner_calendar_touch(practitioner_id=obj.practitioner_id)

    def delete_queryset(self, request, queryset):
        for booking in queryset:
            self.delete_model(request, booking)

    def _mark(self, request, queryset, outcome: str) -> None:
        done, problems = 0, []
        for booking in queryset.select_related("client"):
            try:
                services.booking_outcome_mark(booking=booking, outcome=outcome)
                done += 1
            except services.BookingError as error:
                problems.append(f"{booking.client or booking}: {error.message}")
        if done:
            self.message_user(request, _("%d booking(s) marked.") % done, messages.SUCCESS)
        for problem in problems:
            self.message_user(request, problem, messages.WARNING)

    @admin.action(description=_("Mark attended (sends the follow-up)"))
    def mark_attended(self, request, queryset):
        self._mark(request, queryset, Booking.Status.COMPLETED)

    @admin.action(description=_("Mark no-show (sends “sorry we missed you”)"))
    def mark_no_show(self, request, queryset):
        self._mark(request, queryset, Booking.Status.NO_SHOW)

    @admin.action(description=_("Mark not a fit (sends your referral note)"))
    def mark_not_a_fit(self, request, queryset):
        self._mark(request, queryset, Booking.Status.NOT_A_FIT)

    @admin.action(description=_("Cancel selected bookings"))
    def cancel_bookings(self, request, queryset):
        count = 0
        for booking in queryset.exclude(status__in=[Booking.Status.CANCELLED, Booking.Status.HELD]):
            services.booking_cancel(booking=booking, by_practitioner=True)
            count += 1
        self.message_user(request, _("%d booking(s) cancelled.") % count, messages.SUCCESS)
