"""Clients in the office: one page per person, their story as a timeline, notes, their data."""

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from assessments.services import IntakeRoundError, intake_round_send
from clients.models import Client

from ..audit import audit_opened
from ..export import client_export
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

    def has_delete_permission(self, request, obj=None) -> bool:
        """Never Django's delete: "Erase…" (office/erasure.py) removes a person everywhere,
        while a plain delete would leave them on partners' bookings and in the email log."""
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The client page: their timeline and notes, and a line in the audit trail."""
        response = super().change_view(request, object_id, form_url, extra_context)
        client = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and response.status_code == 200 and client is not None:
            audit_opened(client, what="Opened the client page and notes")
        return response

    def get_urls(self):
        return [
            path(
                "<int:client_id>/data/",
                self.admin_site.admin_view(self.data_view),
                name="clients_client_data",
            ),
            path(
                "<int:client_id>/data.json",
                self.admin_site.admin_view(self.data_json_view),
                name="clients_client_data_json",
            ),
            path(
                "<int:client_id>/questionnaire-again/",
                self.admin_site.admin_view(self.intake_round_view),
                name="clients_client_intake_round",
            ),
            *super().get_urls(),
        ]

    def intake_round_view(self, request, client_id: int):
        """Send the person their questionnaire again (a POST from their page)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("assessments.add_intake"):
            raise PermissionDenied
        client = get_object_or_404(Client, pk=client_id)
        try:
            intake = intake_round_send(client=client)
        except IntakeRoundError as error:
            messages.error(request, error.message)
        else:
            audit_opened(client, what=f"Sent the questionnaire again (round {intake.round})")
            messages.success(
                request,
                f"The questionnaire is on its way to {client.name} again. Their answers will "
                "appear in the report with the earlier ones beside them.",
            )
        return redirect("admin:clients_client_change", client.pk)

    def data_view(self, request, client_id: int):
        """Everything held about the client, as a page to print or hand over (Art. 15)."""
        client = _exported(request, client_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": client,
            "title": f"Their data: {client.name}",
            "export": client_export(client, readable_times=True),
        }
        return TemplateResponse(request, "admin/clients/export.html", context)

    def data_json_view(self, request, client_id: int):
        """The same, as a JSON file they can take elsewhere (Art. 20)."""
        client = _exported(request, client_id)
        body = json.dumps(client_export(client), ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="client-{client.pk}-data.json"'
        response["Cache-Control"] = "no-store"  # a person's whole file: never kept on the way
        return response

    @admin.display(description=_("what happened"))
    def timeline(self, obj):
        if not obj.pk:
            return "—"
        return render_to_string(
            "admin/clients/timeline.html", {"timeline": client_timeline(obj), "client": obj}
        )


def _exported(request, client_id: int) -> Client:
    """Load the client for an export and record it in the audit trail, once per export."""
    if not request.user.has_perm("clients.view_client"):
        raise PermissionDenied
    client = get_object_or_404(Client, pk=client_id)
    audit_opened(client, what="Exported the client's data")
    return client
