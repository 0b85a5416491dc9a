"""The pages of a built site as the tests walk them: every page, and one page per page type.

::

    from tests.support.site_pages import site_pages, one_per_type

    pages = site_pages(real_build)         # [SitePage(output, path, template, kind), …], sorted by output
    one_per_type(pages)                     # {"home": SitePage, "conference": …, "page-imprint": …}
    page.request_path                       # what a browser asks for: "/familie/netzwerk/";
                                            # for 404.html an unknown address, answered with that page

A page's *kind* is its template's name, for free pages (page.html) with the page type
(``page-standard``, ``page-imprint``, ``page-easy-language``, …), so that each layout a
visitor can meet is one kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from familiensite.pipeline import BuildResult

#: The address the tests request to see the site's 404 page (it does not exist on purpose).
UNKNOWN_PATH = "gibt-es-nicht/"


@dataclass(frozen=True)
class SitePage:
    output: str  # path inside site/, e.g. "netzwerk/index.html"
    path: str  # root-relative URL with the base path, e.g. "/familie/netzwerk/"
    template: str  # e.g. "network.html"
    kind: str  # e.g. "network", "page-imprint"
    base_path: str = "/familie/"

    @property
    def is_404(self) -> bool:
        return self.output == "404.html"

    @property
    def request_path(self) -> str:
        """The path a visitor requests to get this page (the 404 page: an unknown address)."""
        return self.base_path + UNKNOWN_PATH if self.is_404 else self.path

    @property
    def expected_status(self) -> int:
        return 404 if self.is_404 else 200

    def __str__(self) -> str:
        return self.output


def _kind(template: str, records: dict[str, object]) -> str:
    stem = template.removesuffix(".html").replace("_", "-")
    page = records.get("free_page")
    page_type = getattr(page, "type", None)
    if template == "page.html" and page_type:
        return f"page-{page_type}"
    return stem


def site_pages(result: BuildResult) -> list[SitePage]:
    """Every HTML page of a build, sorted by output path."""
    assert result.model is not None, "the build has no site model (it failed?)"
    base = result.model.site.base_path
    pages = [SitePage(spec.output, spec.url, spec.template, _kind(spec.template, spec.records), base) for spec in result.model.pages]
    return sorted(pages, key=lambda p: p.output)


def one_per_type(pages: list[SitePage]) -> dict[str, SitePage]:
    """The first page (by output path) of each kind, sorted by kind."""
    chosen: dict[str, SitePage] = {}
    for page in pages:
        chosen.setdefault(page.kind, page)
    return dict(sorted(chosen.items()))
