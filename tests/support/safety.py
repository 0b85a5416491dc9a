"""What no published file may contain, checked by parsing every output as a browser or a program would.

Used by the adversarial corpus (tests/test_corpus.py) and the property tests
(tests/test_properties.py). ``unsafe_findings(outputs, base_path)`` returns one
readable line per finding; an empty list means:

* HTML (parsed with the standard library's HTML tokenizer, which splits tags the way
  a browser's tokenizer does): the only script elements are the templates' own —
  JSON-LD whose text is valid JSON, or an external file from the site's assets —
  no element that embeds or redirects (iframe, object, embed, base, meta refresh,
  frame), no event-handler attribute (``on…``), no ``style`` element or
  attribute outside the templates' own, and every URL attribute is relative,
  site-absolute or http(s)/mailto/tel — never javascript:, vbscript:, data: or
  anything else, however it is spelt (case, whitespace, control characters, entities).
* iCalendar: after unfolding, every line is ``NAME[;params]:value`` with a
  property name the calendar writer uses, and BEGIN/END nest correctly — so no
  newline in a field has started a property or component of its own.
* CSV: every row has the header's number of cells and no cell starts like a
  spreadsheet formula (``=``, ``+``, ``@``, tab, CR, or ``-`` not followed by a number).
* JSON parses; XML (sitemap, feed) is well-formed; SVG has no script or handler.
"""

from __future__ import annotations

import csv
import html.parser
import io
import json
import re
from collections.abc import Mapping
from pathlib import Path
from xml.etree import ElementTree

