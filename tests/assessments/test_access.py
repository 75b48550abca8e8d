"""Who may open a questionnaire: the emailed link exchanged for a session, codes, private pages.

Ana answers on her own phone (``client``). Someone else who opens her email
on another device (``stranger``, a fresh browser) must not see her answers.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client

from assessments import access
from assessments.links import intake_path
from assessments.models import Intake
from notifications import delivery

from ..clock import NOW
from .test_views import (
    ANA_NOTE,
    get,
    number_of,
    open_link,
    page,
    post_section,
    text,
)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

ENDED = "Please open the link in your email again"
LEAVING = "I have decided to leave"


def emails_sent() -> list:
    before = len(mail.outbox)
    for email_id in delivery.outbox_claim_due():
        delivery.outbox_send(email_id)
    return mail.outbox[before:]


def code_emails() -> list:
    """Send what is due; return the one-time code emails among it."""
    return [message for message in emails_sent() if message.subject == "Your one-time code"]


def code_in(message) -> str:
    [code] = re.findall(r"^(\d{6})$", message.body, re.MULTILINE)
    return code


def emailed_code() -> str:
    [message] = code_emails()
    return code_in(message)


@pytest.fixture
def answered(client, ana_intake):
    """Ana has saved some answers on her phone, private ones among them."""
    post_section(client, ana_intake, "financial", fin_notes=ANA_NOTE)
    post_section(client, ana_intake, "choice", choice_stance="decided_to_leave")
    post_section(client, ana_intake, "safety", action="back", safety_afraid="yes")
    return Intake.objects.get()


@pytest.fixture
def stranger():
    return Client()


# --- Finding 3: whoever opens the email --------------------------------------------------


def test_it_asks_a_new_browser_for_a_code_and_shows_no_answers(answered, stranger):
    opened = stranger.get(intake_path(answered))

    assert opened.status_code == 302
    assert opened["Location"] == "/intake/code/"
    form = text(stranger.get(opened["Location"]))
    assert "Please type the code from your email" in form
    for path in ["/intake/", *(page(answered, n) for n in range(1, 10)), "/intake/done/"]:
        content = text(stranger.get(path))
        assert ANA_NOTE not in content, path
        assert LEAVING not in content, path
    assert ANA_NOTE not in form
    assert access.DEVICE_COOKIE not in stranger.cookies


def test_it_emails_the_code_to_the_person_and_opens_the_pages_with_it(answered, stranger):
    stranger.get(intake_path(answered))

    [message] = code_emails()
    code = code_in(message)
    assert message.to == ["ana@example.com"]
    assert ANA_NOTE not in message.body

    entered = stranger.post("/intake/code/", {"code": code})

    assert entered.status_code == 302
    assert entered["Location"] == "/intake/"
    money = text(stranger.get(page(answered, number_of(answered, "financial"))))
    assert ANA_NOTE in money
    cookie = stranger.cookies[access.DEVICE_COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    # This browser is known now: the link opens without another code.
    stranger.session.flush()
    assert stranger.get(intake_path(answered))["Location"] == "/intake/"
    assert code_emails() == []


def test_it_locks_the_code_after_five_wrong_tries(answered, stranger, time_machine):
    stranger.get(intake_path(answered))
    code = emailed_code()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    tries = [stranger.post("/intake/code/", {"code": wrong}) for _ in range(5)]
    right = stranger.post("/intake/code/", {"code": code})

    assert [response.status_code for response in tries] == [400] * 5
    assert "You can try 4 more times" in text(tries[0])
    assert "You can try 1 more time." in text(tries[3])
    assert "too many times" in text(tries[4])
    assert right.status_code == 400
    assert "too many times" in text(right)
    assert stranger.get(page(answered, 1)).status_code == 410
    # Opening the link again while locked sends nothing; ten minutes later, a new code.
    stranger.get(intake_path(answered))
    assert code_emails() == []
    time_machine.shift(timedelta(minutes=10))
    stranger.get(intake_path(answered))
    assert stranger.post("/intake/code/", {"code": emailed_code()}).status_code == 302


def test_it_opens_without_a_code_before_anything_is_saved(ana_intake, stranger):
    opened = stranger.get(intake_path(ana_intake))

    assert opened["Location"] == "/intake/"
    assert "A few questions before we talk" in text(stranger.get("/intake/"))
    assert access.DEVICE_COOKIE in stranger.cookies
    assert emails_sent() == []


def test_it_never_shows_private_answers_when_resuming(client, answered, definition):
    choice = text(get(client, answered, number_of(answered, "choice")))
    safety = text(get(client, answered, number_of(answered, "safety")))
    money = text(get(client, answered, number_of(answered, "financial")))

    for content in (choice, safety):
        assert "You answered this part before; your answers are kept." in content
        assert " checked" not in content
    assert 'value="decided_to_leave"' in choice  # offered, never ticked
    assert ANA_NOTE in money  # other pages resume as before
    assert "You answered this part before" not in money


def test_it_keeps_private_answers_sent_back_blank(client, answered, definition):
    index = number_of(answered, "choice") - 1
    blank = {item["key"]: "" for item in definition["sections"][index]["items"]}

    response = client.post(page(answered, index + 1), {**blank, "action": "next"})

    intake = Intake.objects.get()
    assert response.status_code == 302
    assert intake.answers["choice_stance"] == "decided_to_leave"
    assert intake.answers["safety_afraid"] == "yes"
    assert intake.urgent is True


# --- The session ------------------------------------------------------------------------


def stamp_of(content: str) -> str:
    [stamp] = re.findall(r'name="intake_form" value="([^"]+)"', content)
    return stamp


def test_it_keeps_the_session_while_used_and_ends_it_after_two_idle_hours(
    client, ana_intake, time_machine
):
    assert "stays open for 2 hours while you use it" in text(get(client, ana_intake))

    time_machine.shift(timedelta(hours=1, minutes=59))
    assert client.get(page(ana_intake, 1)).status_code == 200
    time_machine.shift(timedelta(hours=1, minutes=59))
    assert client.get(page(ana_intake, 2)).status_code == 200
    time_machine.shift(timedelta(hours=2, seconds=1))
    ended = client.get(page(ana_intake, 2))

    assert ended.status_code == 410
    assert ENDED in text(ended)


def test_it_saves_answers_posted_after_the_session_ended(client, ana_intake, time_machine):
    number = number_of(ana_intake, "financial")
    stamp = stamp_of(text(get(client, ana_intake, number)))
    time_machine.shift(timedelta(hours=3))

    response = client.post(
        page(ana_intake, number),
        {"fin_decisions": "much_me", "fin_notes": ANA_NOTE, "action": "next", "intake_form": stamp},
    )

    content = text(response)
    assert response.status_code == 200
    assert "Your answers are saved. To continue, open the link in your email again." in content
    assert ANA_NOTE not in content
    intake = Intake.objects.get()
    assert (intake.answers["fin_decisions"], intake.answers["fin_notes"]) == (-2, ANA_NOTE)
    assert client.get(page(ana_intake, number)).status_code == 410


def test_it_refuses_a_post_without_a_session_or_a_valid_stamp(client, ana_intake):
    number = number_of(ana_intake, "financial")
    data = {"fin_decisions": "much_me", "action": "next"}

    for stamp in ("", "forged:value", access.form_stamp(ana_intake) + "x"):
        response = client.post(page(ana_intake, number), {**data, "intake_form": stamp})
        assert response.status_code == 410
        assert ENDED in text(response)
    assert Intake.objects.get().answers == {}


def test_it_never_redirects_or_links_to_the_token_after_the_exchange(client, ana_intake):
    token = intake_path(ana_intake).split("/")[2]
    responses = [client.get(intake_path(ana_intake))]
    responses += [client.get("/intake/")]
    responses += [client.get(page(ana_intake, n)) for n in range(1, 10)]
    responses.append(post_section(client, ana_intake, "financial", fin_notes=ANA_NOTE))
    responses.append(post_section(client, ana_intake, "financial", fin_decisions="nope"))
    responses.append(client.get("/intake/"))
    responses.append(client.get(page(ana_intake, 1, "?check=1")))
    responses.append(client.get("/leave/"))
    # A second browser, through the code.
    stranger = Client()
    responses.append(stranger.get(intake_path(ana_intake)))
    responses.append(stranger.get("/intake/code/"))
    responses.append(stranger.post("/intake/code/", {"code": emailed_code()}))

    for response in responses:
        assert token not in response.get("Location", ""), response
        assert token not in text(response), response
    assert open_link(client, ana_intake) is not None  # the emailed link still works
