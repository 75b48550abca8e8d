"""The questionnaire pages for an intake on version 2, through Django's test client.

The intakes are given the v2 draft directly (it stays unpublished): v1 intakes
keep their pages, tested unchanged in ``test_views.py``.
"""

import re

import pytest

from assessments import scoring_v2
from assessments.links import intake_path
from assessments.models import Intake

from ..clock import NOW
from ..factories import ClientFactory
from .helpers import section_index, v2_instrument, v2_intake
from .test_views import open_link, remember_device

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

FORMER = "Much more my former partner"
DANGER_TITLE = "A few more questions about your safety"
REFLECTION = "Something to take with you"


@pytest.fixture
def definition(db):
    return v2_instrument().definition


@pytest.fixture
def ana_v2(solo_booking):
    return v2_intake(solo_booking)


@pytest.fixture
def couple_v2(couple_booking):
    sam = ClientFactory(name="Sam Okafor", email="sam@example.com", privacy_consent_at=NOW)
    return (
        v2_intake(couple_booking),
        v2_intake(couple_booking, role=Intake.Role.PARTNER, client=sam, consent_at=NOW),
    )


def number(definition, key):
    return section_index(definition, key) + 1


def get(client, intake, url="/intake/"):
    open_link(client, intake)
    return client.get(url)


def post(client, intake, definition, key, action="next", **answers):
    open_link(client, intake)
    return client.post(f"/intake/{number(definition, key)}/", {**answers, "action": action})


def reopen(client, intake):
    """Open the emailed link again: a new sitting in the same browser."""
    remember_device(client, intake)
    return client.get(intake_path(intake))


def text(response):
    return response.content.decode()


def asked_order(content):
    """Return the item keys of a page's radio questions, in the order the page shows them."""
    return list(dict.fromkeys(re.findall(r'type="radio" name="([a-z_]+)"', content)))


def checked(content):
    return re.findall(r'name="([a-z_]+)" id="[^"]+" value="[^"]+" checked', content)


# --- Wording ---------------------------------------------------------------------


def test_it_words_the_questions_for_the_current_relationship_at_first(client, ana_v2, definition):
    content = text(get(client, ana_v2, f"/intake/{number(definition, 'financial')}/"))

    assert "Who has more say over how money is spent" in content
    assert "Much more my partner" in content
    assert FORMER not in content


def test_it_switches_to_the_past_wording_after_the_context_answer(client, ana_v2, definition):
    post(client, ana_v2, definition, "context", ctx_relationship="ended")

    content = text(client.get(f"/intake/{number(definition, 'financial')}/"))
    choice = text(client.get(f"/intake/{number(definition, 'choice')}/"))

    assert "Who had more say over how money was spent" in content
    assert FORMER in content
    assert "As things were in your most recent relationship".lower() in content.lower()
    assert 'name="choice_ended_by"' in choice
    assert 'name="choice_stance"' not in choice


def test_it_keeps_the_present_wording_when_the_context_is_not_said(client, ana_v2, definition):
    post(client, ana_v2, definition, "context", ctx_relationship="prefer_not")

    content = text(client.get(f"/intake/{number(definition, 'financial')}/"))

    assert Intake.objects.get().answers["ctx_relationship"] == "prefer_not"
    assert "Who has more say over how money is spent" in content


# --- Order -----------------------------------------------------------------------


def test_it_shows_each_partner_their_own_order_and_keeps_it(client, couple_v2, definition):
    ana, sam = couple_v2
    url = f"/intake/{number(definition, 'emotional')}/"
    ana_first = asked_order(text(get(client, ana, url)))
    ana_again = asked_order(text(client.get(url)))
    client.logout()
    sam_order = asked_order(text(get(client, sam, url)))

    section = definition["sections"][section_index(definition, "emotional")]
    seed = str(ana.booking.public_id)
    chosen = [item["key"] for item in section["items"] if item["kind"] != "text"]
    ana_expected = scoring_v2.question_order(section, seed)
    sam_expected = scoring_v2.question_order(section, seed, reverse=True)
    assert ana_first == ana_again == [key for key in ana_expected if key in chosen]
    assert sam_order == [key for key in sam_expected if key in chosen]
    assert ana_first != sam_order
    assert sorted(ana_first) == sorted(sam_order)


