"""The email log in the practitioner's office: status, "send again", and template previews."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib import admin, messages
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client

from . import outbox
from .emails import SPECS, render_email
from .models import Booking, OutboundEmail, Practitioner, SessionType


class EmailInline(admin.TabularInline):
    """Emails about a booking or to a client: a read-only log."""

    model = OutboundEmail
    fields = ("kind", "to_email", "due_at", "status", "attempts", "sent_at", "last_error")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("due_at",)
    verbose_name_plural = _("emails")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ("due_at", "kind", "to_email", "status", "attempts", "sent_at")
    list_filter = ("status", "kind", ("due_at", admin.DateFieldListFilter))
    search_fields = ("to_email", "client__name")
    list_select_related = ("client",)
    date_hierarchy = "due_at"
    readonly_fields = (
        "kind",
        "booking",
        "client",
        "to_email",
        "due_at",
        "status",
        "attempts",
        "last_error",
        "queued_at",
        "attempt_started_at",
        "sent_at",
        "created_at",
    )
    fields = readonly_fields
    actions = ["send_again"]
    change_list_template = "admin/booking/outboundemail/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send failed emails again"))
    def send_again(self, request, queryset):
        failed = list(queryset.filter(status=OutboundEmail.Status.FAILED))
        for email in failed:
            outbox.outbox_send_again(email)
        skipped = queryset.count() - len(failed)
        self.message_user(request, _("%d email(s) queued again.") % len(failed), messages.SUCCESS)
        if skipped:
            self.message_user(
                request, _("%d email(s) were not failed and were left alone.") % skipped
            )

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("preview/", preview, name="booking_outboundemail_preview"),
            path("preview/<str:kind>/", preview, name="booking_outboundemail_preview_kind"),
            *super().get_urls(),
        ]

    def preview_view(self, request, kind: str | None = None):
        """Show every email as a client or the practitioner would see it, with demo data."""
        kinds = [(value, label) for value, label in OutboundEmail.Kind.choices]
        context = {**self.admin_site.each_context(request), "title": _("Email previews")}
        context["kinds"] = kinds
        if kind is not None:
            if kind not in SPECS:
                raise Http404("No such email")
            message = render_email(demo_email(kind, request.user))
            context.update(
                kind=kind,
                kind_label=dict(kinds)[kind],
                subject=message.subject,
                to=", ".join(message.to),
                text=message.body,
                html=message.alternatives[0].content,
                attachments=[name for name, _content, _type in message.attachments],
            )
        return TemplateResponse(request, "admin/booking/outboundemail/preview.html", context)


def demo_email(kind: str, user) -> OutboundEmail:
    """Build an unsaved email with demo people, using the practitioner's real profile if any."""
    practitioner = Practitioner.objects.filter(user=user).first() or Practitioner(
        display_name="Maya Lind",
        time_zone="Europe/Amsterdam",
        meeting_url="https://meet.example.com/maya",
        contact_email="maya@example.com",
    )
    practitioner.user = user
    session_type = SessionType(
        name="Free assessment call", kind=SessionType.Kind.ASSESSMENT, duration_minutes=20
    )
    client = Client(pk=0, name="Alex Demo", email="alex@example.com", time_zone="Asia/Kolkata")
    start = (timezone.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    booking = Booking(
        pk=0,
        public_id=uuid.uuid4(),
        practitioner=practitioner,
        session_type=session_type,
        client=client,
        start_at=start,
        end_at=start + timedelta(minutes=20),
        client_time_zone="Asia/Kolkata",
        status=Booking.Status.CANCELLED if kind == "cancelled" else Booking.Status.CONFIRMED,
        mode=Booking.Mode.COUPLE,
        partner_name="Sam Demo",
    )
    to_practitioner = SPECS[kind].to_practitioner
    return OutboundEmail(
        kind=kind,
        booking=booking,
        client=client,
        to_email=practitioner.alert_email if to_practitioner else client.email,
        due_at=start - timedelta(hours=24),
    )
