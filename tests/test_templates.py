"""Client pages' templates keep to the strict Content-Security-Policy.

The policy refuses inline scripts, inline event handlers and inline styles on
every client page; a template that used one would break in the browser, not
here, so this reads them all. The office's templates (admin/) may use inline
styles under its own policy, but no inline scripts; emails are not web pages.
"""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)


def templates(*, office: bool) -> list[Path]:
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        part = path.relative_to(TEMPLATES).parts[0]
        if part != "emails" and (part == "admin") == office:
            found.append(path)
    return found


def test_it_finds_the_templates():
    assert len(templates(office=False)) > 10
    assert templates(office=True)


def test_it_keeps_client_pages_free_of_inline_scripts_and_styles():
    for path in templates(office=False):
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, INLINE_STYLE):
            assert not pattern.search(text), f"{path.relative_to(TEMPLATES)}: {pattern.pattern}"


def test_it_keeps_the_office_free_of_inline_scripts():
    for path in templates(office=True):
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER):
            assert not pattern.search(text), f"{path.relative_to(TEMPLATES)}: {pattern.pattern}"
