"""Answers for tests: complete sets, as stored and as a browser posts them."""

from assessments import scoring

# What a calm, complete respondent answers, per kind: (form value, stored value).
ANSWERS_BY_KIND = {
    "balance": ("equal", 0),
    "impact": ("1", 1),
    "strength": ("3", 3),
    "safety": ("no", "no"),
}


def stored_answers(definition, **overrides):
    """Return a complete, valid set of stored answers; overrides by item key."""
    answers = {}
    for item in scoring.iter_items(definition):
        if item["kind"] in ANSWERS_BY_KIND:
            answers[item["key"]] = ANSWERS_BY_KIND[item["kind"]][1]
        elif item["kind"] == "single":
            answers[item["key"]] = item["choices"][0][0]
    answers.update(overrides)
    return {key: value for key, value in answers.items() if value is not None}


def section_post(section, **overrides):
    """Return the form a browser posts for a section answered calmly; overrides by key."""
    data = {}
    for item in section["items"]:
        if item["kind"] in ANSWERS_BY_KIND:
            data[item["key"]] = ANSWERS_BY_KIND[item["kind"]][0]
        elif item["kind"] == "single":
            data[item["key"]] = item["choices"][0][0]
        else:
            data[item["key"]] = ""
    data.update(overrides)
    return data


def as_submitted(data):
    """Return posted form data as the service receives it: a list of values per key."""
    return {key: value if isinstance(value, list) else [value] for key, value in data.items()}


def section_index(definition, key):
    return next(i for i, s in enumerate(definition["sections"]) if s["key"] == key)


def v2_instrument():
    """Return the v2 draft, as loaded; tests give intakes to it without publishing it."""
    from assessments.models import Instrument

    return Instrument.objects.get(slug="power-balance", version=2)


def v2_intake(booking, *, role="client", client=None, consent_at=None):
    """Create a questionnaire on the v2 draft for a booking, as the receiver would for v1."""
    from assessments.models import Intake

    return Intake.objects.create(
        booking=booking,
        client=client or booking.client,
        instrument=v2_instrument(),
        role=role,
        consent_at=consent_at or booking.client.privacy_consent_at,
    )
