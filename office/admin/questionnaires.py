"""Questionnaires in the practitioner's office: versions, answers' status, the report.

Answers are never edited here: they are the client's words. The report is
the way to read them; deleting a questionnaire erases that person's answers.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from assessments import report_v2, selectors, views
from assessments.models import Instrument, Intake
from assessments.selectors import STATUS_LABELS, intake_summary
from assessments.services import intake_report_review
from booking.models import Booking

from .. import views as office_views
from ..audit import audit_opened


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    """Versions are loaded from files (load_instruments) as drafts; here she reads and publishes.

    The list and the change page are the office's own pages (``office.views``):
    the versions with their state in plain words, and a read-through of every
    page of one version with its "Publish this version" form.
    """

    fields = ("title", "slug", "version", "loaded_at", "published_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        request.current_app = self.admin_site.name
        return office_views.questionnaire_versions_view(
            request, admin_context=self.admin_site.each_context(request)
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Publishing is checked in the view: "change" is the permission to publish.
        if not self.has_view_permission(request):
            raise PermissionDenied
        if not str(object_id).isdigit():
            raise Http404
        request.current_app = self.admin_site.name
        return office_views.questionnaire_version_view(
            request, int(object_id), admin_context=self.admin_site.each_context(request)
        )


def report_url(booking_id: int) -> str:
    return reverse("admin:assessments_intake_report", args=[booking_id])


@admin.register(Intake)
class IntakeAdmin(admin.ModelAdmin):
    list_display = ("booking_start", "client", "role", "status", "urgent", "submitted_at", "report")
    list_filter = ("status", "urgent", "role")
    search_fields = ("client__name", "client__email")
    list_select_related = ("booking", "client")
    ordering = ("-booking__start_at", "role")
    fields = (
        "booking",
        "client",
        "role",
        "status",
        "urgent",
        "instrument",
        "current_section",
        "consent_at",
        "created_at",
        "started_at",
        "submitted_at",
        "report",
    )
    readonly_fields = fields
    # A person's data request is the client page's "Download their data": it holds
    # their own answers only, never a partner's (office/export.py).
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("booking"), ordering="booking__start_at")
    def booking_start(self, obj):
        return obj.booking.start_at

    @admin.display(description=_("report"))
    def report(self, obj):
        return format_html('<a href="{}">{}</a>', report_url(obj.booking_id), _("Open the report"))

    def get_urls(self):
        return [
            path(
                "report/<int:booking_id>/",
                self.admin_site.admin_view(self.report_view),
                name="assessments_intake_report",
            ),
            path(
                "report/<int:booking_id>/read/",
                self.admin_site.admin_view(self.report_read_view),
                name="assessments_intake_report_read",
            ),
            *super().get_urls(),
        ]

    def report_read_view(self, request, booking_id: int):
        """Mark the report read (a POST from its page): it leaves Today's lists."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("assessments.view_intake"):
            raise PermissionDenied
        if intake_report_review(booking_id=booking_id, now=timezone.now()):
            messages.success(request, _("Marked as read."))
        return redirect("admin:index")

    def report_view(self, request, booking_id: int):
        """Show the report in the layout of the booking's questionnaire version.

        Version 1 keeps its own page (``assessments.views.intake_report``);
        version 2 has its own figures and layout (``assessments.report_v2``).
        The intakes loaded to choose are the ones the audit trail records.
        """
        if not request.user.has_perm("assessments.view_intake"):
            raise PermissionDenied
        intakes = list(
            Intake.objects.filter(booking_id=booking_id)
            .select_related("instrument")
            .defer("instrument__definition")
        )
        admin_context = self.admin_site.each_context(request)
        if any(intake.instrument.version >= 2 for intake in intakes):
            response = intake_report_v2(request, booking_id, admin_context=admin_context)
        else:
            response = views.intake_report(request, booking_id, admin_context=admin_context)
        if response.status_code == 200:
            for intake in intakes:
                audit_opened(intake, what="Opened the questionnaire report")
        return response


def intake_report_v2(request, booking_id: int, admin_context: dict):
    """Show the practitioner a booking's v2 questionnaires: safety first, then each area."""
    try:
        booking, intakes = selectors.intakes_for_report(booking_id)
    except Booking.DoesNotExist:
        raise Http404("No such booking") from None
    respondents = [_respondent_v2(booking, intake) for intake in intakes]
    rounds = selectors.intake_rounds_for_report(intakes)
    movements = [
        report_v2.movement(
            respondent,
            [
                report_v2.RoundAnswers(
                    number=row.round,
                    sent_at=row.submitted_at,
                    definition=row.instrument.definition,
                    answers=row.answers,
                )
                for row in rounds.get(intake.client_id, [])
            ],
        )
        for respondent, intake in zip(respondents, intakes, strict=True)
    ]
    context = {
        **admin_context,
        "booking": booking,
        "intakes": intakes,
        "report": report_v2.booking_report(respondents, is_couple=booking.is_couple),
        "movements": [found for found in movements if found is not None],
        "read_at": views._read_at(intakes),
        "title": f"Questionnaire report: {booking.client.name if booking.client else booking}",
    }
    return render(request, "admin/assessments/report_v2.html", context)


def _respondent_v2(booking: Booking, intake: Intake) -> report_v2.Respondent:
    return report_v2.Respondent(
        name=intake.client.name,
        partner_name=selectors.intake_partner_name(booking, intake),
        role=intake.get_role_display(),
        status=intake.get_status_display(),
        sent=intake.is_submitted,
        couple=booking.is_couple,
        definition=intake.instrument.definition,
        answers=intake.answers,
    )


# --- For the booking pages (office.admin.bookings) ------------------------------------


def booking_questionnaire_status(booking: Booking) -> str:
    """Return the booking list's questionnaire cell, from ``bookings_with_intake_summary``."""
    summary = intake_summary(booking)
    if summary == "none":
        return STATUS_LABELS[summary]
    label = STATUS_LABELS[summary]
    if summary == "urgent":
        return format_html('<a href="{}"><strong>{}</strong></a>', report_url(booking.pk), label)
    return format_html('<a href="{}">{}</a>', report_url(booking.pk), label)


def booking_questionnaire_detail(booking: Booking) -> str:
    """Return each person's questionnaire status and the report link, for the booking page."""
    intakes = list(booking.intakes.select_related("client").order_by("role"))
    if not intakes:
        return _("No questionnaire for this booking.")
    people = format_html_join(
        "",
        "<li>{}: {}{}</li>",
        (
            (
                intake.client.name,
                intake.get_status_display(),
                format_html(" · <strong>{}</strong>", _("urgent")) if intake.urgent else "",
            )
            for intake in intakes
        ),
    )
    return format_html(
        '<ul class="intake-status" style="margin:0;padding-left:1.2em">{}</ul>'
        '<p style="margin:.4em 0 0"><a href="{}">{}</a></p>',
        people,
        report_url(booking.pk),
        _("Open the questionnaire report"),
    )
