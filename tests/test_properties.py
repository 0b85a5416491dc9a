"""Property-based tests: whatever an editor writes, the build stays safe, sound and reproducible.

Hypothesis generates sites from the minimal fixture with arbitrary Unicode in every
text field (control characters, right-to-left marks, quotes, "</script>", line
separators …) and arbitrary Markdown in every body (mixed from Markdown syntax, raw
HTML fragments, script URLs in all their spellings, internal links that exist and
ones that do not). For every generated site:

1. the build returns, with problems or without: never an exception;
2. every problem is placed (a file, a German message);
3. a site that builds holds no script element, event handler or dangerous URL that
   the templates did not put there, and no calendar line or CSV cell that a field
   could have started (tests/support/safety.py);
4. every internal link and image of a site that builds resolves to one of its files
   (checked here independently of linkcheck.py);
5. two builds of the same content are byte-identical.

Derandomised with a fixed number of examples, so CI always runs the same cases; about
30 seconds.
"""

from __future__ import annotations

import html.parser
import json
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from familiensite.pipeline import BuildResult, check_content, render_project
from familiensite.render import Output
from tests.conftest import TODAY, make_project
from tests.support.safety import unsafe_findings

HOSTILE_SNIPPETS = [
    "<script>alert(1)</script>", "</script><script>alert(2)</script>", "<img src=x onerror=alert(3)>",
    "<svg onload=alert(4)>", "<iframe src=https://evil.example/>", "<a href=\"javascript:alert(5)\">a</a>",
    "[k](javascript:alert(6))", "[k](JAVASCRIPT:alert(7))", "[k](java\tscript:alert(8))", "[k](&#106;avascript:alert(9))",
    "[k](data:text/html;base64,PHNjcmlwdD4=)", "[k](vbscript:msgbox(1))", "<a href='  javascript:x'>b</a>",
    "<style>*{display:none}</style>", "<p style=\"color:red\">r</p>", "<base href=https://evil.example/>",
    "<meta http-equiv=refresh content=0;url=https://evil.example/>", "<form action=https://evil.example/><input></form>",
    "<!--", "-->", "<![CDATA[", "]]>", "\u202e", "\u2028", "\u2029", "\u200b", "\x00", "\x07", "\ufeff", "&lt;script&gt;",
    "\"'><b>", "{{ site.title }}", "{% raw %}", "${x}", "%s", "\\", "`", "\r\n",
]
MARKDOWN_SYNTAX = [
    "# ", "## ", "### ", "- ", "1. ", "> ", "    ", "**", "*", "_", "`", "```\n", "---\n", "| a | b |\n|---|---|\n",
    "[Konferenzen](/familienkonferenzen/)", "[Online](/familienkonferenzen/online/)", "[extern](https://example.org/)", "<https://example.org/>", "[mail](mailto:a@example.org)",
    "\n", "\n\n", "[", "]", "(", ")", "<", ">", "&", "&amp;", "&#x3C;",
]

any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)  # every code point a file can hold
visible_text = st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=30)  # without control characters
VISIBLE_SNIPPETS = [s for s in HOSTILE_SNIPPETS if s.isprintable() or s == "\r\n"]
BROKEN_LINKS = ["[fehlt](/gibt-es-nicht/)", "[Impressum](/impressum/#gibt-es-nicht)"]
# Texts a field accepts (control characters are refused, see tests/corpus/control-characters-*), behind one
# letter so that the field is not empty; in some sites anything at all (then the site is refused).
field_text = st.one_of(
    visible_text.map(lambda text: "x" + text),
    st.lists(st.one_of(visible_text, st.sampled_from(VISIBLE_SNIPPETS)), min_size=1, max_size=4).map(lambda parts: "y" + "".join(parts)),
    st.lists(st.sampled_from(VISIBLE_SNIPPETS), min_size=1, max_size=3).map(lambda parts: "w" + "".join(parts)),
)
any_field_text = st.one_of(field_text, any_text.map(lambda text: "v" + text))
markdown = st.lists(st.one_of(any_text, st.sampled_from(HOSTILE_SNIPPETS), st.sampled_from(MARKDOWN_SYNTAX)), max_size=25).map("".join)
markdown_with_broken_links = st.lists(
    st.one_of(any_text, st.sampled_from(HOSTILE_SNIPPETS), st.sampled_from(MARKDOWN_SYNTAX), st.sampled_from(BROKEN_LINKS)), max_size=25
).map("".join)

