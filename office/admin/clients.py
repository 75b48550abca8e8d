"""Clients in the office: their bookings, questionnaires and emails on one page."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from assessments.models import Intake
from booking.models import Booking
from clients.models import Client
from notifications.selectors import emails_to_client

from .emails import emails_table
from .notes import ClientNoteInline, NotesSaving
from .questionnaires import report_url


class BookingInline(admin.TabularInline):
    model = Booking
    fk_name = "client"
    fields = ("start_at", "session_type", "status", "mode")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ("-start_at",)

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("session_type")


class IntakeInline(admin.TabularInline):
    """This person's own questionnaires (a partner's are on the partner's record)."""

    model = Intake
    fk_name = "client"
    fields = ("booking", "role", "status", "urgent", "submitted_at", "report")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("questionnaires")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("booking__session_type")

    @admin.display(description=_("report"))
    def report(self, obj):
        return format_html('<a href="{}">{}</a>', report_url(obj.booking_id), _("Open report"))


@admin.register(Client)
class ClientAdmin(NotesSaving, admin.ModelAdmin):
    list_display = ("name", "email", "status", "time_zone", "created_at")
    list_filter = ("status",)
    search_fields = ("name", "email")
    readonly_fields = (
        "privacy_consent_at",
        "follow_ups_opt_out_at",
        "created_at",
        "updated_at",
        "emails",
    )
    inlines = [ClientNoteInline, BookingInline, IntakeInline]

    @admin.display(description=_("emails"))
    def emails(self, obj):
        return emails_table(emails_to_client(obj.pk)) if obj.pk else "—"