def test_it_keeps_the_order_when_the_link_is_opened_again(client, ana_v2, definition):
    url = f"/intake/{number(definition, 'care')}/"
    before = asked_order(text(get(client, ana_v2, url)))
    reopen(client, ana_v2)

    assert asked_order(text(client.get(url))) == before


# --- Every question optional -------------------------------------------------------


def test_it_sends_with_every_question_skipped(client, ana_v2, definition):
    open_link(client, ana_v2)
    url = "/intake/1/"
    for _ in range(len(definition["sections"])):
        content = text(client.get(url))
        action = "send" if 'value="send"' in content else "next"
        response = client.post(url, {"action": action})
        if action == "send":
            break
        url = response["Location"]

    intake = Intake.objects.get()
    assert response.status_code == 200
    assert intake.is_submitted
    assert intake.answers == {}
    assert not intake.urgent


def test_it_offers_rather_not_say_on_personal_questions_only(client, couple_v2, definition):
    ana, _ = couple_v2
    money = text(get(client, ana, f"/intake/{number(definition, 'financial')}/"))
    sharing = text(client.get(f"/intake/{number(definition, 'sharing')}/"))

    assert money.count('value="prefer_not"') == 5  # four balance questions and the impact one
    assert "(optional)" not in money
    assert "You can skip any question" in money
    assert 'value="prefer_not"' not in sharing


def test_it_stores_rather_not_say_as_the_files_value(client, ana_v2, definition):
    post(client, ana_v2, definition, "financial", fin_decisions="prefer_not", fin_impact="3")

    answers = Intake.objects.get().answers
    assert answers == {"fin_decisions": "prefer_not", "fin_impact": 3}
    results = scoring_v2.area_results(definition, answers, name="Ana", partner_name="Sam")
    money = next(result for result in results if result.area == "financial")
    assert money.answered == 0


# --- Pages for couples and for someone alone ----------------------------------------


def test_it_asks_a_couple_about_the_joint_session_privately(client, couple_v2, definition):
    ana, _ = couple_v2
    response = post(client, ana, definition, "care")
    sharing_url = f"/intake/{number(definition, 'sharing')}/"
    first = text(client.get(sharing_url))
    post(client, ana, definition, "sharing", share_financial="yes")
    again = text(client.get(sharing_url))

    assert response["Location"] == sharing_url
    assert "What we talk about together" in first
    assert "<fieldset" in first
    assert "<legend>" in first
    assert Intake.objects.get(pk=ana.pk).answers["share_financial"] == "yes"
    assert checked(again) == []
    assert "You answered this part before" in again


def test_it_skips_the_joint_session_page_for_someone_alone(client, ana_v2, definition):
    response = post(client, ana_v2, definition, "care")
    sharing = client.get(f"/intake/{number(definition, 'sharing')}/")
    refused = post(client, ana_v2, definition, "sharing", share_financial="yes")

    assert response["Location"] == f"/intake/{number(definition, 'safety')}/"
    assert sharing["Location"] == f"/intake/{number(definition, 'safety')}/"
    assert refused.status_code == 404
    assert "share_financial" not in Intake.objects.get().answers


# --- Safety and the danger questions ------------------------------------------------


def test_it_opens_the_danger_page_after_a_yes_to_choking(client, ana_v2, definition):
    response = post(client, ana_v2, definition, "safety", action="send", safety_choking="yes")
    danger = text(client.get(response["Location"]))

    intake = Intake.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/intake/{number(definition, 'danger')}/"
    assert DANGER_TITLE in danger
    assert 'value="send"' in danger
    assert intake.urgent
    assert not intake.is_submitted


def test_it_sends_after_a_no_without_the_danger_page(client, ana_v2, definition):
    response = post(client, ana_v2, definition, "safety", action="send", safety_choking="no")

    assert response.status_code == 200
    assert DANGER_TITLE not in text(response)
    assert Intake.objects.get().is_submitted
    assert client.get(f"/intake/{number(definition, 'danger')}/")["Location"] == "/intake/done/"


def test_it_does_not_open_the_danger_page_without_a_yes_posted_now(client, ana_v2, definition):
    open_link(client, ana_v2)
    danger_url = f"/intake/{number(definition, 'danger')}/"

    assert client.get(danger_url)["Location"] == f"/intake/{number(definition, 'safety')}/"


