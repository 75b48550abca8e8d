"""Draft and published questionnaire versions: only a published one reaches a client."""

import json
from datetime import timedelta

import pytest

from assessments import preview, services
from assessments.models import Instrument

from ..clock import NOW, TUESDAY_9
from ..factories import BookingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


@pytest.fixture
def draft(db):
    return Instrument.objects.get(slug="power-balance", version=2)


def book(assessment, hours: int):
    return BookingFactory(session_type=assessment, start_at=TUESDAY_9 + timedelta(hours=hours))


def test_it_never_gives_a_draft_to_a_new_questionnaire(draft, couple_booking):
    assert draft.is_draft

    intakes = services.intakes_create_for_booking(booking=couple_booking)

    assert [intake.instrument.version for intake in intakes] == [1, 1]
    assert Instrument.objects.current("power-balance").version == 1


def test_it_gives_the_published_version_to_new_questionnaires_only(draft, ana_intake, assessment):
    services.instrument_publish(instrument_id=draft.pk, now=NOW)

    [new] = services.intakes_create_for_booking(booking=book(assessment, 3))
    assert new.instrument == draft
    ana_intake.refresh_from_db()
    assert ana_intake.instrument.version == 1
    draft.refresh_from_db()
    assert draft.published_at == NOW


def test_it_refuses_to_publish_twice(draft):
    services.instrument_publish(instrument_id=draft.pk, now=NOW)

    with pytest.raises(services.InstrumentPublishError, match="already published"):
        services.instrument_publish(instrument_id=draft.pk, now=NOW + timedelta(hours=1))
    draft.refresh_from_db()
    assert draft.published_at == NOW


def test_it_never_takes_the_live_version_backwards(draft):
    newer = Instrument.objects.create(
        slug="power-balance",
        version=3,
        title="Newer",
        definition={**draft.definition, "version": 3},
        published_at=NOW,
    )

    with pytest.raises(services.InstrumentPublishError, match="older than the live version"):
        services.instrument_publish(instrument_id=draft.pk, now=NOW)
    assert Instrument.objects.current("power-balance") == newer
    assert Instrument.objects.get(pk=draft.pk).is_draft


def test_it_says_when_no_version_is_published(draft):
    Instrument.objects.filter(version=1).update(published_at=None)

    with pytest.raises(Instrument.DoesNotExist, match="published"):
        Instrument.objects.current("power-balance")


def test_it_marks_versions_loaded_before_drafts_existed_as_published(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("assessments.migrations.0008_instrument_published_at")
    Instrument.objects.update(published_at=None)

    migration.published_at_fill(apps, None)

    assert all(i.published_at == i.loaded_at for i in Instrument.objects.all())


# --- The read-through (assessments/preview.py) ----------------------------------


def test_it_previews_every_page_and_every_question_in_order(draft):
    pages = preview.instrument_preview(draft.definition)

    sections = draft.definition["sections"]
    assert [page.title for page in pages] == [section["title"] for section in sections]
    for page, section in zip(pages, sections, strict=True):
        assert [q.text for q in page.questions] == [item["text"] for item in section["items"]]
    numbers = [q.number for page in pages for q in page.questions]
    assert numbers == list(range(1, 79))


def test_it_shows_the_words_for_a_past_relationship_where_they_differ(draft):
    pages = {page.key: page for page in preview.instrument_preview(draft.definition)}

    length = pages["context"].questions[1]
    assert length.text == "How long have you been together?"
    [past] = length.alternatives
    assert past.text == "How long were you together?"
    assert past.label == "For someone answering about a past relationship"
    assert not pages["context"].questions[0].alternatives  # same words: nothing repeated
    balance = pages["financial"].questions[0]
    assert "Much more my former partner" in balance.alternatives[0].options
    assert "Much more my partner" in balance.options


def test_it_says_who_sees_the_pages_not_everyone_sees(draft):
    pages = {page.key: page for page in preview.instrument_preview(draft.definition)}

    assert any("Someone coming alone skips this page" in note for note in pages["sharing"].notes)
    assert any(note.startswith("Opens only after a yes to") for note in pages["danger"].notes)
    stance, ended_by = pages["choice"].questions[:2]
    assert stance.note == "Asked only of someone in a relationship now."
    assert ended_by.note == "Asked only of someone answering about a past relationship."


def test_it_builds_the_alert_and_reflection_examples(draft):
    safety = preview.safety_example(draft.definition)
    assert safety.urgent
    assert safety.lines[0].section == "danger"

    example = preview.reflection_example(draft.definition)
    assert example is not None
    assert example.reflection.weighs_most == [
        "money and how it is handled",
        "the everyday work of home, care and feelings",
    ]
    assert example.answers_described[0] == "Money: “Quite a lot”"


def test_it_previews_v1_without_a_reflection():
    definition = json.loads((services.INSTRUMENTS_DIR / "power_balance_v1.json").read_text())

    assert len(preview.instrument_preview(definition)) == len(definition["sections"])
    assert preview.reflection_example(definition) is None
    assert not preview.is_scored_by_v2(definition)
