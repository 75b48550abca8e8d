"""The email log in the practitioner's office: status, "send again", and previews of every email.

The outbox (``notifications``) knows rows, kinds and subjects; this page puts
them in the practitioner's words, with a link to the booking each is about.
"""

from __future__ import annotations

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from booking.models import Booking
from clients.models import Client
from notifications.kinds import UnknownKind, kind_get, kinds_all, subject_type_get
from notifications.models import OutboundEmail
from notifications.rendering import render_email
from notifications.services import outbox_send_again


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind.name, kind.label) for kind in kinds_all()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ("due_at", "kind_label", "to_email", "status", "attempts", "sent_at")
    list_filter = ("status", KindFilter, ("due_at", admin.DateFieldListFilter))
    search_fields = ("to_email",)
    # No date_hierarchy: its links read every row's date (a MIN/MAX and a DISTINCT over the
    # whole log) on each visit, so the page slowed as the log grew. The "due" filter above
    # narrows by date without reading the log, and the newest come first on an index.
    # Nor a second count of the whole log beside the filtered one.
    show_full_result_count = False
    readonly_fields = (
        "kind_label",
        "about",
        "to_email",
        "due_at",
        "status",
        "attempts",
        "last_error",
        "queued_at",
        "attempt_started_at",
        "sent_at",
        "created_at",
        "as_sent",
    )
    fields = readonly_fields
    actions = ["send_again"]
    change_list_template = "admin/notifications/outboundemail/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        """Search by address, and by the name of the client an email went to."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            named = Client.objects.filter(name__icontains=search_term).values("pk")
            queryset |= self.model.objects.filter(recipient_client_id__in=named)
        return queryset, may_have_duplicates

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, obj):
        return obj.kind_label

    @admin.display(description=_("about"))
    def about(self, obj):
        if obj.subject_type == "booking" and obj.subject_id:
            url = reverse("admin:booking_booking_change", args=[obj.subject_id])
            return format_html('<a href="{}">{}</a>', url, _("the booking"))
        return "—"

    @admin.action(description=_("Send failed emails again"))
    def send_again(self, request, queryset):
        selected = list(queryset.values_list("pk", flat=True))
        queued = outbox_send_again(email_ids=selected)
        self.message_user(request, _("%d email(s) queued again.") % queued, messages.SUCCESS)
        if len(selected) > queued:
            self.message_user(
                request,
                _("%d email(s) had not failed and were left alone.") % (len(selected) - queued),
            )

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("preview/", preview, name="notifications_outboundemail_preview"),
            path("preview/<str:kind>/", preview, name="notifications_outboundemail_preview_kind"),
            path(
                "<int:email_id>/sent-html/",
                self.admin_site.admin_view(self.sent_html_view),
                name="notifications_outboundemail_sent_html",
            ),
            path(
                "preview/<str:kind>/html/",
                self.admin_site.admin_view(self.preview_html_view),
                name="notifications_outboundemail_preview_html",
            ),
            *super().get_urls(),
        ]

    def sent_html_view(self, request, email_id: int):
        """The HTML of one email as it was sent, for the frame on its page."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        email = get_object_or_404(OutboundEmail.objects.only("sent_html"), pk=email_id)
        if not email.sent_html:
            raise Http404("No copy of this email")
        return email_html_response(email.sent_html)

    @admin.display(description=_("as sent"))
    def as_sent(self, obj):
        if obj.sent_subject or obj.sent_text:
            frame = ""
            if obj.sent_html:
                url = reverse("admin:notifications_outboundemail_sent_html", args=[obj.pk])
                frame = format_html(
                    '<iframe title="The email as sent" sandbox src="{}" class="email-frame">'
                    "</iframe>",
                    url,
                )
            return format_html(
                '<p><strong>{}</strong></p>{}<pre class="email-text" tabindex="0">{}</pre>',
                obj.sent_subject,
                frame,
                obj.sent_text,
            )
        if obj.status == OutboundEmail.Status.SENT:
            return _("Not kept: it held a one-time link or code.")
        return _("Not sent yet.")

    def preview_html_view(self, request, kind: str):
        """The HTML of one preview alone, for the sandboxed frame on the preview page."""
        try:
            email, subject = demo_email(kind, request.user)
        except UnknownKind:
            raise Http404("No such email") from None
        return email_html_response(render_email(email, subject).alternatives[0].content)

    def preview_view(self, request, kind: str | None = None):
        """Show every email as a client or the practitioner would see it, with demo data."""
        kinds = [(k.name, k.label) for k in kinds_all()]
        context = {**self.admin_site.each_context(request), "title": _("Email previews")}
        context["kinds"] = kinds
        if kind is not None:
            try:
                email, subject = demo_email(kind, request.user)
            except UnknownKind:
                raise Http404("No such email") from None
            message = render_email(email, subject)
            context.update(
                kind=kind,
                kind_label=dict(kinds)[kind],
                subject=message.subject,
                to=", ".join(message.to),
                text=message.body,
                html=message.alternatives[0].content,
                attachments=[name for name, _content, _type in message.attachments],
            )
        return TemplateResponse(request, "admin/notifications/outboundemail/preview.html", context)


# An email's HTML, shown in a frame: its inline styles and data: images only, no script,
# no form, no request anywhere, framed only by the office itself.
EMAIL_FRAME_POLICY = {
    "default-src": [NONE],
    "style-src": [UNSAFE_INLINE],
    "img-src": ["data:"],
    "form-action": [NONE],
    "base-uri": [NONE],
    "frame-ancestors": [SELF],
}


@csp(EMAIL_FRAME_POLICY)
@xframe_options_sameorigin
def _email_html(html: str) -> HttpResponse:
    return HttpResponse(html)


def email_html_response(html: str) -> HttpResponse:
    """Return an email's HTML as a page of its own, under EMAIL_FRAME_POLICY."""
    return _email_html(html)


def demo_email(kind_name: str, user) -> tuple[OutboundEmail, object]:
    """Return an unsaved email of this kind and the example subject it is about."""
    kind = kind_get(kind_name)
    subject = subject_type_get(kind.subject_type).demo(user)
    if kind_name == "cancelled" and isinstance(subject, Booking):
        subject.status = Booking.Status.CANCELLED
    recipients = kind.recipients(subject) or [None]
    recipient = recipients[0]
    due_at = kind.preview_due(subject) if kind.preview_due else timezone.now()
    email = OutboundEmail(
        kind=kind.name,
        subject_type=kind.subject_type,
        subject_id=subject.pk,
        to_email=recipient.email if recipient else "someone@example.com",
        due_at=due_at,
    )
    return email, subject


def emails_table(emails) -> str:
    """Return a small read-only table of emails, for a booking's or a client's page."""
    rows = list(emails)
    if not rows:
        return _("No emails yet.")
    body = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                email.kind_label,
                email.to_email,
                timezone.localtime(email.due_at).strftime("%a %-d %b %Y, %H:%M"),
                email.get_status_display(),
                email.last_error,
            )
            for email in rows
        ),
    )
    return format_html(
        '<table class="email-log"><thead><tr><th scope="col">{}</th><th scope="col">{}</th>'
        '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead>'
        "<tbody>{}</tbody></table>",
        _("Email"),
        _("To"),
        _("Due"),
        _("Status"),
        _("Note"),
        body,
    )
