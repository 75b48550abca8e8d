"""Demo text for the practitioner's public profile.

The demo seed applies these to the demo practitioner with ``setattr``; each key is a
``Practitioner`` field. The words are written for a worried person reading on a phone:
short, plain, and promising nothing a real practitioner would have to take back.
"""

DEMO_PROFILE: dict[str, str] = {
    "bio": (
        "I work with people whose lives have been shaped by complex trauma: by "
        "families, groups or partners who held more power than they did. Many of the "
        "people I see have spent years doubting their own sense of what happened. "
        "We start from where you are today, at a pace that suits you."
    ),
    "approach": (
        "Together we look at the patterns that keep repeating, in your relationships "
        "and in yourself, and at who holds the power to choose in them. You stay in "
        "charge of what we talk about and how far we go. We look for small, practical "
        "steps you can take between sessions, and nothing is decided for you."
    ),
    "works_with": "Individuals and couples, online, wherever you live",
    "languages": "English and German",
    "confidentiality_note": (
        "What you tell me stays between us, unless someone's life is in danger."
    ),
    "free_call_note": (
        "A free call of about 20 minutes, by video. You can tell me a little about "
        "what brings you, ask anything about how I work, and we see together "
        "whether I am the right person to help. Before the call you answer a short "
        "questionnaire; if you come as a couple, each of you answers it privately. "
        "There is no obligation to book anything afterwards."
    ),
}
