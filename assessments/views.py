"""Questionnaire pages for clients and partners, and the practitioner's report.

Client pages are reached only through a signed, expiring link (see
``tokens``); each person's link opens their own answers and nothing else.
Pages are never cached, so "Leave this page quickly" followed by Back, or a
shared computer, does not bring answers back from the browser's cache.
"""

from __future__ import annotations

import functools

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from booking.models import Booking
from clients.visitors import limit_attempts

from . import report, scoring, selectors, services
from .forms import ConsentForm, SectionForm
from .models import Intake
from .tokens import BadToken, intake_token_read


def intake_page(view):
    """Resolve the link's token to its intake, or 404; show a closed page for cancellations."""

    @functools.wraps(view)
    def wrapper(request, token: str, *args, **kwargs):
        try:
            intake = selectors.intake_by_public_id(intake_token_read(token))
        except (BadToken, Intake.DoesNotExist):
            raise Http404("This link is not valid") from None
        booking = intake.booking
        if booking.status == Booking.Status.HELD:
            raise Http404("This link is not valid")
        if timezone.now() > selectors.intake_link_expires(booking):
            raise Http404("This link has expired")
        if booking.status == Booking.Status.CANCELLED:
            return _render(request, intake, "assessments/closed.html", {"cancelled": True}, 410)
        return view(request, intake, token, *args, **kwargs)

    return never_cache(wrapper)


def _render(request, intake: Intake, template: str, context: dict | None = None, status=200):
    base = {
        "intake": intake,
        "practitioner": intake.booking.practitioner,
        "definition": intake.instrument.definition,
    }
    return render(request, template, {**base, **(context or {})}, status=status)


def _section_url(token: str, number: int, *, check: bool = False) -> str:
    url = reverse("assessments:section", args=[token, number])
    return url + "?check=1" if check else url


@require_http_methods(["GET", "POST"])
@limit_attempts("intake")
@intake_page
def start(request, intake: Intake, token: str):
    """The link from the email: an introduction, the partner's consent, or resume."""
    if intake.is_submitted:
        return _render(request, intake, "assessments/done.html")
    form = ConsentForm(request.POST if request.method == "POST" else None)
    if intake.consent_at is None:
        if request.method == "POST" and form.is_valid():
            services.intake_consent_give(intake_id=intake.pk)
            return redirect(_section_url(token, 1))
    elif intake.status == Intake.Status.IN_PROGRESS or request.method == "POST":
        return redirect(_section_url(token, intake.current_section + 1))
    context = {
        "form": form,
        "token": token,
        "needs_consent": intake.consent_at is None,
        "is_couple": intake.booking.is_couple,
    }
    status = 400 if request.method == "POST" else 200
    return _render(request, intake, "assessments/start.html", context, status)


@require_http_methods(["GET", "POST"])
@limit_attempts("intake")
@intake_page
def section(request, intake: Intake, token: str, number: int):
    """One section per page; Next, Back and Send all save what is on the page first."""
    sections = intake.instrument.sections
    if not 1 <= number <= len(sections):
        raise Http404("No such page")
    index = number - 1
    if intake.consent_at is None:
        return redirect("assessments:start", token=token)
    if request.method == "GET":
        if intake.is_submitted:
            return redirect("assessments:done", token=token)
        errors = {}
        if request.GET.get("check"):
            errors = scoring.validate_answers(
                {"sections": [sections[index]]}, _section_answers(intake, index)
            )
        return _section_page(request, intake, token, index, errors=errors)

    action = SectionForm.action(request.POST)
    if action is None:
        return HttpResponseBadRequest("Unknown action")
    submitted = SectionForm.submitted(request.POST)
    try:
        saved = services.intake_section_save(
            intake_id=intake.pk,
            section_index=index,
            submitted=submitted,
            move="back" if action == "back" else "next",
        )
    except services.IntakeClosed as closed:
        return _render(request, intake, "assessments/closed.html", {"message": closed.message}, 409)
    except services.IntakeInvalid as invalid:
        return _section_page(
            request,
            intake,
            token,
            index,
            posted=submitted,
            errors=invalid.errors,
            message=invalid.message,
            status=400,
        )
    intake = saved.intake
    if saved.missing:
        errors = {key: ["Please answer this question."] for key in saved.missing}
        return _section_page(request, intake, token, index, errors=errors, status=400)
    if action == "back":
        next_url = _section_url(token, max(number - 1, 1))
    elif action == "next" or index < len(sections) - 1:
        next_url = _section_url(token, min(number + 1, len(sections)))
    else:
        return _send(request, intake, token)
    if saved.became_urgent:
        # Shown once, in answer to the save that said it, never at a link opened later.
        return _render(request, intake, "assessments/support.html", {"next_url": next_url})
    return redirect(next_url)


