"""The browser's part: the time per change on the loop section (500 fields) of the report with
conditions, beside the same change on the report without, in Debian's Chromium driven by
Playwright, against gunicorn with the production settings.

Each change is a click on a radio button of one species: its yes/no gate (which shows or hides
the chain of three questions behind it) or the single choice a "required when" reads (which
shows or hides the "(required)" marker), in turn over the 50 species. A click fires `input` and
`change`, whose handlers (reporting.js recomputes relevance on each, autosave.js and htmx take
note) run before `click()` returns: "handlers" is that time, "layout" adds the style and layout
the browser does for it (read back at once), "frame" the wait for the next animation frame
(about 16.7 ms a frame at 60 Hz, so it says whether the change fits in the frame it is made in).
"relevance()" is the part of the handlers spent in `CMSConditions.relevance` (timed by wrapping
it). On the report with conditions each change is checked: the gate's first question hidden
after "No", shown after "Yes"; the marker shown after option 1 only. Saves are not sent (the
page's POSTs are answered 204 by the browser itself).
"""

from __future__ import annotations

import statistics
from pathlib import Path

from bench import generate, reporting, server
from bench.relevance.data import CONDITIONAL, PLAIN, TAXA, Subject, loop_code, nfp, subjects

CHANGES = 240
BLOCK = 40  # changes on one page before the other page takes its turn
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package, never downloaded
CHROMIUM_ARGS = [  # as tests/e2e/helpers.py
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
FIELDS_ON_PAGE = 10 * TAXA

CHANGE_SCRIPT = """
async ({start, count, check, gate, chained, choice, marked}) => {
  const C = window.CMSConditions;
  if (!C.benchTimed) {
    const inner = C.relevance;
    C.benchSpent = 0;
    C.relevance = function (nodes, lookup) {
      const began = performance.now();
      try { return inner(nodes, lookup); } finally { C.benchSpent += performance.now() - began; }
    };
    C.benchTimed = true;
  }
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  const form = document.getElementById("section-form");
  const keys = Array.from(form.querySelectorAll('.question[data-code="' + gate + '"]'))
    .map((question) => question.getAttribute("data-key"));
  const out = [];
  for (let i = start; i < start + count; i++) {
    const onGate = i % 2 === 0;
    const key = keys[Math.floor(i / 2) % keys.length];
    const name = (onGate ? gate : choice) + "@" + key;
    const inputs = Array.from(form.querySelectorAll('input[name="' + CSS.escape(name) + '"]'));
    const now = (inputs.find((input) => input.checked) || {}).value;
    const wanted = onGate ? (now === "no" ? "yes" : "no")
      : (now === "option-1" ? "option-2" : "option-1");
    const input = inputs.find((candidate) => candidate.value === wanted);
    await frame();
    C.benchSpent = 0;
    const began = performance.now();
    input.click();
    const handled = performance.now();
    void form.offsetHeight;
    const laidOut = performance.now();
    await frame();
    const framed = performance.now();
    let right = null;
    if (check) {
      const at = '[data-key="' + CSS.escape(key) + '"]';
      if (onGate) {
        const question = form.querySelector('.question[data-code="' + chained + '"]' + at);
        right = question.hidden === (wanted === "no");
      } else {
        const marker = form.querySelector(
          '.question[data-code="' + marked + '"]' + at + ' .required[data-when]');
        right = Boolean(marker) && marker.hidden === (wanted !== "option-1");
      }
    }
    out.push([handled - began, laidOut - began, framed - began, C.benchSpent, right]);
  }
  return out;
}
"""


def unavailable() -> str:
    """Why the browser's part cannot run here, or "" when it can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: install Debian's chromium package to measure the browser"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (a dev dependency: `make install`)"
    return ""


def measure(changes: int = CHANGES) -> dict:
    """Time per change on each loop section, medians over `changes` changes each."""
    reason = unavailable()
    if reason:
        return {"skipped": reason}
    from django.contrib.sessions.models import Session

    found = subjects()
    env = server.production_env(generate.database_url())
    floor = server.collectstatic(env)
    session = reporting.signed_in_session(nfp(), env["DJANGO_SECRET_KEY"])
    try:
        config = server.ServerConfig(workers=1, threads=2, clients=2)
        with server.serve(env, config, ready_path=floor) as (port, _group):
            samples, versions = _drive(port, session, found, changes)
    finally:
        Session.objects.filter(session_key=session).delete()
    return {
        "changes": changes,
        "fields": FIELDS_ON_PAGE,
        "chromium": versions,
        "pages": {slug: _summary(rows) for slug, rows in samples.items()},
        "ratio": _ratio(samples),
    }


def _drive(port: int, session: str, found: dict[str, Subject], changes: int):
    arguments = {
        "gate": loop_code(1),
        "chained": loop_code(3),
        "choice": loop_code(7),
        "marked": loop_code(8),
    }
    from playwright.sync_api import Error as PlaywrightError

    try:
        return _changes(port, session, found, changes, arguments)
    except PlaywrightError as error:
        raise RuntimeError(f"the browser's part: {error}") from error


def _changes(port, session, found, changes, arguments):
    from playwright.sync_api import sync_playwright

    base = f"http://{server.HOST}:{port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            pages = {}
            for slug in (PLAIN, CONDITIONAL):
                context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en")
                context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
                context.route(
                    "**/*",
                    lambda route: (
                        route.fulfill(status=204)
                        if route.request.method == "POST"
                        else route.continue_()
                    ),
                )
                page = context.new_page()
                page.goto(base + found[slug].loop_path, wait_until="load")
                shown = page.locator('input[name$="#present"]').count()
                if shown != FIELDS_ON_PAGE:
                    raise RuntimeError(f"{slug}: {shown} fields on the loop page, not 500")
                pages[slug] = page
            samples: dict[str, list] = {slug: [] for slug in pages}
            for start in range(0, changes, BLOCK):
                for slug, page in pages.items():
                    count = min(BLOCK, changes - start)
                    given = {**arguments, "start": start, "count": count}
                    samples[slug] += page.evaluate(
                        CHANGE_SCRIPT, {**given, "check": slug == CONDITIONAL}
                    )
            versions = browser.version
        finally:
            browser.close()
    wrong = [n for n, row in enumerate(samples[CONDITIONAL]) if row[4] is False]
    if wrong:
        raise RuntimeError(f"relevance not updated after changes {wrong[:10]} of the loop page")
    return samples, versions


def _summary(rows: list) -> dict:
    def column(index: int) -> dict:
        values = sorted(row[index] for row in rows)
        return {
            "median": round(statistics.median(values), 3),
            "p90": round(values[int(len(values) * 0.9) - 1], 3),
            "max": round(values[-1], 3),
        }

    return {
        "handlers_ms": column(0),
        "layout_ms": column(1),
        "frame_ms": column(2),
        "relevance_ms": column(3),
        "checked": sum(1 for row in rows if row[4] is True),
    }


def _ratio(samples: dict[str, list]) -> float | None:
    plain = statistics.median(row[1] for row in samples[PLAIN])
    with_conditions = statistics.median(row[1] for row in samples[CONDITIONAL])
    return round(with_conditions / plain, 2) if plain else None
