"""The questionnaire pages through Django's test client: flow, guards and separation.

Each test opens the emailed link first (``open_link``), as a browser that has
opened it before, and then uses the pages without a token. Opening from a new
browser, the code and the session's end are in ``test_access.py``.
"""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.db import connection
from django.db.models import F
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from assessments import access, services
from assessments.links import intake_path
from assessments.models import Intake
from booking.models import Booking
from booking.tokens import manage_token_make

from ..clock import NOW, TUESDAY_9
from ..factories import BookingFactory, ClientFactory
from .helpers import section_index, section_post, stored_answers

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

ANA_NOTE = "Ana wrote this about the money"
SAM_NOTE = "Sam wrote this about talking"
QUICK_EXIT = re.compile(
    r'<a class="btn quick-exit" href="/leave/" rel="noreferrer" data-quick-exit>'
    r"Leave this page quickly</a>"
)


def page(intake, number=None, suffix=""):
    """Return a questionnaire page's address: no token, the session says whose it is."""
    path = "/intake/"
    if number is not None:
        path += f"{number}/"
    return path + suffix


def remember_device(client, intake):
    """Give the test browser the device cookie it gets when it first opens the intake."""
    request = RequestFactory().get("/")
    request.COOKIES = {name: morsel.value for name, morsel in client.cookies.items()}
    response = HttpResponse()
    access.device_remember(request, response, intake)
    if access.DEVICE_COOKIE in response.cookies:
        client.cookies[access.DEVICE_COOKIE] = response.cookies[access.DEVICE_COOKIE].value


def open_link(client, intake):
    """Open the emailed link in this browser (one it was opened in before), unless open."""
    if client.session.get(access.SESSION_KEY, {}).get("id") == str(intake.public_id):
        return None
    remember_device(client, intake)
    return client.get(intake_path(intake))


def get(client, intake, number=None, suffix=""):
    open_link(client, intake)
    return client.get(page(intake, number, suffix))


def number_of(intake, key):
    return section_index(intake.instrument.definition, key) + 1


def post_section(client, intake, key, action="next", **overrides):
    definition = intake.instrument.definition
    index = section_index(definition, key)
    data = section_post(definition["sections"][index], **overrides)
    open_link(client, intake)
    return client.post(page(intake, index + 1), {**data, "action": action})


def fill(intake, **overrides):
    Intake.objects.filter(pk=intake.pk).update(
        answers=stored_answers(intake.instrument.definition, **overrides),
        status=Intake.Status.IN_PROGRESS,
        consent_at=NOW,
    )


def send(client, intake, **safety):
    return post_section(client, intake, "safety", action="send", **safety)


def text(response):
    return response.content.decode()


# --- The way through -----------------------------------------------------------


def test_it_introduces_the_questionnaire(client, ana_intake):
    response = get(client, ana_intake)

    content = text(response)
    assert response.status_code == 200
    assert "A few questions before we talk" in content
    assert "It takes about 12 minutes" in content
    assert f'href="{page(ana_intake, 1)}"' in content
    assert "no-store" in response["Cache-Control"]


def test_it_shows_one_section_with_its_progress(client, ana_intake, definition):
    content = text(get(client, ana_intake, 3))

    # Two sections (11 of 51 items) behind: 11/51 = 21.6% -> 22%; 12 x 40/51 = 9.4 -> 10 minutes.
    assert "Section 3 of 9 · about 10 minutes left" in content
    assert (
        '<progress id="progress" max="100" value="22" aria-labelledby="progress-text">' in content
    )
    assert "style=" not in content  # the strict policy refuses inline styles
    assert definition["sections"][2]["title"] in content
    assert definition["sections"][3]["title"] not in content


def test_it_offers_rather_not_say_only_on_sensitive_questions(client, ana_intake):
    money = text(get(client, ana_intake, number_of(ana_intake, "financial")))
    care = text(get(client, ana_intake, number_of(ana_intake, "emotional")))

    assert money.count('value="prefer_not"') == 4  # three balance questions and the impact one
    assert "I&#x27;d rather not say" in money
    assert 'value="prefer_not"' not in care


