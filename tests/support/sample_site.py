"""A small hand-made output folder shaped like the generator's, for the harness self-checks.

``make_sample_site(root)`` writes:

* ``index.html``, ``kalender/index.html``, ``404.html`` – valid, accessible,
  CSP-clean pages that load only same-origin assets;
* ``kaputt/index.html`` – deliberately broken: an ``<img>`` without ``alt``,
  an ``<img>`` from another host, invalid HTML (stray end tag) and an inline
  style attribute (blocked by the CSP);
* hashed assets under ``assets/``, ``kalender/termine.ics``, ``sitemap.xml``,
  ``robots.txt``, and a folder ``leer/`` without index.html.
"""

from __future__ import annotations

from pathlib import Path

CSS = "assets/site.3f2a1b9c.css"
JS = "assets/site.7c9e2b1d.js"
LOGO = "assets/logo.1a2b3c4d.svg"
FAVICON = "assets/favicon.5d41402a.svg"

#: What the broken page does wrong – the self-checks assert each is reported.
FOREIGN_IMAGE = "https://tracker.example/pixel.gif"
BROKEN_PAGE = "kaputt/index.html"
MISSING_ALT_ID = "ohne-alt"

_HEAD = """<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – Familien in Hannover</title>
<link rel="stylesheet" href="/familie/{css}">
<link rel="icon" href="/familie/{favicon}" type="image/svg+xml">
<script src="/familie/{js}" defer></script>
</head>
<body>
<a class="skip" href="#inhalt">Zum Inhalt springen</a>
<header>
<nav aria-label="Hauptnavigation">
<ul>
<li><a href="/familie/">Startseite</a></li>
<li><a href="/familie/kalender/">Kalender</a></li>
</ul>
</nav>
</header>
<main id="inhalt">
"""

_FOOT = """</main>
<footer>
<p>Landeshauptstadt Hannover – <a href="/familie/kalender/">Termine</a></p>
</footer>
</body>
</html>
"""


def _page(title: str, body: str) -> str:
    return _HEAD.format(title=title, css=CSS, favicon=FAVICON, js=JS) + body + _FOOT


PAGES = {
    "index.html": _page(
        "Startseite",
        f"""<h1>Familien in Hannover</h1>
<p>Beratung, Betreuung und Freizeit für Familien in allen Stadtbezirken.</p>
<img src="/familie/{LOGO}" alt="Logo der Landeshauptstadt Hannover" width="120" height="40">
<img src="data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==" alt="" width="1" height="1">
<p><a href="/familie/kalender/">Zum Veranstaltungskalender</a></p>
""",
    ),
    "kalender/index.html": _page(
        "Kalender",
        """<h1>Kalender</h1>
<p><a href="/familie/kalender/termine.ics">Alle Termine als Kalenderdatei (ICS)</a></p>
""",
    ),
    "404.html": _page(
        "Seite nicht gefunden",
        """<h1>Seite nicht gefunden</h1>
<p>Die Seite gibt es nicht (mehr). Weiter zur <a href="/familie/">Startseite</a>.</p>
""",
    ),
    BROKEN_PAGE: f"""<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>Kaputte Seite – Familien in Hannover</title>
<link rel="stylesheet" href="/familie/{CSS}">
</head>
<body>
<main>
<h1>Kaputte Seite</h1>
<p style="color: #900">Inline-Stil, den die CSP blockiert.</p>
<img src="/familie/{LOGO}" id="{MISSING_ALT_ID}" width="120" height="40">
<img src="{FOREIGN_IMAGE}" alt="" width="1" height="1">
<p>Absatz mit falschem Ende</span></p>
</main>
</body>
</html>
""",
}

FILES = {
    CSS: """body{margin:0;font:1rem/1.5 sans-serif;color:#1a1a1a;background:#fff}
a{color:#0a4b8c}
.skip{position:absolute;left:-9999px}
.skip:focus{left:0;background:#fff}
main,header,footer{padding:0 1rem}
""",
    JS: "document.documentElement.classList.add('js');\n",
    LOGO: """<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">
<rect width="120" height="40" fill="#c00"/></svg>
""",
    FAVICON: """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" fill="#c00"/></svg>
""",
    "kalender/termine.ics": (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Familiensite//Test//DE\r\n"
        "BEGIN:VEVENT\r\nUID:1@familie.test\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART:20260301T100000Z\r\nSUMMARY:Familienkonferenz\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ),
    "sitemap.xml": """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://www.hannover.de/familie/</loc></url>
<url><loc>https://www.hannover.de/familie/kalender/</loc></url>
</urlset>
""",
    "robots.txt": "User-agent: *\nAllow: /familie/\nSitemap: https://www.hannover.de/familie/sitemap.xml\n",
    "leer/.gitkeep": "",
}


def make_sample_site(root: Path, *, with_broken: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in {**PAGES, **FILES}.items():
        if rel == BROKEN_PAGE and not with_broken:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    return root
