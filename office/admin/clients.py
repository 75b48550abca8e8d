"""Clients in the office: one page per person, their story as a timeline, and notes."""

from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from clients.models import Client

from ..selectors import client_timeline
from .notes import ClientNoteInline, NotesSaving


@admin.register(Client)
class ClientAdmin(NotesSaving, admin.ModelAdmin):
    list_display = ("name", "email", "status", "time_zone", "created_at")
    list_filter = ("status",)
    search_fields = ("name", "email")
    readonly_fields = (
        "timeline",
        "privacy_consent_at",
        "follow_ups_opt_out_at",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("name", "email", "time_zone", "status")}),
        (_("Timeline"), {"fields": ("timeline",)}),
        (
            _("Consent and records"),
            {
                "fields": (
                    "privacy_consent_at",
                    "follow_ups_opt_out_at",
                    "created_at",
                    "updated_at",
                ),
                "classes": ("collapse",),
            },
        ),
    )
    inlines = [ClientNoteInline]

    @admin.display(description=_("what happened"))
    def timeline(self, obj):
        if not obj.pk:
            return "—"
        return render_to_string(
            "admin/clients/timeline.html", {"timeline": client_timeline(obj), "client": obj}
        )