def test_it_marks_only_optional_questions(client, ana_intake):
    content = text(get(client, ana_intake, number_of(ana_intake, "financial")))

    assert content.count("(optional)") == 2  # the impact question and the notes box


def test_it_saves_the_page_and_goes_on_with_next(client, ana_intake):
    response = post_section(client, ana_intake, "financial", fin_decisions="much_me")

    number = number_of(ana_intake, "financial")
    assert response.status_code == 302
    assert response["Location"] == page(ana_intake, number + 1)
    assert Intake.objects.get().answers["fin_decisions"] == -2


def test_it_saves_the_page_and_goes_back_with_back(client, ana_intake):
    response = post_section(client, ana_intake, "emotional", action="back", emo_needs="")

    number = number_of(ana_intake, "emotional")
    assert response["Location"] == page(ana_intake, number - 1)
    assert Intake.objects.get().answers["emo_support"] == 0


def test_it_resumes_the_link_where_they_left_off(client, ana_intake):
    post_section(client, ana_intake, "context")
    post_section(client, ana_intake, "financial", fin_decisions="bit_partner", fin_notes=ANA_NOTE)

    resumed = get(client, ana_intake)
    back = text(get(client, ana_intake, number_of(ana_intake, "financial")))

    assert resumed.status_code == 302
    assert resumed["Location"] == page(ana_intake, number_of(ana_intake, "emotional"))
    assert 'value="bit_partner" checked' in back
    assert ANA_NOTE in back


def test_it_asks_again_for_required_answers_and_keeps_the_rest(client, ana_intake):
    response = post_section(client, ana_intake, "financial", fin_decisions="", fin_impact="3")

    content = text(response)
    assert response.status_code == 400
    assert "still need an answer" in content
    assert content.count("Please answer this question.") == 1
    assert 'value="3" checked' in content
    assert Intake.objects.get().answers["fin_impact"] == 3


def test_it_meets_a_tampered_answer_with_a_clear_message_and_changes_nothing(client, ana_intake):
    post_section(client, ana_intake, "financial")
    before = Intake.objects.values().get()

    response = post_section(client, ana_intake, "financial", fin_decisions="much_more", extra="1")

    content = text(response)
    assert response.status_code == 400
    assert "Nothing on this page was changed" in content
    assert "Please choose one of the answers shown." in content
    assert Intake.objects.values().get() == before


def test_it_refuses_an_unknown_action(client, ana_intake):
    open_link(client, ana_intake)
    response = client.post(page(ana_intake, 1), {"action": "delete"})

    assert response.status_code == 400
    assert Intake.objects.get().status == Intake.Status.NOT_STARTED


def test_it_shows_a_calm_thank_you_after_sending(client, ana_intake):
    fill(ana_intake)

    response = send(client, ana_intake)

    assert response.status_code == 302
    assert response["Location"] == page(ana_intake, suffix="done/")
    done = text(client.get(response["Location"]))
    assert "Thank you" in done
    assert "only Maya Lind will read them" in done
    assert Intake.objects.get().status == Intake.Status.COMPLETED


def test_it_leads_to_the_first_gap_when_sending_with_gaps(client, ana_intake):
    fill(ana_intake, soc_norms=None)

    response = send(client, ana_intake)

    social = number_of(ana_intake, "social")
    assert response["Location"] == page(ana_intake, social, "?check=1")
    content = text(client.get(response["Location"]))
    assert content.count("Please answer this question.") == 1
    assert Intake.objects.get().status == Intake.Status.IN_PROGRESS


def test_it_shows_the_practitioners_support_resources_once_after_a_safety_yes(
    client, ana_intake, maya
):
    maya.support_resources = "Domestic abuse line: 0800 000 0000\nhttps://help.example.org"
    maya.save()
    fill(ana_intake)

    response = send(client, ana_intake, safety_threats="yes")

    content = text(response)
    assert response.status_code == 200
    assert "Domestic abuse line: 0800 000 0000" in content
    assert '<a href="https://help.example.org"' in content
    assert "local emergency number" in content
    assert QUICK_EXIT.search(content)
    assert Intake.objects.get().urgent is True
    # Opened again, the link shows the same thank-you as everyone else's.
    for later in (get(client, ana_intake), get(client, ana_intake, suffix="done/")):
        assert "0800 000 0000" not in text(later)
        assert "Thank you" in text(later)