def _section_answers(intake: Intake, index: int) -> dict:
    keys = {item["key"] for item in intake.instrument.sections[index]["items"]}
    return {key: value for key, value in intake.answers.items() if key in keys}


def _section_page(request, intake, token, index, *, errors, posted=None, message="", status=200):
    definition = intake.instrument.definition
    sections = definition["sections"]
    context = {
        "token": token,
        "section": sections[index],
        "number": index + 1,
        "is_first": index == 0,
        "is_last": index == len(sections) - 1,
        "form": SectionForm(sections[index], intake.answers, posted=posted, errors=errors),
        "progress": scoring.progress(definition, intake.answers, index),
        "message": message,
        "missing": bool(errors) and not message,
    }
    return _render(request, intake, "assessments/section.html", context, status)


def _send(request, intake: Intake, token: str):
    try:
        intake = services.intake_submit(intake_id=intake.pk)
    except services.IntakeIncomplete as incomplete:
        return redirect(_section_url(token, incomplete.section_index + 1, check=True))
    except services.IntakeClosed as closed:
        return _render(request, intake, "assessments/closed.html", {"message": closed.message}, 409)
    if intake.urgent:
        # Shown once, in answer to the send, never at a link someone else could open later.
        return _render(request, intake, "assessments/support.html")
    return redirect("assessments:done", token=token)


@require_safe
@intake_page
def done(request, intake: Intake, token: str):
    """A calm thank-you, the same for everyone, whatever they answered."""
    if not intake.is_submitted:
        return redirect("assessments:start", token=token)
    return _render(request, intake, "assessments/done.html")


# --- The practitioner's report ------------------------------------------------


@staff_member_required
@require_GET
def intake_report(request, booking_id: int, admin_context: dict | None = None):
    """Show the practitioner a booking's questionnaires, scored, side by side for a couple."""
    if not request.user.has_perm("assessments.view_intake"):
        raise PermissionDenied
    try:
        booking, intakes = selectors.intakes_for_report(booking_id)
    except Booking.DoesNotExist:
        raise Http404("No such booking") from None
    respondents = [_respondent(booking, intake) for intake in intakes]
    context = {
        **(admin_context or {}),
        "booking": booking,
        "intakes": intakes,
        "report": report.booking_report(respondents, is_couple=booking.is_couple),
        "formulas": report.formulas(),
        "title": f"Questionnaire report: {booking.client.name if booking.client else booking}",
    }
    return render(request, "admin/assessments/report.html", context)


def _respondent(booking: Booking, intake: Intake) -> report.Respondent:
    if intake.role == Intake.Role.PARTNER:
        partner_name = booking.client.name
    else:
        partner_name = booking.partner_name or "their partner"
    return report.Respondent(
        name=intake.client.name,
        partner_name=partner_name,
        role=intake.get_role_display(),
        status=intake.get_status_display(),
        sent=intake.is_submitted,
        urgent=intake.urgent,
        definition=intake.instrument.definition,
        answers=intake.answers,
    )