SAFE_SCHEMES = ("http", "https", "mailto", "tel", "webcal")  # webcal: the templates' calendar subscription links
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data", "cite", "background", "srcset", "xlink:href", "ping", "manifest"}
FORBIDDEN_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal", "noscript", "template", "math"}
ICS_PROPERTIES = {
    "BEGIN", "END", "VERSION", "PRODID", "CALSCALE", "METHOD", "NAME", "X-WR-CALNAME", "X-WR-TIMEZONE", "X-WR-CALDESC",
    "X-PUBLISHED-TTL", "REFRESH-INTERVAL", "SOURCE", "TZID", "TZNAME", "TZOFFSETFROM", "TZOFFSETTO", "RRULE", "RDATE",
    "DTSTART", "DTEND", "DTSTAMP", "UID", "SUMMARY", "DESCRIPTION", "LOCATION", "URL", "STATUS", "SEQUENCE", "TRANSP",
    "CLASS", "LAST-MODIFIED", "CREATED", "CATEGORIES", "ORGANIZER", "GEO", "CONFERENCE", "COLOR", "TZURL", "X-LIC-LOCATION",
}
ICS_COMPONENTS = {"VCALENDAR", "VEVENT", "VTIMEZONE", "STANDARD", "DAYLIGHT"}
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]+")
_NUMBER = re.compile(r"-\d+(\.\d+)?")


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see: control characters and blanks inside it are ignored, as browsers do."""
    squeezed = _CONTROL_OR_SPACE.sub("", url)
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", squeezed)
    if match is None or "/" in squeezed.split(":", 1)[0]:
        return None
    return match.group(1).lower()


class _Page(html.parser.HTMLParser):
    def __init__(self, name: str, base_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.name, self.base_path = name, base_path
        self.findings: list[str] = []
        self._script: dict[str, str | None] | None = None
        self._script_text = ""
        self.styles = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        where = f"{self.name}:{self.getpos()[0]}"
        values = dict(attrs)
        if tag in FORBIDDEN_ELEMENTS:
            self.findings.append(f"{where}: element <{tag}>")
        if tag == "meta" and (values.get("http-equiv") or "").strip().lower() in ("refresh", "set-cookie", "content-security-policy"):
            self.findings.append(f"{where}: <meta http-equiv={values.get('http-equiv')}>")
        if tag == "style":
            self.styles += 1
        for name, value in attrs:
            if name.startswith("on"):
                self.findings.append(f"{where}: event handler {name}={value!r} on <{tag}>")
            if name == "style":
                self.findings.append(f"{where}: style attribute on <{tag}>")
            if name in URL_ATTRIBUTES and value is not None:
                for url in (value.split(",") if name == "srcset" else [value]):
                    scheme = url_scheme(url.strip().split(" ")[0] if name == "srcset" else url)
                    if scheme is not None and scheme not in SAFE_SCHEMES:
                        self.findings.append(f"{where}: {scheme}: URL in {name} of <{tag}>: {value!r}")
        if tag == "script":
            self._script, self._script_text = values, ""

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag != "script" or self._script is None:
            return
        where = f"{self.name}:{self.getpos()[0]}"
        script, text = self._script, self._script_text
        self._script = None
        if script.get("type") == "application/ld+json" and "src" not in script:
            try:
                json.loads(text)
            except ValueError:
                self.findings.append(f"{where}: JSON-LD that is not JSON (broken out of?): {text[:120]!r}")
            return
        src = script.get("src") or ""
        if src.startswith(self.base_path + "assets/") and not text.strip():
            return
        self.findings.append(f"{where}: script element not from the templates: {script} {text[:120]!r}")


def html_findings(name: str, text: str, base_path: str) -> list[str]:
    page = _Page(name, base_path)
    page.feed(text)
    page.close()
    if page._script is not None:
        page.findings.append(f"{name}: a script element that never ends")
    if page.styles:
        page.findings.append(f"{name}: {page.styles} style element(s)")
    return page.findings


def ics_findings(name: str, text: str) -> list[str]:
    findings: list[str] = []
    if "\r\n" not in text or re.search(r"(?<!\r)\n|\r(?!\n)", text):
        findings.append(f"{name}: line ends other than CRLF (a bare newline from a field?)")
    lines = text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")
    stack: list[str] = []
    for number, line in enumerate(lines[:-1] if lines and lines[-1] == "" else lines, start=1):
        match = re.match(r"([A-Za-z0-9-]+)(;[^:]*)?:(.*)", line)
        if match is None:
            findings.append(f"{name}:{number}: not a content line: {line[:80]!r}")
            continue
        prop, value = match.group(1).upper(), match.group(3)
        if prop not in ICS_PROPERTIES:
            findings.append(f"{name}:{number}: unexpected property {prop} (a line break from a field?)")
        if prop == "BEGIN":
            if value not in ICS_COMPONENTS:
                findings.append(f"{name}:{number}: unexpected component {value}")
            stack.append(value)
        elif prop == "END" and (not stack or stack.pop() != value):
            findings.append(f"{name}:{number}: END:{value} does not close the open component")
    if stack:
        findings.append(f"{name}: components left open: {stack}")
    return findings


def csv_findings(name: str, text: str) -> list[str]:
    findings: list[str] = []
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    width = len(rows[0]) if rows else 0
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != width:
            findings.append(f"{name}: row {number} has {len(row)} cells, the header {width}")
        for cell in row:
            if cell[:1] in ("=", "+", "@", "\t", "\r") or (cell.startswith("-") and not _NUMBER.fullmatch(cell)):
                findings.append(f"{name}: row {number}: a cell a spreadsheet would run as a formula: {cell[:60]!r}")
    return findings


def svg_findings(name: str, data: bytes) -> list[str]:
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        return [f"{name}: not well-formed XML: {error}"]
    findings = []
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1].lower()
        if local in ("script", "foreignobject", "iframe", "embed", "object"):
            findings.append(f"{name}: <{local}> in an SVG")
        for attribute, value in element.attrib.items():
            local_attribute = attribute.rsplit("}", 1)[-1].lower()
            if local_attribute.startswith("on"):
                findings.append(f"{name}: event handler {local_attribute} in an SVG")
            if local_attribute == "href" and url_scheme(value) not in (None, *SAFE_SCHEMES):
                findings.append(f"{name}: {url_scheme(value)}: link in an SVG")
    return findings


def unsafe_findings(outputs: Mapping[str, bytes | Path], base_path: str) -> list[str]:
    """Every finding in every output (see the module docstring)."""
    findings: list[str] = []
    for name, output in sorted(outputs.items()):
        data = output if isinstance(output, bytes) else output.read_bytes()
        suffix = name.rsplit(".", 1)[-1].lower()
        if suffix not in ("html", "ics", "csv", "json", "xml", "atom", "svg", "txt"):
            continue
        text = data.decode("utf-8")
        if suffix == "html":
            findings += html_findings(name, text, base_path)
        elif suffix == "ics":
            findings += ics_findings(name, text)
        elif suffix == "csv":
            findings += csv_findings(name, text)
        elif suffix == "json":
            try:
                json.loads(text)
            except ValueError as error:
                findings.append(f"{name}: not JSON: {error}")
        elif suffix in ("xml", "atom"):
            try:
                ElementTree.fromstring(data)
            except ElementTree.ParseError as error:
                findings.append(f"{name}: not well-formed XML: {error}")
        elif suffix == "svg":
            findings += svg_findings(name, data)
    return findings


def text_of(outputs: Mapping[str, bytes | Path]) -> dict[str, str]:
    """Every text output decoded (binary files and the search index left out)."""
    texts: dict[str, str] = {}
    for name, output in outputs.items():
        if name.startswith("pagefind/"):
            continue
        data = output if isinstance(output, bytes) else output.read_bytes()
        try:
            texts[name] = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
    return texts
