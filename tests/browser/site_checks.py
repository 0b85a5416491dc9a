"""The checks the browser tests run on a loaded page, as plain functions (shared by the tests of the
real site and by their self-check on a deliberately broken page, tests/browser/test_site_checks_fail.py).

Each takes a Playwright ``Page`` that shows the page to check.
"""

from __future__ import annotations

from familiensite.theme import luminance
from tests.browser.harness import WCAG_TAGS, axe_source

OVERFLOW_JS = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  // Elements sticking out to the right, unless a scroll container (e.g. a wide table) holds them.
  const clipped = (e) => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true; } return false; };
  const culprits = [...document.body.querySelectorAll('*')]
    .filter(e => e.getBoundingClientRect().right > width + 1 && !clipped(e))
    .slice(0, 5)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
               + ' (right edge ' + Math.round(e.getBoundingClientRect().right) + ' px)');
  return { scrollWidth: root.scrollWidth, clientWidth: width, innerWidth: window.innerWidth, dpr: window.devicePixelRatio, culprits };
}"""

ACTIVE_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const r = e.getBoundingClientRect();
  return { tag: e.tagName.toLowerCase(), id: e.id, cls: typeof e.className === 'string' ? e.className : '',
           href: e.getAttribute('href'), text: (e.textContent || '').trim().slice(0, 60),
           inViewport: r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth,
           inMain: !!e.closest('main') };
}"""

DISPLAY_JS = """(selectors) => Object.fromEntries(selectors.map(s => {
  const e = document.querySelector(s);
  return [s, e ? getComputedStyle(e).display : 'missing'];
}))"""

#: axe-core started without waiting for it (``axe_start``), so that its run in the main tab
#: overlaps the page load in the zoom tab; ``axe_result`` waits for it. Same rules as
#: harness.run_axe (tags WCAG_TAGS); in the dark scheme only the colour rules run again.
DARK_RULES = ("color-contrast", "link-in-text-block")
AXE_START_JS = r"""(runOnly) => {
  window.__axeResult = axe.run(document, { runOnly, resultTypes: ['violations'] }).then(result => result.violations.map(
    v => `[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` + v.nodes.map(
      n => `    at ${n.target.join(' ')}: ${n.html.slice(0, 160)}\n       ${(n.failureSummary || '').split('\n').join(' ')}`).join('\n')));
}"""


def axe_start(page, *, tags: tuple[str, ...] = WCAG_TAGS, rules: tuple[str, ...] = ()) -> None:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    page.evaluate(AXE_START_JS, {"type": "rule", "values": list(rules)} if rules else {"type": "tag", "values": list(tags)})


def axe_result(page) -> str:
    """The violations of the run started last, as readable lines ("" = none)."""
    return "\n".join(page.evaluate("() => window.__axeResult"))


COLOURS_JS = "() => { const s = getComputedStyle(document.body); return [s.color, s.backgroundColor]; }"

#: Shown on screen, hidden in print (the print stylesheet in templates/assets/site.css).
PRINT_HIDDEN = ("nav.site-nav", ".skip-link")


def luminance_of(rgb: str) -> float:
    """Relative luminance of a computed 'rgb(r, g, b)' colour."""
    r, g, b = (int(float(x)) for x in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])
    return luminance(f"#{r:02x}{g:02x}{b:02x}")



def check_skip_link(page) -> list[str]:
    """Tab once: the skip link, visible; Enter: focus in <main id="inhalt">; Tab: into main."""
    found: list[str] = []
    page.keyboard.press("Tab")
    first = page.evaluate(ACTIVE_JS)
    if not first or "skip-link" not in first["cls"] or first["href"] != "#inhalt":
        return [f"first Tab focuses {first}, not the skip link to #inhalt"]
    if not first["inViewport"]:
        found.append(f"the focused skip link is not visible in the viewport: {first}")
    page.keyboard.press("Enter")
    target = page.evaluate("() => [document.activeElement.tagName, document.activeElement.id, location.hash]")
    if target != ["MAIN", "inhalt", "#inhalt"]:
        found.append(f"Enter on the skip link leaves focus at {target}, not <main id=inhalt>")
    if page.evaluate("() => !!document.querySelector('main a[href], main button, main input')"):
        page.keyboard.press("Tab")
        after = page.evaluate(ACTIVE_JS)
        if not after or not after["inMain"]:
            found.append(f"the Tab after the skip link goes to {after}, not into main")
    return found



FOCUS_SETUP_JS = """() => {
  const selector = 'a[href], area[href], button, input:not([type=hidden]), select, textarea, summary, iframe, [tabindex], [contenteditable=""], [contenteditable=true]';
  const shown = (e) => { const s = getComputedStyle(e); return s.visibility !== 'hidden' && e.getClientRects().length > 0; };
  const focusable = [...document.querySelectorAll(selector)].filter(e => !e.disabled && e.tabIndex >= 0 && shown(e));
  // What a focus indicator can change, for the element and everything inside it (an SVG link shows focus on its circle).
  window.__focusLook = (e) => [e, ...e.querySelectorAll('*')].map(n => { const s = getComputedStyle(n);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.stroke, s.strokeWidth, s.textDecorationLine,
            s.backgroundColor, s.color, s.borderColor, s.borderWidth].join('|'); }).join(';');
  document.activeElement && document.activeElement.blur();
  window.__focusable = focusable;
  window.__unfocused = focusable.map(e => window.__focusLook(e));
  return focusable.length;
}"""

FOCUS_STEP_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const index = window.__focusable.indexOf(e);
  const s = getComputedStyle(e);
  const type = e instanceof SVGElement ? 'svg ' + e.tagName : e.tagName.toLowerCase() + (e.type && e.tagName === 'INPUT' ? '[type=' + e.type + ']' : '');
  return { index, type, text: (e.textContent || e.getAttribute('aria-label') || e.name || '').trim().slice(0, 50),
           changed: index >= 0 && window.__unfocused[index] !== window.__focusLook(e), svg: e instanceof SVGElement,
           outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2, shadow: s.boxShadow !== 'none' };
}"""


def focus_walk(page) -> tuple[list[str], set[str]]:
    """Tab from the top of the page until focus leaves the page or comes round again.

    Returns the problems (an element Tab does not reach, an element that looks the same
    focused and unfocused, an HTML element without a 2 px outline or a box-shadow when
    focused) and the kinds of element met ("a", "svg a", "input[type=search]", …).
    """
    count = page.evaluate(FOCUS_SETUP_JS)
    steps: list[dict] = []
    seen: set[int] = set()
    for _ in range(count + 3):
        page.keyboard.press("Tab")
        step = page.evaluate(FOCUS_STEP_JS)
        if step is None or step["index"] in seen:
            break
        seen.add(step["index"])
        steps.append(step)
    problems: list[str] = []
    if seen != set(range(count)) or any(s["index"] < 0 for s in steps):
        problems.append(f"Tab reached {len(seen)} of {count} focusable elements: {steps}")
    for s in steps:
        if not s["changed"]:
            problems.append(f"{s['type']} „{s['text']}“ looks the same focused and unfocused")
        elif not s["svg"] and not (s["outline"] or s["shadow"]):
            problems.append(f"{s['type']} „{s['text']}“ has neither an outline of 2 px nor a box-shadow when focused")
    return problems, {s["type"] for s in steps}
