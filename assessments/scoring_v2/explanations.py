"""How each figure is worked out, in a few plain sentences for the practitioner.

The report shows these beside the figures they explain. They are written for
someone who reads people, not formulas; the docstrings hold the exact rules.
"""

EXPLANATIONS: dict[str, str] = {
    "coverage": (
        "How many of the area's balance questions the person answered. "
        "Skipped questions and “I'd rather not say” are not counted. "
        "With fewer than half answered, the area shows “not enough answers” instead of a figure, "
        "because one answer cannot speak for a whole area."
    ),
    "tilt": (
        "How strongly the person feels the balance tips in this area, from 0 (everything "
        "about equal) to 100 (every answer at a far end). "
        "It does not say which way: “much more me” and “much more my partner” both count "
        "as strong, so opposite answers never cancel out."
    ),
    "direction": (
        "Whether the tilt goes one way or both ways. "
        "“One way” means every answer that is not “about equal” puts the advantage with the "
        "same person (more say for one, or more of the load for the other). "
        "“Both ways” means some answers favour one person and some the other. "
        "“Balanced” means every answer was “about equal”."
    ),
    "say_and_load": (
        "Two separate lines, in the person's own view: who holds more say or resources "
        "(money, time, influence, an easier way out), and who carries more of the work "
        "and load. Carrying more is a burden, not an advantage."
    ),
    "impact": (
        "How much this area weighs on the person, in their own words, from “not at all” "
        "to “very much”. It orders the flags; it never hides one."
    ),
    "flags": (
        "Every answer at the far end of its scale, whether or not the person said it weighs "
        "on them: people who minimise or keep the peace often rate impact low. "
        "The areas that weigh most come first. A flag is something to explore, not a finding."
    ),
    "care_practices": (
        "The four care practices (honest conversations, shared decisions, a fair share of "
        "the work, respect and support), each read on its own. "
        "A practice is a strength when its statements are true “often” or more on average, "
        "and a growth area below that. If none of its statements were answered, it says "
        "“not answered”."
    ),
    "keeping_the_peace": (
        "Shown only when every balance answer is “about equal”, every care statement is "
        "“almost always” and nothing weighs on the person at all. "
        "Relationships are rarely that even, and this can be how someone stays safe. "
        "It is worth checking gently; it is not a score and the client never sees it."
    ),
    "safety": (
        "Yes, no or skipped. A skipped question, or “I'd rather not say”, is shown as "
        "skipped, never as no. Any yes puts the safety answers first in the report. "
        "A yes to choking or strangling, or to being physically hurt, opens a short set of "
        "danger questions in the same sitting; those answers come first of all. "
        "They are not a risk score: please use them to guide a proper safety conversation."
    ),
    "couple": (
        "Only the areas both partners agreed may be raised together are compared; any other "
        "area is left out entirely. The gap runs from 0 (they see each question the same) "
        "to 100 (opposite far ends), question by question, so it is not fooled by answers "
        "that cancel. A disagreement is a question where they point at different people."
    ),
    "rounds": (
        "How the tilt in each area moved between rounds of the questionnaire. "
        "A round with not enough answers in an area is named, and no change is worked out "
        "across it."
    ),
}