def test_it_shows_safety_and_danger_blank_when_resumed_and_keeps_the_answers(
    client, ana_v2, definition
):
    post(client, ana_v2, definition, "safety", action="send", safety_choking="yes")
    post(client, ana_v2, definition, "danger", action="back", danger_weapon="yes")
    # Yes again, and the page is closed on the danger questions.
    post(client, ana_v2, definition, "safety", action="send", safety_choking="yes")
    saved = dict(Intake.objects.get().answers)

    reopen(client, ana_v2)
    resumed = client.get("/intake/")
    safety_url = f"/intake/{number(definition, 'safety')}/"
    landing = client.get(resumed["Location"])
    safety = text(client.get(safety_url))
    danger = client.get(f"/intake/{number(definition, 'danger')}/")

    assert saved == {"safety_choking": "yes", "danger_weapon": "yes"}
    assert resumed["Location"] == f"/intake/{number(definition, 'danger')}/"
    assert landing["Location"] == safety_url
    assert checked(safety) == []
    assert DANGER_TITLE not in safety
    assert 'value="send"' in safety  # the same button as for everyone
    assert danger["Location"] == safety_url
    # A blank page keeps the answers, and does not open the danger questions again.
    sent = client.post(safety_url, {"action": "send"})
    assert sent.status_code == 200
    intake = Intake.objects.get()
    assert intake.answers == saved
    assert intake.is_submitted


def test_it_counts_the_danger_page_only_on_itself(client, ana_v2, definition):
    before = text(get(client, ana_v2, f"/intake/{number(definition, 'safety')}/"))
    post(client, ana_v2, definition, "safety", action="send", safety_physical="yes")
    danger = text(client.get(f"/intake/{number(definition, 'danger')}/"))
    after = text(client.get(f"/intake/{number(definition, 'safety')}/"))

    assert "Section 9 of 9" in before  # someone alone: no joint-session page
    assert "Section 10 of 10" in danger
    assert "Section 9 of 9" in after
    assert 'value="send"' in after


def test_it_keeps_danger_answers_when_its_page_is_sent_blank(client, ana_v2, definition):
    post(client, ana_v2, definition, "safety", action="send", safety_choking="yes")
    post(client, ana_v2, definition, "danger", action="back", danger_worse="no")
    post(client, ana_v2, definition, "safety", action="send", safety_choking="yes")
    response = post(client, ana_v2, definition, "danger", action="send")

    intake = Intake.objects.get()
    assert response.status_code == 200
    assert intake.answers["danger_worse"] == "no"
    assert intake.is_submitted


# --- After sending -------------------------------------------------------------------


def test_it_shows_the_reflection_only_in_answer_to_the_send(client, couple_v2, definition):
    ana, _ = couple_v2
    post(client, ana, definition, "financial", fin_impact="4", fin_decisions="much_partner")
    response = post(client, ana, definition, "safety", action="send", safety_choking="no")
    later = text(client.get("/intake/done/"))

    content = text(response)
    assert response.status_code == 200
    assert REFLECTION in content
    assert "money and how it is handled" in content
    assert "What would need to change for money to feel fairer to you?" in content
    assert "Sam" not in content
    assert not re.search(r"\d+ ?%|tilt|score", content, re.IGNORECASE)
    assert "Thank you" in later
    assert REFLECTION not in later
    assert "money and how it is handled" not in later


def test_it_shows_support_not_the_reflection_after_a_safety_yes(client, ana_v2, definition):
    post(client, ana_v2, definition, "financial", fin_impact="4")
    response = post(client, ana_v2, definition, "safety", action="send", safety_afraid="yes")

    content = text(response)
    assert "If you would like support sooner" in content
    assert REFLECTION not in content
    assert Intake.objects.get().urgent


def test_it_shows_support_not_the_reflection_after_a_danger_yes(client, ana_v2, definition):
    post(client, ana_v2, definition, "safety", action="send", safety_choking="yes")
    response = post(client, ana_v2, definition, "danger", action="send", danger_weapon="yes")

    content = text(response)
    assert "If you would like support sooner" in content
    assert REFLECTION not in content


def test_it_forgets_an_opened_danger_page_when_the_session_ends(client, ana_v2, definition):
    post(client, ana_v2, definition, "safety", action="send", safety_choking="yes")
    client.get("/leave/")
    reopen(client, ana_v2)

    danger = client.get(f"/intake/{number(definition, 'danger')}/")
    assert danger["Location"] == f"/intake/{number(definition, 'safety')}/"