def test_it_shows_no_built_in_hotline_on_the_support_page(client, ana_intake, maya):
    fill(ana_intake)

    content = text(send(client, ana_intake, safety_afraid="yes"))

    assert "If you would like support sooner" in content
    assert "mailto:maya@example.com" in content
    assert not re.search(r"\b\d{3,}\b", content.split("<main", 1)[1])  # no phone numbers


def test_it_refuses_sent_answers_posted_again(client, ana_intake):
    fill(ana_intake)
    send(client, ana_intake)
    before = Intake.objects.values().get()

    response = post_section(client, ana_intake, "financial", fin_decisions="much_me")
    again = send(client, ana_intake)

    assert response.status_code == again.status_code == 409
    assert "already been sent" in text(response)
    assert Intake.objects.values().get() == before
    assert get(client, ana_intake, 2)["Location"] == page(ana_intake, suffix="done/")


def test_it_gives_every_intake_page_a_way_out(client, ana_intake):
    pages = [get(client, ana_intake)]
    pages += [get(client, ana_intake, number) for number in range(1, 10)]
    pages.append(post_section(client, ana_intake, "financial", fin_decisions="nope"))
    fill(ana_intake)
    pages.append(client.get(send(client, ana_intake)["Location"]))
    pages.append(post_section(client, ana_intake, "financial"))

    for response in pages:
        content = text(response)
        assert QUICK_EXIT.search(content), response
        assert "js/quick-exit.js" in content


# --- Partners ------------------------------------------------------------------


def test_it_asks_a_partner_to_agree_to_the_privacy_notice_before_answering(client, couple_intakes):
    _, sam_intake = couple_intakes

    intro = text(get(client, sam_intake))
    assert "I have read the privacy notice" in intro
    assert "neither of you ever sees the other" in intro
    assert get(client, sam_intake, 1)["Location"] == page(sam_intake)
    refused = client.post(page(sam_intake), {})
    assert refused.status_code == 400
    assert "Please agree to the privacy notice" in text(refused)

    agreed = client.post(page(sam_intake), {"consent": "on"})

    assert agreed["Location"] == page(sam_intake, 1)
    sam_intake.refresh_from_db()
    assert sam_intake.consent_at == sam_intake.client.privacy_consent_at == NOW


def test_it_never_shows_partners_each_others_answers(client, couple_intakes):
    ana_intake, sam_intake = couple_intakes
    services.intake_consent_give(intake_id=sam_intake.pk)
    post_section(client, ana_intake, "financial", fin_decisions="much_me", fin_notes=ANA_NOTE)
    post_section(client, sam_intake, "communication", com_topics="much_me", com_notes=SAM_NOTE)

    sam_pages = [text(get(client, sam_intake, n)) for n in range(1, 10)]
    ana_pages = [text(get(client, ana_intake, n)) for n in range(1, 10)]

    assert not any(ANA_NOTE in content for content in sam_pages)
    assert not any(SAM_NOTE in content for content in ana_pages)
    money = number_of(ana_intake, "financial") - 1
    talk = number_of(ana_intake, "communication") - 1
    assert 'value="much_me" checked' in ana_pages[money]
    assert 'value="much_me" checked' not in sam_pages[money]
    assert 'value="much_me" checked' in sam_pages[talk]
    assert 'value="much_me" checked' not in ana_pages[talk]


def test_it_never_hints_at_the_clients_safety_answers_on_the_partners_pages(client, couple_intakes):
    ana_intake, sam_intake = couple_intakes
    fill(ana_intake)
    send(client, ana_intake, safety_afraid="yes")
    fill(sam_intake)

    sam_sent = client.get(send(client, sam_intake)["Location"])

    assert Intake.objects.get(pk=ana_intake.pk).urgent
    assert text(sam_sent) == text(get(client, sam_intake, suffix="done/"))
    assert "support sooner" not in text(sam_sent)


# --- Link guards ---------------------------------------------------------------


