"""Score the power-balance questionnaire, version 2. Pure Python, no Django.

Version 1 (``assessments.scoring``) keeps scoring version 1's answers as it
always has. Version 2 fixes what v1's numbers could hide:

* Opposite answers no longer cancel: ``tilt`` says how strongly the balance
  tips, ``direction`` says whether it tips one way or both ways.
* Every area shows how many of its questions were answered; below half it is
  "not enough answers", not a score.
* Far-end answers are flagged on their own; impact orders them.
* Say and load are told apart: every line says who holds more say or
  resources and, separately, who carries more.
* The four care practices are read one by one, not as one mean.
* Skipped safety questions are "skipped", never "no"; the danger questions
  come first.

The instrument is the dict from ``instruments/power_balance_v2.json``
(see docs/questionnaire-v2.md for every key). Its items use v1's kinds and
answer values, so v1's ``clean_answer`` and ``validate_answers`` accept them.
``EXPLANATIONS`` says in plain words how each figure is worked out.
"""

from .areas import (
    NOT_ENOUGH,
    WORTH_CHECKING,
    AreaResult,
    Flag,
    PeaceCheck,
    PracticeResult,
    area_results,
    care_practices,
    far_end_flags,
    keeping_the_peace,
    observations,
)
from .couples import CoupleArea, couple_comparison, shared_areas
from .explanations import EXPLANATIONS
from .instrument import (
    AREA_LABELS,
    AREAS,
    PRACTICE_LABELS,
    PRACTICES,
    answer_options,
    is_asked,
    question_order,
    relationship_context,
    section_shown,
    wording_for,
)
from .reflection import Reflection, reflection_for
from .rounds import AreaChange, area_changes
from .safety import SafetyLine, SafetyResult, safety_result, safety_state

__all__ = [
    "AREAS",
    "AREA_LABELS",
    "EXPLANATIONS",
    "NOT_ENOUGH",
    "PRACTICES",
    "PRACTICE_LABELS",
    "WORTH_CHECKING",
    "AreaChange",
    "AreaResult",
    "CoupleArea",
    "Flag",
    "PeaceCheck",
    "PracticeResult",
    "Reflection",
    "SafetyLine",
    "SafetyResult",
    "answer_options",
    "area_changes",
    "area_results",
    "care_practices",
    "couple_comparison",
    "far_end_flags",
    "is_asked",
    "keeping_the_peace",
    "observations",
    "question_order",
    "reflection_for",
    "relationship_context",
    "safety_result",
    "safety_state",
    "section_shown",
    "shared_areas",
    "wording_for",
]
