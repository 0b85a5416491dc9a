"""schema.org JSON-LD for search engines: events, organisations and breadcrumbs.

Built as plain dicts from the view records and serialised for a <script> element
(templating.json_for_script) right away; templates embed them through the ``json_ld`` filter.
"""

from __future__ import annotations

import dataclasses
import functools
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from .parse_cache import KeyedMemo
from .sitemodel import AddressView, ConferenceView, Link, MemberView, NetworkView, PageSpec, SiteModel, SiteView
from .templating import json_for_script

JsonObject = dict[str, Any]


def _absolute(site: SiteView, url: str) -> str:
    return site.origin + url


def breadcrumb_list(site: SiteView, crumbs: tuple[Link, ...], current: Link) -> JsonObject:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": index, "name": link.label, "item": _absolute(site, link.url)}
            for index, link in enumerate((*crumbs, current), start=1)
        ],
    }


def postal_address(address: AddressView) -> JsonObject:
    *recipient, street, locality_line = address.lines
    postal_code, _, locality = locality_line.partition(" ")
    result: JsonObject = {
        "@type": "PostalAddress",
        "streetAddress": street,
        "postalCode": postal_code,
        "addressLocality": locality,
        "addressCountry": "DE",
    }
    if recipient:
        result["name"] = ", ".join(recipient)
    return result


@functools.lru_cache(maxsize=65_536)  # the same dates again on every rebuild of the preview
def _with_offset(iso: str, zone: ZoneInfo) -> str:
    if len(iso) == 10:
        return date.fromisoformat(iso).isoformat()
    return datetime.fromisoformat(iso).replace(tzinfo=zone).isoformat()


def conference_events(site: SiteView, conference: ConferenceView, timezone: str) -> list[JsonObject]:
    zone = ZoneInfo(timezone)
    organizer = {"@type": "Organization", "name": site.organisation, "url": site.base_url}
    events = []
    for d in conference.dates:
        event: JsonObject = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": conference.title,
            "description": conference.teaser,
            "url": _absolute(site, conference.url),
            "startDate": _with_offset(d.start_iso, zone),
            "eventStatus": "https://schema.org/EventCancelled" if d.cancelled else "https://schema.org/EventScheduled",
            "organizer": organizer,
        }
        if d.end_iso:
            event["endDate"] = _with_offset(d.end_iso, zone)
        locations: list[JsonObject] = []
        if d.venue_name and d.venue_address:
            locations.append({"@type": "Place", "name": d.venue_name, "address": postal_address(d.venue_address)})
        if d.online_url:
            locations.append({"@type": "VirtualLocation", "url": d.online_url})
        event["location"] = locations[0] if len(locations) == 1 else locations
        if d.online_url and d.venue_name:
            mode = "MixedEventAttendanceMode"
        elif d.online_url:
            mode = "OnlineEventAttendanceMode"
        else:
            mode = "OfflineEventAttendanceMode"
        event["eventAttendanceMode"] = f"https://schema.org/{mode}"
        events.append(event)
    return events


def member_organisation(site: SiteView, member: MemberView, page_url: str) -> JsonObject:
    result: JsonObject = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": member.organisation or f"Netzwerkmitglied {member.city}",
        "areaServed": {"@type": "City", "name": member.city},
        "url": member.website or f"{_absolute(site, page_url)}#{member.slug}",
    }
    if member.address:
        result["address"] = postal_address(member.address)
    if member.contact_person:
        result["member"] = {"@type": "Person", "name": member.contact_person, **({"jobTitle": member.role} if member.role else {})}
    return result


def _with_structured_data(site: SiteView, spec: PageSpec) -> PageSpec:
    data: list[JsonObject] = []
    if spec.output != "404.html":
        data.append(breadcrumb_list(site, spec.breadcrumbs, Link(spec.url, spec.title)))
    conference = spec.records.get("conference")
    if isinstance(conference, ConferenceView):
        data.extend(conference_events(site, conference, site.timezone))
    network = spec.records.get("network")
    if isinstance(network, NetworkView) and spec.template == "network.html":
        data.extend(member_organisation(site, member, spec.url) for member in network.members)
    # Serialised here, once: as dicts they took twice the memory, in the build and in every worker that
    # renders pages (13 MiB each at 10,000 items); the ``json_ld`` filter passes them on as they are.
    return PageSpec(spec.template, spec.output, spec.url, spec.title, spec.description, spec.breadcrumbs, spec.source,
                    spec.records, tuple(json_for_script(item) for item in data))


def add_structured_data(model: SiteModel, memo: KeyedMemo | None = None) -> SiteModel:
    """The model with each page's JSON-LD: breadcrumbs everywhere, events and organisations where shown.

    ``memo``: the preview's (parse_cache.ContentCache.pages). A conference's or result's page
    whose view and page fields are those of the last rebuild is that rebuild's spec object,
    so nothing is computed for it and the page cache (incremental.py) compares it by identity.
    """
    site = model.site
    site_key = (site.origin, site.organisation, site.base_url, site.timezone)  # what the JSON-LD reads of the site
    pages = []
    for spec in model.pages:
        view = spec.records.get("conference") or spec.records.get("result")
        if memo is None or view is None or len(spec.records) != 1:
            pages.append(_with_structured_data(site, spec))
            continue
        key = (spec.template, spec.output, spec.url, spec.title, spec.description, spec.breadcrumbs, spec.source, *site_key)
        pages.append(memo.get(view, key, functools.partial(_with_structured_data, site, spec)))
    if memo is not None:
        memo.finish()
    return dataclasses.replace(model, pages=tuple(pages))