def test_it_opens_only_each_links_own_answers(client, ana_intake, assessment):
    ben = ClientFactory(name="Ben", email="ben@example.com")
    ben_booking = BookingFactory(
        session_type=assessment, start_at=TUESDAY_9 + timedelta(hours=1), client=ben
    )
    [ben_intake] = services.intakes_create_for_booking(booking=ben_booking)
    post_section(client, ana_intake, "financial", fin_notes=ANA_NOTE)

    ben_page = text(get(client, ben_intake, number_of(ben_intake, "financial")))
    post_section(client, ben_intake, "financial", fin_decisions="much_partner")

    assert ANA_NOTE not in ben_page
    assert Intake.objects.get(pk=ana_intake.pk).answers["fin_decisions"] == 0
    assert Intake.objects.get(pk=ben_intake.pk).answers["fin_decisions"] == 2


def guessed_paths(intake):
    token = intake_path(intake).split("/")[2]
    return [
        f"/intake/{intake.pk}/",
        f"/intake/{intake.public_id}/",
        f"/intake/{intake.booking.public_id}/",
        f"/intake/{manage_token_make(intake.booking.public_id)}/",  # a manage link's token
        f"/intake/{manage_token_make(intake.public_id)}/",  # right id, wrong salt
        f"/intake/{signing.dumps(str(intake.public_id), salt='assessments.intake', key='guess')}/",
        f"/intake/{token[:-2]}xy/",  # tampered
        f"/intake/{token.replace(':', ':A', 1)}/",
    ]


def test_it_404s_on_guessed_and_tampered_links(client, ana_intake):
    for path in guessed_paths(ana_intake):
        # /intake/<number>/ is a page without a token, which no guess opens.
        assert client.get(path).status_code in (404, 410), path
        assert client.get(path + "2/").status_code == 404, path
        assert client.post(path + "2/", {"action": "next"}).status_code == 404, path
    assert Intake.objects.get().status == Intake.Status.NOT_STARTED


def test_it_404s_on_a_section_that_does_not_exist(client, ana_intake):
    assert get(client, ana_intake, 0).status_code == 404
    assert get(client, ana_intake, 10).status_code == 404


def test_it_expires_links_a_week_after_the_call(client, ana_intake, time_machine):
    url = page(ana_intake, 1)
    time_machine.move_to(ana_intake.booking.end_at + timedelta(days=7))
    assert get(client, ana_intake, 1).status_code == 200

    time_machine.move_to(ana_intake.booking.end_at + timedelta(days=7, seconds=1))
    assert client.get(url).status_code == 404  # a session opened before closes too
    assert client.post(url, {"action": "next"}).status_code == 404
    assert client.get(intake_path(ana_intake)).status_code == 404


def test_it_expires_links_whose_signature_is_too_old(client, ana_intake, time_machine, settings):
    settings.INTAKE_LINK_MAX_AGE_DAYS = 1
    url = intake_path(ana_intake)
    later = timedelta(days=30)
    Booking.objects.filter(pk=ana_intake.booking_id).update(
        start_at=F("start_at") + later,
        end_at=F("end_at") + later,
        blocked_start=F("blocked_start") + later,
        blocked_end=F("blocked_end") + later,
    )

    time_machine.shift(timedelta(days=1, seconds=1))

    assert client.get(url).status_code == 404


def test_it_closes_the_questionnaire_of_a_cancelled_booking(client, ana_intake):
    open_link(client, ana_intake)
    Booking.objects.filter(pk=ana_intake.booking_id).update(status=Booking.Status.CANCELLED)

    response = get(client, ana_intake, 1)

    assert response.status_code == 410
    assert "This questionnaire is closed" in text(response)
    assert client.post(page(ana_intake, 1), {"action": "next"}).status_code == 410
    assert client.get(intake_path(ana_intake)).status_code == 410
    assert Intake.objects.get().status == Intake.Status.NOT_STARTED


# --- The manage page -----------------------------------------------------------


