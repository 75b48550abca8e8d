"""Questionnaire pages for clients and partners, and the practitioner's report.

The emailed link (``/intake/<token>/``, signed and expiring, see ``tokens``)
only opens the questionnaire in this browser's session (``access``) and
redirects to pages without a token; each session opens one person's answers
and nothing else. A browser new to a half-answered questionnaire first needs
a one-time code from the person's email. Pages are never cached, so "Leave
this page quickly" followed by Back, or a shared computer, does not bring
answers back from the browser's cache.
"""

from __future__ import annotations

import functools

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from booking.models import Booking
from clients.visitors import limit_attempts

from . import access, preview, report, scoring, scoring_v2, selectors, services
from .codes import CODE_MINUTES
from .forms import (
    CodeForm,
    ConsentForm,
    Person,
    SectionForm,
    opened_by,
    person_pages,
    person_progress,
    person_section,
)
from .models import Intake
from .tokens import BadToken, intake_token_read


def _intake_or_none(public_id) -> Intake | None:
    if public_id is None:
        return None
    try:
        return selectors.intake_by_public_id(public_id)
    except Intake.DoesNotExist:
        return None


def _link_closed(request, intake: Intake) -> HttpResponse | None:
    """Return the answer for an intake whose link no longer works, or None while it does."""
    booking = intake.booking
    if intake.expires_at is not None:
        # A later round, sent between sessions: its own date, whatever becomes of the
        # booking it is filed under.
        if timezone.now() > intake.expires_at:
            raise Http404("This link has expired")
        return None
    if booking.status == Booking.Status.HELD:
        raise Http404("This link is not valid")
    if timezone.now() > selectors.intake_link_expires(booking):
        raise Http404("This link has expired")
    if booking.status == Booking.Status.CANCELLED:
        return _render(request, intake, "assessments/closed.html", {"cancelled": True}, 410)
    return None


def _ended(request, *, saved: bool = False, status: int = 410) -> HttpResponse:
    """The calm page for a browser whose questionnaire session has ended: no answers, no names."""
    return render(request, "assessments/ended.html", {"saved": saved}, status=status)


def intake_page(view):
    """Give the view the intake open in this session; without one, ask to open the link again."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        intake = _intake_or_none(access.session_public_id(request))
        if intake is None:
            return _ended(request)
        return _link_closed(request, intake) or view(request, intake, *args, **kwargs)

    return never_cache(wrapper)


def _render(request, intake: Intake, template: str, context: dict | None = None, status=200):
    base = {
        "intake": intake,
        "practitioner": intake.booking.practitioner,
        "definition": intake.instrument.definition,
    }
    return render(request, template, {**base, **(context or {})}, status=status)


def _session_open(request, intake: Intake) -> None:
    """Open the intake in this session, as a new sitting: no follow-up page is open yet."""
    access.session_open(request, intake)
    request.session.pop(OPENED_KEY, None)


def _section_url(number: int, *, check: bool = False) -> str:
    url = reverse("assessments:section", args=[number])
    return url + "?check=1" if check else url


@never_cache
@require_safe
def open_link(request, token: str):
    """The link from the email: open the questionnaire in this browser, then drop the token.

    A half-answered questionnaire opens at once only in a browser that opened
    it before; anywhere else a one-time code goes to the person's email first.
    """
    try:
        intake = selectors.intake_by_public_id(intake_token_read(token))
    except (BadToken, Intake.DoesNotExist):
        raise Http404("This link is not valid") from None
    closed = _link_closed(request, intake)
    if closed:
        return closed
    if intake.status == Intake.Status.IN_PROGRESS and not access.device_knows(request, intake):
        services.intake_code_send(intake_id=intake.pk)
        access.pending_set(request, intake)
        return redirect("assessments:code")
    _session_open(request, intake)
    response = redirect("assessments:start")
    if not intake.is_submitted:
        access.device_remember(request, response, intake)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@limit_attempts("intake")
def code(request):
    """Ask a new browser for the one-time code sent to the person's email."""
    intake = _intake_or_none(access.pending_public_id(request))
    if intake is None:
        return _ended(request)
    closed = _link_closed(request, intake)
    if closed:
        return closed
    form = CodeForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "minutes": CODE_MINUTES}
    if request.method == "GET":
        return _render(request, intake, "assessments/code.html", context)
    if form.is_valid():
        checked = services.intake_code_check(intake_id=intake.pk, typed=form.cleaned_data["code"])
        if checked.outcome == "right":
            _session_open(request, intake)
            response = redirect("assessments:start")
            access.device_remember(request, response, intake)
            return response
        context.update(outcome=checked.outcome, tries_left=checked.tries_left)
    return _render(request, intake, "assessments/code.html", context, 400)


