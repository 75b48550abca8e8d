"""Accessibility checks for the browser tests: axe-core, run inside the page under test.

Every page a person sees should pass axe-core with no serious or critical
violation (STYLE.md). axe-core comes from npm (package.json; `make install` runs
`npm ci`) and is injected with ``page.evaluate``, to which the pages'
Content-Security-Policy does not apply, where a script tag would be refused.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

AXE_PATH = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")
NODES_SHOWN = 3

# Violations allowed in the office, each with its reason: page path, axe rule, and the
# part of the page (a CSS selector). None at present; client pages never get one.
OFFICE_ALLOWED: dict[tuple[str, str, str], str] = {}

# Each rule's nodes, less those in a part of the page ``allowed`` (pairs of rule and selector).
RUN_AXE = """async (allowed) => {
  const inAllowedPart = (rule, node) => allowed.some(([id, part]) =>
    id === rule.id && node.target.length === 1 &&
    document.querySelector(node.target[0])?.closest(part));
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map((rule) => ({
    id: rule.id,
    impact: rule.impact,
    help: rule.help,
    targets: rule.nodes.filter((node) => !inAllowedPart(rule, node))
      .map((node) => node.target.join(" ")),
  }));
}"""

# Resolves once a timer has fired: never in a page with JavaScript off, where axe.run would
# wait forever.
TIMERS_RUN = "() => new Promise((resolve) => setTimeout(() => resolve(true), 0))"


def serious_violations(page, source: str) -> list[str]:
    """Run axe-core on the page and describe each serious or critical violation in a line."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        page.wait_for_function(TIMERS_RUN, timeout=2_000)
    except PlaywrightTimeoutError:
        pytest.fail(f"axe-core needs JavaScript on; it is off for {page.url}")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(source)
    path = urlsplit(page.url).path
    allowed = [[rule, part] for where, rule, part in OFFICE_ALLOWED if re.search(where, path)]
    found = []
    for rule in page.evaluate(RUN_AXE, allowed):
        if rule["impact"] not in SERIOUS or not rule["targets"]:
            continue
        shown = ", ".join(rule["targets"][:NODES_SHOWN])
        more = len(rule["targets"]) - NODES_SHOWN
        found.append(
            f"{rule['id']} ({rule['impact']}): {rule['help']}, at {shown}"
            + (f" and {more} more" if more > 0 else "")
        )
    return found


def assert_accessible(page, source: str) -> None:
    """Fail the test if the page has a serious or critical accessibility violation."""
    found = serious_violations(page, source)
    assert not found, f"Accessibility violations on {page.url}:\n" + "\n".join(found)