# The fields of the minimal fixture that hold text, by file: (fixture text to replace, field name in the generated record)
TEXT_FIELDS: dict[str, list[tuple[str, str]]] = {
    "content/site.yaml": [("title: Familien leben in Teststadt", "title"), ("city: Teststadt", "city"),
                          ("description: Eine kleine Website für Tests.", "description"),
                          ("  organisation: Stadt Teststadt", "organisation"), ("  - label: Start", "label")],
    "content/districts.yaml": [("- name: Nordstadt", "name")],
    "content/conferences/linden-sued.md": [
        ("title: Familienkonferenz Linden-Süd", "title"), ("motto: Wie will ich leben in Linden-Süd?", "motto"),
        ("teaser: Familien aus Linden-Süd haben ihre Ideen eingebracht.", "teaser"), ("      name: Stadtteilzentrum", "venue"),
        ("        street: Testweg 1", "street"), ("        locality: Teststadt", "locality"), ("  - name: Erika Muster", "contact"),
    ],
    "content/conferences/online.md": [("title: Online-Familienkonferenz", "title"), ("teaser: Mitdiskutieren im Internet.", "teaser")],
    "content/results/erste-ergebnisse.md": [("title: Erste Ergebnisse", "title"), ("subtitle: Auswertung der Online-Familienkonferenz", "subtitle")],
    "content/members/frankfurt.yaml": [("city: Frankfurt am Main", "city"), ("organisation: Frankfurter Bündnis für Familien", "organisation"),
                                       ("quote: Der Austausch gibt Anstöße.", "quote"), ("  credit: Rudi Ott", "credit")],
    "content/network.yaml": [("name: Testnetzwerk", "name"), ("  alt: Menschen an einem Tisch", "alt")],
    "content/pages/impressum.md": [("title: Impressum", "title")],
}
MARKDOWN_FIELDS = {"content/network.yaml": "description: Ein Netzwerk für Tests."}
BODIES = ["content/home.md", "content/conferences/linden-sued.md", "content/results/erste-ergebnisse.md", "content/pages/impressum.md"]


def yaml_string(value: str) -> str:
    """A YAML double-quoted scalar holding exactly ``value``: JSON's string syntax, and every character
    that YAML does not allow raw in a file (C1 controls, U+FFFE …) written as an escape."""
    quoted = json.dumps(value, ensure_ascii=False)
    return "".join(c if c.isprintable() or c == " " else f"\\U{ord(c):08x}" if ord(c) > 0xFFFF else f"\\u{ord(c):04x}" for c in quoted)


@st.composite
def sites(draw: st.DrawFn) -> dict[str, str]:
    """An overlay on the minimal fixture: every file above with generated texts and bodies."""
    fixture = Path(__file__).resolve().parent / "fixtures" / "minimal"
    mode = draw(st.sampled_from(["valid", "valid", "any-text", "broken-links"]))  # most sites should build
    texts = any_field_text if mode == "any-text" else field_text
    bodies = markdown_with_broken_links if mode == "broken-links" else markdown
    files: dict[str, str] = {}
    for path, fields in TEXT_FIELDS.items():
        text = (fixture / path).read_text(encoding="utf-8")
        for line, _ in fields:
            key, _, _ = line.partition(":")
            text = text.replace(line, f"{key}: {yaml_string(draw(texts))}", 1)
        if path in MARKDOWN_FIELDS:
            text = text.replace(MARKDOWN_FIELDS[path], f"description: {yaml_string('z' + draw(bodies))}", 1)
        files[path] = text
    for path in BODIES:
        text = files.get(path) or (fixture / path).read_text(encoding="utf-8")
        front, _, _ = text.partition("\n---\n")
        files[path] = f"{front}\n---\n{draw(bodies)}\n"
    return files


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("href", "src") and value]


def unresolved_links(outputs: dict[str, Output], base_path: str) -> list[str]:
    """Internal links and images of every page whose target is not an output (independent of linkcheck.py)."""
    missing = []
    for name, data in sorted(outputs.items()):
        if not name.endswith(".html") or not isinstance(data, bytes):
            continue
        parser = _Links()
        parser.feed(data.decode("utf-8"))
        for url in parser.urls:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            assert parts.path.startswith(base_path), f"{name}: a relative or foreign internal link {url!r}"
            target = unquote(parts.path[len(base_path):])
            target = target + "index.html" if target == "" or target.endswith("/") else target
            if target not in outputs:
                missing.append(f"{name}: {url}")
    return missing


def same_outputs(first: BuildResult, second: BuildResult) -> bool:
    if first.outputs.keys() != second.outputs.keys():
        return False
    for name, data in first.outputs.items():
        other = second.outputs[name]
        one = data if isinstance(data, bytes) else data.read_bytes()
        two = other if isinstance(other, bytes) else other.read_bytes()
        if one != two:
            return False
    return True


@pytest.fixture(autouse=True)
def no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAMILIENSITE_CACHE", "off")  # every build renders every text itself


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(files=sites())
def test_any_content_builds_safely_or_is_reported_and_builds_reproducibly(tmp_path_factory: pytest.TempPathFactory, files: dict[str, str]) -> None:
    folder = tmp_path_factory.mktemp("property")
    try:
        project = make_project(folder / "project", files=files)
        first = render_project(project, TODAY, search=False)  # 1: returns (an exception fails the test)
        for problem in first.problems:  # 2: every problem is placed and worded
            assert problem.file and problem.message.strip()
        event("builds" if first.ok else "refused")
        if not first.ok:
            return
        assert first.model is not None
        base = first.model.site.base_path
        assert unsafe_findings(first.outputs, base) == []  # 3
        assert unresolved_links(first.outputs, base) == []  # 4
        second = render_project(project, TODAY, search=False)
        assert second.ok and same_outputs(first, second)  # 5
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_the_generated_sites_cover_both_outcomes(tmp_path: Path) -> None:
    """The strategy is useful only if it makes sites that build and sites that are refused."""
    outcomes: set[bool] = set()

    @settings(max_examples=15, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(files=sites())
    def probe(files: dict[str, str]) -> None:
        folder = tmp_path / f"p{len(list(tmp_path.iterdir()))}"
        _, problems = check_content(make_project(folder, files=files), TODAY)
        outcomes.add(not any(p.is_error for p in problems))

    probe()
    assert outcomes == {True, False}
