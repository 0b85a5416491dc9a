"""Build-the-site-model stage: validated content → the pages of the site as typed records.

Pure: every URL, label and list that a template shows is decided here, so the
templates only lay records out. Markdown is rendered here, once per item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .cache import CachedMarkdown
from .fieldtypes import PartialDate
from .german import format_partial, format_size, format_span
from .load import Asset
from .model import AccessibilityStatement, Address, Conference, Contact, Image, Member, Page, Result
from .netmap import NetworkMap, Place, build_network_map
from .opendata import open_data_view
from .parse_cache import KeyedMemo
from .search_bundles import SEARCH_BUNDLE, SearchBundle, search_bundles
from .validate import Content, Entry

if TYPE_CHECKING:
    from .markdown_render import MarkdownRenderer

FORMAT_LABELS = {"district": "Familienkonferenz im Stadtteil", "online": "Online-Familienkonferenz", "citywide": "Stadtweite Familienkonferenz"}
STATUS_LABELS = {"planned": "geplant", "held": "durchgeführt", "cancelled": "abgesagt"}
CONFORMANCE_LABELS = {
    "full": "vollständig vereinbar",
    "partial": "teilweise vereinbar",
    "none": "nicht vereinbar",
}
PAGE_TYPE_TEMPLATES = {"accessibility": "accessibility.html"}
MEDIA_FOLDER = "medien"
# Generated outputs beside the pages (exports.py, search_index.py); the URLs are decided here.
CALENDAR_FILE = "termine.ics"  # the site's upcoming dates, and each conference's dates in its folder
FEED_FILE = "feed.atom"
SEARCH_PAGE = "suche/"
OPEN_DATA_PAGE = "daten/"


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    label: str


@dataclass(frozen=True, slots=True)
class ImageView:
    url: str
    alt: str
    credit: str | None


@dataclass(frozen=True, slots=True)
class AddressView:
    lines: tuple[str, ...]  # recipient lines, street, "PLZ Ort"


@dataclass(frozen=True, slots=True)
class ContactView:
    name: str
    role: str | None
    organisation: str | None
    email: str | None
    phone: str | None
    phone_uri: str | None


@dataclass(frozen=True, slots=True)
class DateView:
    start_iso: str
    end_iso: str | None
    label: str
    venue_name: str | None
    venue_address: AddressView | None
    directions: str | None
    online_url: str | None
    cancelled: bool
    note: str | None
    start: date | datetime  # local time (naive) in the site's timezone; a date for all-day dates
    end: date | datetime | None


@dataclass(frozen=True, slots=True)
class ConferenceView:
    slug: str
    url: str
    title: str
    motto: str | None
    format: str
    format_label: str
    district: str | None
    theme: str | None
    status: str
    status_label: str
    teaser: str
    period: str | None
    dates: tuple[DateView, ...]
    dates_note: str
    contacts: tuple[ContactView, ...]
    image: ImageView | None
    description_html: str
    results: tuple[Link, ...]
    upcoming: bool
    sort_date: str
    calendar_url: str | None  # .ics with all its dates; None while it has none


@dataclass(frozen=True, slots=True)
class ConferenceCard:
    """A conference as the lists and the home page show it: equal after an edit of its text, so they stay as they are."""

    url: str
    title: str
    status: str
    status_label: str
    format_label: str
    district: str | None
    period: str | None
    first_date: DateView | None
    dates_note: str
    teaser: str


@dataclass(frozen=True, slots=True)
class DocumentView:
    title: str
    url: str
    type_label: str
    size_label: str


@dataclass(frozen=True, slots=True)
class ResultView:
    slug: str
    url: str
    title: str
    subtitle: str | None
    teaser: str
    published_iso: str | None
    published_label: str | None
    conferences: tuple[Link, ...]
    documents: tuple[DocumentView, ...]
    image: ImageView | None
    body_html: str


@dataclass(frozen=True, slots=True)
class ResultCard:
    """A result as the lists and the home page show it (see ConferenceCard)."""

    url: str
    title: str
    subtitle: str | None
    teaser: str
    published_iso: str | None
    published_label: str | None


@dataclass(frozen=True, slots=True)
class MemberView:
    slug: str
    city: str
    contact_person: str | None
    role: str | None
    organisation: str | None
    quote: tuple[str, ...]  # paragraphs
    address: AddressView | None
    website: str | None
    website_label: str | None
    is_initiator: bool
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class NetworkView:
    name: str
    founded: int
    initiator: MemberView | None
    description_html: str
    image: ImageView | None
    members: tuple[MemberView, ...]
    detailed: tuple[MemberView, ...]
    map: NetworkMap | None = None  # member cities on an outline of Germany (netmap.py)


@dataclass(frozen=True, slots=True)
class BarrierView:
    issue: str
    reason: str
    alternative: str | None


@dataclass(frozen=True, slots=True)
class StatementView:
    conformance: str
    conformance_label: str
    prepared_iso: str
    prepared_label: str
    reviewed_iso: str
    reviewed_label: str
    method: str
    barriers: tuple[BarrierView, ...]
    feedback: ContactView
    enforcement_name: str
    enforcement_address: AddressView | None
    enforcement_email: str | None
    enforcement_phone: str | None
    enforcement_website: str | None


@dataclass(frozen=True, slots=True)
class FreePageView:
    slug: str
    url: str
    title: str
    teaser: str | None
    type: str
    placeholder: bool
    body_html: str
    image: ImageView | None
    statement: StatementView | None


@dataclass(frozen=True, slots=True)
class SiteView:
    """What every page's frame shows: header, navigation, footer."""

    title: str
    city: str
    language: str
    base_url: str  # absolute, ends with /
    base_path: str  # "/familie/"
    origin: str  # "https://www.hannover.de", for canonical URLs
    timezone: str
    organisation: str
    accent_color: str
    logo: ImageView | None
    navigation: tuple[Link, ...]
    legal: tuple[Link, ...]
    contact: ContactView | None
    contact_address: AddressView | None
    easy_language: Link | None
    feed_url: str = ""  # Atom feed of results and announced conferences (feed.py)
    calendar_url: str = ""  # .ics with all upcoming dates (calendar_export.py)
    calendar_subscription: str = ""  # the same calendar as webcal:// URL, for subscribing
    search_url: str = ""
    open_data_url: str = ""
    stylesheet: str = ""  # filled in by render (the hashed name is known only there)
    search_script: str = ""  # likewise (templates/assets/search.js)


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One HTML page to render: which template, where it goes, and its records."""

    template: str
    output: str  # path inside site/, e.g. "familienkonferenzen/bemerode/index.html"
    url: str  # root-relative with base path
    title: str
    description: str
    breadcrumbs: tuple[Link, ...]
    source: str  # content file that caused the page ("" for generated lists)
    records: dict[str, object] = field(default_factory=dict)
    structured_data: tuple[str, ...] = ()  # schema.org JSON-LD, serialised for <script> (structured_data.py)


@dataclass(frozen=True, slots=True)
class SiteModel:
    site: SiteView
    pages: tuple[PageSpec, ...]
    assets: tuple[tuple[str, Asset], ...]  # (output path, asset)
    search_bundles: tuple[SearchBundle, ...]  # the search index's parts: listed on the search page, indexed by search_index.py
    conferences: tuple[ConferenceView, ...] = ()  # all of them, for the calendars, the feed and the open data
    results: tuple[ResultView, ...] = ()  # newest first
    network: NetworkView | None = None


def _image(image: Image | None, base: str) -> ImageView | None:
    if image is None:
        return None
    return ImageView(f"{base}{MEDIA_FOLDER}/{image.file}", image.alt, image.credit)


def _address(address: Address | None) -> AddressView | None:
    if address is None:
        return None
    return AddressView((*address.recipient, address.street, f"{address.postal_code} {address.locality}"))


def _contact(contact: Contact) -> ContactView:
    phone_uri = None
    if contact.phone:
        digits = "".join(c for c in contact.phone if c.isdigit() or c == "+")
        phone_uri = "tel:" + (digits if digits.startswith("+") else "+49" + digits.lstrip("0"))
    return ContactView(contact.name, contact.role, contact.organisation, contact.email, contact.phone, phone_uri)


def _iso(value: date | datetime) -> str:
    return value.isoformat(timespec="minutes") if isinstance(value, datetime) else value.isoformat()


def _website_label(url: str) -> str:
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/")


class _Builder:
    def __init__(
        self, content: Content, today: date, markdown: MarkdownRenderer | CachedMarkdown | None = None, views: KeyedMemo | None = None,
    ) -> None:
        self.views = views
        self.content = content
        self.today = today
        self.base_url = content.site.base_url
        self.base = urlsplit(content.site.base_url).path
        if markdown is None:
            # here: with the Markdown cache filled ahead (markdown_ahead.py), a build need not import Python-Markdown at all
            from .markdown_render import MarkdownRenderer

            markdown = MarkdownRenderer(self.base)
        self.markdown = markdown
        self.home_crumb = Link(self.base, "Startseite")
        self.district_names = {d.slug: d.name for d in content.districts}

    def url(self, path: str) -> str:
        return self.base + path

    # conferences ---------------------------------------------------------------------------
    def conference(self, entry: Entry[Conference], results: dict[str, list[Link]]) -> ConferenceView:
        if self.views is None:
            return self._conference(entry, results)
        links = tuple(results.get(entry.slug, ()))
        district = self.district_names.get(entry.meta.district) if entry.meta.district else None
        key = ("conference", entry.slug, entry.body, links, district, self.today, self.base)  # every input of the view
        return self.views.get(entry.meta, key, lambda: self._conference(entry, results))

    def _conference(self, entry: Entry[Conference], results: dict[str, list[Link]]) -> ConferenceView:
        meta = entry.meta
        dates = tuple(
            DateView(
                start_iso=_iso(d.start),
                end_iso=_iso(d.end) if d.end else None,
                label=format_span(d.start, d.end),
                venue_name=d.venue.name if d.venue else None,
                venue_address=_address(d.venue.address) if d.venue else None,
                directions=d.venue.directions if d.venue else None,
                online_url=d.online_url,
                cancelled=d.cancelled,
                note=d.note,
                start=d.start,
                end=d.end,
            )
            for d in sorted(meta.dates, key=lambda d: _iso(d.start))
        )
        default_note = "Termine werden bekannt gegeben." if meta.status == "planned" else "Keine Termine hinterlegt."
        last = max((_iso(d.end or d.start) for d in meta.dates), default="")
        upcoming = meta.status == "planned" and (not last or last[:10] >= self.today.isoformat())
        url = self.url(f"familienkonferenzen/{entry.slug}/")
        return ConferenceView(
            slug=entry.slug,
            url=url,
            title=meta.title,
            motto=meta.motto,
            format=meta.format,
            format_label=FORMAT_LABELS[meta.format],
            district=self.district_names.get(meta.district) if meta.district else None,
            theme=meta.theme,
            status=meta.status,
            status_label=STATUS_LABELS[meta.status],
            teaser=meta.teaser,
            period=meta.period,
            dates=dates,
            dates_note=meta.dates_note or default_note,
            contacts=tuple(_contact(c) for c in meta.contacts),
            image=_image(meta.image, self.base),
            description_html=self.markdown.render(entry.body),
            results=tuple(results.get(entry.slug, ())),
            upcoming=upcoming,
            sort_date=min((d.start_iso for d in dates), default=""),
            calendar_url=url + CALENDAR_FILE if dates else None,
        )

    def conference_card(self, view: ConferenceView) -> ConferenceCard:
        def make() -> ConferenceCard:
            first = view.dates[0] if view.dates else None
            return ConferenceCard(view.url, view.title, view.status, view.status_label, view.format_label, view.district,
                                  view.period, first, view.dates_note, view.teaser)
        return self.views.get(view, ("card",), make) if self.views is not None else make()

    def result_card(self, view: ResultView) -> ResultCard:
        def make() -> ResultCard:
            return ResultCard(view.url, view.title, view.subtitle, view.teaser, view.published_iso, view.published_label)
        return self.views.get(view, ("card",), make) if self.views is not None else make()

    def result(self, entry: Entry[Result], conference_titles: dict[str, str]) -> ResultView:
        if self.views is None:
            return self._result(entry, conference_titles)
        titles = tuple(conference_titles[slug] for slug in entry.meta.conferences)
        sizes = tuple(self.content.assets[d.file].size for d in entry.meta.documents)
        key = ("result", entry.slug, entry.body, titles, sizes, self.base)  # every input of the view
        return self.views.get(entry.meta, key, lambda: self._result(entry, conference_titles))

    def _result(self, entry: Entry[Result], conference_titles: dict[str, str]) -> ResultView:
        meta = entry.meta
        published: PartialDate | None = meta.published
        documents = []
        for document in meta.documents:
            asset = self.content.assets[document.file]
            extension = document.file.rsplit(".", 1)[-1].upper() if "." in document.file else "Datei"
            documents.append(DocumentView(document.title, self.url(f"{MEDIA_FOLDER}/{document.file}"), extension, format_size(asset.size)))
        return ResultView(
            slug=entry.slug,
            url=self.url(f"ergebnisse/{entry.slug}/"),
            title=meta.title,
            subtitle=meta.subtitle,
            teaser=meta.teaser,
            published_iso=published.isoformat() if published else None,
            published_label=format_partial(published) if published else None,
            conferences=tuple(Link(self.url(f"familienkonferenzen/{slug}/"), conference_titles[slug]) for slug in meta.conferences),
            documents=tuple(documents),
            image=_image(meta.image, self.base),
            body_html=self.markdown.render(entry.body),
        )

    def member(self, entry: Entry[Member], initiator: str) -> MemberView:
        meta = entry.meta
        return MemberView(
            slug=entry.slug,
            city=meta.city,
            contact_person=meta.contact_person,
            role=meta.role,
            organisation=meta.organisation,
            quote=tuple(p.strip() for p in meta.quote.split("\n") if p.strip()) if meta.quote else (),
            address=_address(meta.address),
            website=meta.website,
            website_label=meta.website_label or (_website_label(meta.website) if meta.website else None),
            is_initiator=entry.slug == initiator,
            lat=meta.coordinates.lat if meta.coordinates else None,
            lon=meta.coordinates.lon if meta.coordinates else None,
        )

    def statement(self, statement: AccessibilityStatement) -> StatementView:
        e = statement.enforcement
        return StatementView(
            conformance=statement.conformance,
            conformance_label=CONFORMANCE_LABELS[statement.conformance],
            prepared_iso=statement.prepared.isoformat(),
            prepared_label=format_partial(PartialDate(statement.prepared.year, statement.prepared.month, statement.prepared.day)),
            reviewed_iso=statement.reviewed.isoformat(),
            reviewed_label=format_partial(PartialDate(statement.reviewed.year, statement.reviewed.month, statement.reviewed.day)),
            method=statement.method,
            barriers=tuple(BarrierView(b.issue, b.reason, b.alternative) for b in statement.barriers),
            feedback=_contact(statement.feedback),
            enforcement_name=e.name,
            enforcement_address=_address(e.address),
            enforcement_email=e.email,
            enforcement_phone=e.phone,
            enforcement_website=e.website,
        )

    def free_page(self, entry: Entry[Page]) -> FreePageView:
        meta = entry.meta
        return FreePageView(
            slug=entry.slug,
            url=self.url(f"{entry.slug}/"),
            title=meta.title,
            teaser=meta.teaser,
            type=meta.type,
            placeholder=meta.placeholder,
            body_html=self.markdown.render(entry.body),
            image=_image(meta.image, self.base),
            statement=self.statement(meta.statement) if meta.statement else None,
        )

    # the whole site ----------------------------------------------------------------------
    def site_view(self, pages: list[FreePageView]) -> SiteView:
        s = self.content.site
        by_slug = {p.slug: p for p in pages}
        legal = tuple(Link(by_slug[slug].url, by_slug[slug].title) for slug in (s.legal.imprint, s.legal.privacy, s.legal.accessibility))
        easy = next((Link(p.url, p.title) for p in pages if p.type == "easy-language"), None)
        return SiteView(
            title=s.title,
            city=s.city,
            language=s.language,
            base_url=self.base_url,
            base_path=self.base,
            origin="{0.scheme}://{0.netloc}".format(urlsplit(self.base_url)),
            timezone=s.timezone,
            organisation=s.theme.organisation,
            accent_color=s.theme.accent_color,
            logo=_image(s.theme.logo, self.base),
            navigation=tuple(Link(self.url(item.target), item.label) for item in s.navigation),
            legal=legal,
            contact=_contact(s.contact) if s.contact else None,
            contact_address=_address(s.contact_address),
            easy_language=easy,
            feed_url=self.url(FEED_FILE),
            calendar_url=self.url(CALENDAR_FILE),
            calendar_subscription="webcal://" + urlsplit(self.base_url).netloc + self.url(CALENDAR_FILE),
            search_url=self.url(SEARCH_PAGE),
            open_data_url=self.url(OPEN_DATA_PAGE),
        )

    def build(self) -> SiteModel:
        content = self.content
        site_description = content.site.description
        conference_titles = {c.slug: c.meta.title for c in content.conferences}
        results_by_conference: dict[str, list[Link]] = {}
        for r in sorted(content.results, key=lambda r: r.slug):
            for slug in r.meta.conferences:
                results_by_conference.setdefault(slug, []).append(Link(self.url(f"ergebnisse/{r.slug}/"), r.meta.title))
        conferences = [self.conference(c, results_by_conference) for c in content.conferences]
        upcoming = sorted((c for c in conferences if c.upcoming), key=lambda c: (c.sort_date or "9999", c.title))
        past = sorted((c for c in conferences if not c.upcoming), key=lambda c: (c.format != "district", c.district or "", c.title))
        results = sorted(
            (self.result(r, conference_titles) for r in content.results),
            key=lambda r: (r.published_iso or "", r.title),
            reverse=True,
        )
        initiator_slug = content.network.meta.initiator
        members = sorted((self.member(m, initiator_slug) for m in content.members), key=lambda m: m.city)
        network = NetworkView(
            name=content.network.meta.name,
            founded=content.network.meta.founded,
            initiator=next((m for m in members if m.is_initiator), None),
            description_html=self.markdown.render(content.network.meta.description),
            image=_image(content.network.meta.image, self.base),
            members=tuple(members),
            detailed=tuple(m for m in members if m.contact_person or m.organisation or m.quote or m.address),
            map=build_network_map([Place(m.slug, m.city, m.lat, m.lon, m.is_initiator) for m in members]),
        )
        free_pages = sorted((self.free_page(p) for p in content.pages), key=lambda p: p.slug)
        site = self.site_view(free_pages)
        home_meta = content.home.meta
        by_slug = {p.slug: p for p in free_pages}
        crumbs_home = (self.home_crumb,)
        conf_list = Link(self.url("familienkonferenzen/"), "Familienkonferenzen")
        result_list = Link(self.url("ergebnisse/"), "Ergebnisse")
        # The search page lists the bundles of the index (search_bundles.py), known once every page is.
        search_records: dict[str, object] = {
            "lists": (conf_list, result_list, Link(self.url("netzwerk/"), network.name)), "bundle": self.url(SEARCH_BUNDLE),
        }
        # The lists show cards, not views: a text edit changes a view but not its card (ConferenceCard).
        upcoming_cards = tuple(self.conference_card(c) for c in upcoming)
        past_cards = tuple(self.conference_card(c) for c in past)
        result_cards = tuple(self.result_card(r) for r in results)
        specs: list[PageSpec] = [
            PageSpec(
                "home.html", "index.html", self.base, home_meta.title, home_meta.description or site_description, (), content.home.source,
                {
                    "intro_html": self.markdown.render(content.home.body),
                    "image": _image(home_meta.image, self.base),
                    "upcoming": upcoming_cards,
                    "past": past_cards,
                    "results": result_cards[:3],
                    "featured": tuple(by_slug[s] for s in home_meta.featured_pages),
                    "network": network,
                },
            ),
            PageSpec(
                "conference_list.html", "familienkonferenzen/index.html", conf_list.url, "Familienkonferenzen",
                f"Alle Familienkonferenzen in {content.site.city}: Stadtteile, Termine, Orte und Ansprechpersonen.", crumbs_home, "",
                {"upcoming": upcoming_cards, "past": past_cards},
            ),
            PageSpec(
                "result_list.html", "ergebnisse/index.html", result_list.url, "Ergebnisse",
                f"Ergebnisse der Familienkonferenzen in {content.site.city}.", crumbs_home, "", {"results": result_cards},
            ),
            PageSpec(
                "network.html", "netzwerk/index.html", self.url("netzwerk/"), network.name,
                f"{network.name}: {len(members)} Großstädte im Austausch über Familienpolitik.", crumbs_home, content.network.source,
                {"network": network},
            ),
            PageSpec("404.html", "404.html", self.url("404.html"), "Seite nicht gefunden", site_description, crumbs_home, "", {}),
            PageSpec(
                "search.html", SEARCH_PAGE + "index.html", self.url(SEARCH_PAGE), "Suche",
                f"Volltextsuche über alle Seiten von „{content.site.title}“.", crumbs_home, "", search_records,
            ),
            PageSpec(
                "open_data.html", OPEN_DATA_PAGE + "index.html", self.url(OPEN_DATA_PAGE), "Offene Daten",
                f"Familienkonferenzen, Ergebnisse und Netzwerk in {content.site.city} als JSON und CSV zur freien Weiterverwendung.",
                crumbs_home, "", {"open_data": open_data_view(content.site, self.url(OPEN_DATA_PAGE))},
            ),
        ]
        sources = {c.slug: c.source for c in content.conferences}
        for conference in conferences:
            specs.append(
                PageSpec("conference.html", f"familienkonferenzen/{conference.slug}/index.html", conference.url, conference.title,
                         conference.teaser, (*crumbs_home, conf_list), sources[conference.slug], {"conference": conference})
            )
        result_sources = {r.slug: r.source for r in content.results}
        for result in results:
            specs.append(
                PageSpec("result.html", f"ergebnisse/{result.slug}/index.html", result.url, result.title, result.teaser,
                         (*crumbs_home, result_list), result_sources[result.slug], {"result": result})
            )
        page_sources = {p.slug: (p.source, p.meta.description) for p in content.pages}
        for page in free_pages:
            source, description = page_sources[page.slug]
            specs.append(
                PageSpec(PAGE_TYPE_TEMPLATES.get(page.type, "page.html"), f"{page.slug}/index.html", page.url, page.title,
                         description or page.teaser or site_description, crumbs_home, source, {"free_page": page})
            )
        bundles = search_bundles(specs)
        search_records["bundles"] = tuple(self.url(bundle.folder) for bundle in bundles[1:])
        assets = tuple((f"{MEDIA_FOLDER}/{path}", asset) for path, asset in sorted(content.assets.items()))
        return SiteModel(site, tuple(specs), assets, bundles, tuple(conferences), tuple(results), network)


def build_site_model(
    content: Content, today: date, markdown: MarkdownRenderer | CachedMarkdown | None = None, views: KeyedMemo | None = None,
) -> SiteModel:
    """Every page of the site, with its records; ``today`` splits upcoming from past conferences.

    ``markdown``: the build passes a ``cache.CachedMarkdown`` (same HTML, rendered once per text).
    ``views``: the preview's memory of conference and result views (parse_cache.KeyedMemo).
    """
    model = _Builder(content, today, markdown, views).build()
    if views is not None:
        views.finish()
    return model
