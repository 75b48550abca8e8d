"""The apps depend one way; import-linter must catch an import that runs upwards."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
PACKAGES = (
    "practice",
    "office",
    "staff",
    "assessments",
    "booking",
    "clients",
    "notifications",
    "lib",
)


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(tree), "PATH": str(Path(sys.executable).parent)},
    )


@pytest.fixture
def tree(tmp_path) -> Path:
    """Copy the apps' Python files and the contract, so a test can add a bad import."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_it_keeps_the_apps_in_one_direction(tree):
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "upward"),
    [
        ("clients/models.py", "import booking.models"),
        ("booking/services.py", "import assessments.services"),
        ("notifications/services.py", "import clients.models"),
        ("assessments/services.py", "import office.admin"),
        ("lib/hooks.py", "import notifications.models"),
    ],
)
def test_it_fails_on_an_import_that_runs_upward(tree, module, upward):
    path = tree / module
    path.write_text(path.read_text() + f"\n{upward}  # deliberately wrong\n")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