@require_http_methods(["GET", "POST"])
@limit_attempts("intake")
@intake_page
def start(request, intake: Intake):
    """The first page: an introduction, the partner's consent, or resume."""
    if intake.is_submitted:
        return _render(request, intake, "assessments/done.html")
    form = ConsentForm(request.POST if request.method == "POST" else None)
    if intake.consent_at is None:
        if request.method == "POST" and form.is_valid():
            services.intake_consent_give(intake_id=intake.pk)
            return redirect(_section_url(1))
    elif intake.status == Intake.Status.IN_PROGRESS or request.method == "POST":
        return redirect(_section_url(intake.current_section + 1))
    context = {
        "form": form,
        "needs_consent": intake.consent_at is None,
        "is_couple": intake.booking.is_couple,
        "idle_hours": int(access.SESSION_IDLE.total_seconds() // 3600),
    }
    status = 400 if request.method == "POST" else 200
    return _render(request, intake, "assessments/start.html", context, status)


@never_cache
@require_http_methods(["GET", "POST"])
@limit_attempts("intake")
def section(request, number: int):
    """One section per page; Next, Back and Send all save what is on the page first.

    A post whose form names another intake than the session's (the session
    ended, or another link was opened since) is saved to the form's intake,
    and the person is asked to open their link again.
    """
    if request.method == "POST":
        stamped = _intake_or_none(access.form_stamp_read(request.POST.get(access.FORM_FIELD, "")))
        if stamped is not None and stamped.public_id != access.session_public_id(request):
            return _save_without_session(request, stamped, number)
    return _section(request, number)


@intake_page
def _section(request, intake: Intake, number: int):
    sections = intake.instrument.sections
    if not 1 <= number <= len(sections):
        raise Http404("No such page")
    index = number - 1
    if intake.consent_at is None:
        return redirect("assessments:start")
    if _is_v2(intake):
        return _section_v2(request, intake, index)
    if request.method == "GET":
        if intake.is_submitted:
            return redirect("assessments:done")
        errors = {}
        if request.GET.get("check"):
            errors = scoring.validate_answers(
                {"sections": [sections[index]]}, _section_answers(intake, index)
            )
        return _section_page(request, intake, index, errors=errors)

    action = SectionForm.action(request.POST)
    if action is None:
        return HttpResponseBadRequest("Unknown action")
    submitted = SectionForm.submitted(request.POST)
    saved = _section_save(request, intake, index, action, submitted, page=_section_page)
    if isinstance(saved, HttpResponse):
        return saved
    intake = saved.intake
    if saved.missing:
        errors = {key: ["Please answer this question."] for key in saved.missing}
        return _section_page(request, intake, index, errors=errors, status=400)
    if action == "back":
        next_url = _section_url(max(number - 1, 1))
    elif action == "next" or index < len(sections) - 1:
        next_url = _section_url(min(number + 1, len(sections)))
    else:
        return _send(request, intake)
    if saved.became_urgent:
        # Shown once, in answer to the save that said it, never at a link opened later.
        return _render(request, intake, "assessments/support.html", {"next_url": next_url})
    return redirect(next_url)


def _section_save(request, intake, index, action, submitted, *, page):
    """Save a posted page (either version); return the result, or the page to answer with.

    A closed questionnaire answers 409; answers the service refuses come back on
    ``page`` (the version's own renderer) with the reasons, as a 400.
    """
    try:
        return services.intake_section_save(
            intake_id=intake.pk,
            section_index=index,
            submitted=submitted,
            move="back" if action == "back" else "next",
        )
    except services.IntakeClosed as closed:
        return _render(request, intake, "assessments/closed.html", {"message": closed.message}, 409)
    except services.IntakeInvalid as invalid:
        return page(
            request,
            intake,
            index,
            posted=submitted,
            errors=invalid.errors,
            message=invalid.message,
            status=400,
        )


def _save_without_session(request, intake: Intake, number: int) -> HttpResponse:
    """Keep answers posted after the session ended; show nothing but how to go on."""
    closed = _link_closed(request, intake)
    if closed:
        return closed
    sections = intake.instrument.sections
    if not 1 <= number <= len(sections) or SectionForm.action(request.POST) is None:
        return _ended(request, status=400)
    try:
        services.intake_section_save(
            intake_id=intake.pk,
            section_index=number - 1,
            submitted=SectionForm.submitted(request.POST),
            move="stay",
        )
    except services.IntakeError:
        return _ended(request, status=400)
    return _ended(request, saved=True, status=200)


def _section_answers(intake: Intake, index: int) -> dict:
    keys = {item["key"] for item in intake.instrument.sections[index]["items"]}
    return {key: value for key, value in intake.answers.items() if key in keys}


def _section_page(request, intake, index, *, errors, posted=None, message="", status=200):
    definition = intake.instrument.definition
    sections = definition["sections"]
    section = sections[index]
    private = section["key"] in scoring.PRIVATE_SECTIONS
    # Whoever holds the phone now may be the partner these answers are about.
    shown = {} if private else intake.answers
    context = {
        "section": section,
        "number": index + 1,
        "is_first": index == 0,
        "is_last": index == len(sections) - 1,
        "form": SectionForm(section, shown, posted=posted, errors=errors),
        "stamp": access.form_stamp(intake),
        "answered_before": private and bool(_section_answers(intake, index)),
        "progress": scoring.progress(definition, intake.answers, index),
        "message": message,
        "missing": bool(errors) and not message,
    }
    return _render(request, intake, "assessments/section.html", context, status)


def _send(request, intake: Intake):
    try:
        intake = services.intake_submit(intake_id=intake.pk)
    except services.IntakeIncomplete as incomplete:
        return redirect(_section_url(incomplete.section_index + 1, check=True))
    except services.IntakeClosed as closed:
        return _render(request, intake, "assessments/closed.html", {"message": closed.message}, 409)
    if intake.urgent:
        # Shown once, in answer to the send, never at a link someone else could open later.
        return _render(request, intake, "assessments/support.html")
    if _is_v2(intake):
        # The reflection lives only in this answer: the done page reached later by the
        # link (or by whoever picks up the phone) shows the same thank-you as everyone's.
        reflection = scoring_v2.reflection_for(intake.answers, intake.instrument.definition)
        return _render(request, intake, "assessments/done.html", {"reflection": reflection})
    return redirect("assessments:done")


# --- Version 2 pages ----------------------------------------------------------------
# Worded for the person's relationship context, each partner's questions in their own
# order, the joint-session page for couples only, and the danger questions opened only
# by a "yes" posted in this sitting (docs/questionnaire-v2.md, "Wiring").

# Follow-up pages a "yes" opened in this sitting: {"id": public id, "sections": [keys]}.
# Opening the link again starts a new sitting without them, and "Leave this page
# quickly" ends the session with them.
OPENED_KEY = "intake_opened"


def _is_v2(intake: Intake) -> bool:
    return intake.instrument.version >= preview.SCORED_BY_V2_FROM


def _person(intake: Intake) -> Person:
    definition = intake.instrument.definition
    return Person(
        definition=definition,
        context=scoring_v2.relationship_context(definition, intake.answers),
        seed=str(intake.booking.public_id),
        reverse=intake.role == Intake.Role.PARTNER,
        couple=intake.booking.is_couple,
    )


def _opened(request, intake: Intake) -> set[str]:
    entry = request.session.get(OPENED_KEY)
    if not isinstance(entry, dict) or entry.get("id") != str(intake.public_id):
        return set()
    return set(entry.get("sections", []))


def _opened_update(request, intake: Intake, changes: dict[str, bool]) -> None:
    if not changes:
        return
    opened = _opened(request, intake)
    opened |= {key for key, is_open in changes.items() if is_open}
    opened -= {key for key, is_open in changes.items() if not is_open}
    if opened:
        request.session[OPENED_KEY] = {"id": str(intake.public_id), "sections": sorted(opened)}
    else:
        request.session.pop(OPENED_KEY, None)


def _section_v2(request, intake: Intake, index: int) -> HttpResponse:
    sections = intake.instrument.sections
    section = sections[index]
    person = _person(intake)
    pages = person_pages(sections, person, _opened(request, intake))
    if request.method == "GET":
        if intake.is_submitted:
            return redirect("assessments:done")
        if index not in pages:
            # A resume point on a page not shown (the danger page from an earlier
            # sitting, the joint-session page for someone alone): the nearest shown one.
            later = [page for page in pages if page > index]
            return redirect(_section_url((later[0] if later else pages[-1]) + 1))
        return _section_page_v2(request, intake, index, errors={})
    if index not in pages and not section.get("shown_if"):
        raise Http404("No such page")

    action = SectionForm.action(request.POST)
    if action is None:
        return HttpResponseBadRequest("Unknown action")
    submitted = SectionForm.submitted(request.POST)
    saved = _section_save(request, intake, index, action, submitted, page=_section_page_v2)
    if isinstance(saved, HttpResponse):
        return saved
    intake = saved.intake
    _opened_update(request, intake, opened_by(sections, section, submitted, person))
    pages = person_pages(sections, person, _opened(request, intake))
    if action == "back":
        earlier = [page for page in pages if page < index]
        target = earlier[-1] if earlier else index
    else:
        later = [page for page in pages if page > index]
        if not later and action == "send":
            request.session.pop(OPENED_KEY, None)
            return _send(request, intake)
        target = later[0] if later else index
    next_url = _section_url(target + 1)
    if saved.became_urgent and not (target > index and sections[target].get("shown_if")):
        # Shown once, in answer to the save that said it, never at a link opened later.
        # A "yes" that opens the danger questions goes straight to them instead; the
        # support resources follow the send.
        return _render(request, intake, "assessments/support.html", {"next_url": next_url})
    return redirect(next_url)


def _section_page_v2(request, intake, index, *, errors, posted=None, message="", status=200):
    definition = intake.instrument.definition
    section = definition["sections"][index]
    person = _person(intake)
    private = bool(section.get("private"))
    follow_up = bool(section.get("shown_if"))
    # Pages that are always there; a follow-up is counted only on its own page, so
    # no other page (the Send button, the progress) shows whether it was opened.
    fixed = person_pages(definition["sections"], person)
    counted = fixed if index in fixed else sorted([*fixed, index])
    worded = person_section(section, person)
    context = {
        "section": worded,
        "number": index + 1,
        "is_first": index == counted[0],
        "is_last": not any(page > index for page in fixed),
        "form": SectionForm(
            worded,
            {} if private else intake.answers,
            posted=posted,
            errors=errors,
            options=person.options,
        ),
        "stamp": access.form_stamp(intake),
        "answered_before": private and not follow_up and bool(_section_answers(intake, index)),
        "progress": person_progress(definition, counted, index),
        "message": message,
        "missing": False,
        "every_optional": True,
    }
    return _render(request, intake, "assessments/section.html", context, status)


@require_safe
@intake_page
def done(request, intake: Intake):
    """A calm thank-you, the same for everyone, whatever they answered."""
    if not intake.is_submitted:
        return redirect("assessments:start")
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
        "read_at": _read_at(intakes),
        "title": f"Questionnaire report: {booking.client.name if booking.client else booking}",
    }
    return render(request, "admin/assessments/report.html", context)


def _read_at(intakes: list[Intake]):
    """Return when the practitioner last marked the report read, if nothing came since."""
    moments = [intake.reviewed_at for intake in intakes if intake.submitted_at or intake.urgent]
    if not moments or None in moments:
        return None
    read_at = min(moments)
    newer = any(
        (intake.submitted_at and intake.submitted_at > read_at)
        or (intake.urgent_at and intake.urgent_at > read_at)
        for intake in intakes
    )
    return None if newer else read_at


def _respondent(booking: Booking, intake: Intake) -> report.Respondent:
    return report.Respondent(
        name=intake.client.name,
        partner_name=selectors.intake_partner_name(booking, intake),
        role=intake.get_role_display(),
        status=intake.get_status_display(),
        sent=intake.is_submitted,
        urgent=intake.urgent,
        definition=intake.instrument.definition,
        answers=intake.answers,
    )
