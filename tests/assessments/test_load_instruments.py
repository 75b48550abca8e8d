"""manage.py load_instruments: idempotent, and loud when a used version would change."""

import json
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from assessments.services import INSTRUMENTS_DIR

from ..factories import IntakeFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("load_instruments", *args, stdout=out)
    return out.getvalue()


def test_it_says_what_it_loaded(instrument):
    assert run() == "power-balance v1: unchanged\npower-balance v2: unchanged\n"


def test_it_refuses_to_change_a_version_with_answers(solo_booking, tmp_path):
    IntakeFactory(booking=solo_booking)
    shutil.copy(INSTRUMENTS_DIR / "power_balance_v1.json", tmp_path)
    path = tmp_path / "power_balance_v1.json"
    definition = json.loads(path.read_text(encoding="utf-8"))
    definition["sections"][1]["items"][0]["text"] = "Who decides about money?"
    path.write_text(json.dumps(definition), encoding="utf-8")

    with pytest.raises(CommandError, match="already has answers"):
        run("--directory", str(tmp_path))


def test_it_refuses_a_file_that_is_not_json(tmp_path):
    (tmp_path / "broken_v1.json").write_text("{", encoding="utf-8")

    with pytest.raises(CommandError, match="Expecting"):
        run("--directory", str(tmp_path))