def test_it_links_the_clients_own_questionnaire_from_the_manage_page(client, couple_intakes):
    ana_intake, sam_intake = couple_intakes
    manage = client.get(f"/b/{manage_token_make(ana_intake.booking.public_id)}/")["Location"]

    content = text(client.get(manage))
    assert "Open the questionnaire" in content
    assert f'href="{intake_path(ana_intake)}"' in content
    assert intake_path(sam_intake) not in content

    post_section(client, ana_intake, "context")
    assert "Continue the questionnaire" in text(client.get(manage))

    fill(ana_intake)
    send(client, ana_intake, safety_afraid="yes")
    content = text(client.get(manage))
    assert "your answers to the questionnaire are with Maya Lind" in content
    assert intake_path(ana_intake) not in content
    assert "support" not in content.lower()


def test_it_shows_no_questionnaire_on_a_single_sessions_manage_page(client, single_session, ana):
    booking = BookingFactory(session_type=single_session, start_at=TUESDAY_9, client=ana)

    manage = client.get(f"/b/{manage_token_make(booking.public_id)}/", follow=True)
    assert manage.status_code == 200
    assert "questionnaire" not in text(manage)


# --- Queries ---------------------------------------------------------------------


def count_queries(client, method, url, data=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302), response.status_code
    return len(queries)


def test_it_serves_pages_in_a_fixed_number_of_queries(client, ana_intake):
    number = number_of(ana_intake, "financial")
    data = {**section_post(ana_intake.instrument.sections[number - 1]), "action": "next"}
    open_link(client, ana_intake)

    empty = (count_queries(client, "get", page(ana_intake, number)),)
    fill(ana_intake, **{f"extra_{n}": "x" * 100 for n in range(200)})
    full = (
        count_queries(client, "get", page(ana_intake, number)),
        count_queries(client, "post", page(ana_intake, number), data),
    )

    assert empty == (2,)  # the session; the intake with its booking, practitioner, instrument
    assert full[0] == 2
    assert full[1] == 6  # the session; read; then, in a savepoint, lock and save


def test_it_flags_and_alerts_at_once_when_a_safety_yes_is_saved_unsent(client, ana_intake, maya):
    from notifications.models import OutboundEmail

    maya.support_resources = "Domestic abuse line: 0800 000 0000"
    maya.save()
    fill(ana_intake)

    response = post_section(client, ana_intake, "safety", action="back", safety_afraid="yes")

    intake = Intake.objects.get()
    assert (intake.urgent, intake.urgent_at, intake.status) == (True, NOW, "in_progress")
    [alert] = OutboundEmail.objects.filter(kind="urgent_alert")
    assert (alert.to_email, alert.due_at) == ("maya@example.com", NOW)
    content = text(response)
    assert response.status_code == 200
    assert "Domestic abuse line: 0800 000 0000" in content
    assert "Continue the questionnaire" in content
    assert QUICK_EXIT.search(content)


def test_it_keeps_the_flag_and_alerts_once_when_the_yes_becomes_a_no(client, ana_intake):
    from notifications.models import OutboundEmail

    fill(ana_intake)
    post_section(client, ana_intake, "safety", action="back", safety_afraid="yes")
    post_section(client, ana_intake, "safety", action="back", safety_afraid="no")
    send(client, ana_intake, safety_afraid="no")

    intake = Intake.objects.get()
    assert (intake.urgent, intake.urgent_at, intake.status) == (True, NOW, "completed")
    assert OutboundEmail.objects.filter(kind="urgent_alert").count() == 1


def test_it_shows_support_only_after_the_save_that_said_yes(client, ana_intake, maya):
    maya.support_resources = "Domestic abuse line: 0800 000 0000"
    maya.save()
    fill(ana_intake)
    post_section(client, ana_intake, "safety", action="back", safety_afraid="yes")

    again = post_section(client, ana_intake, "safety", action="back", safety_afraid="yes")

    assert again.status_code == 302
    assert "0800 000 0000" not in text(client.get(again["Location"]))


def test_it_answers_head_like_get_on_the_thank_you_page(client, ana_intake):
    open_link(client, ana_intake)
    response = client.head(page(ana_intake, suffix="done/"))
    assert response.status_code == 302  # not sent yet: back to the start, as for GET
    assert "no-store" in response["Cache-Control"]
