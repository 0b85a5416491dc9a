"""The content model: one definition per content type.

Each class validates its files (see validate.py), documents its fields (the
German ``description`` of every field feeds the editor guide's field reference
and the JSON Schemas in schemas/) and exports its JSON Schema (schema.py).
Field names are English identifiers; everything an editor reads is German.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, model_validator
from pydantic_core import PydanticCustomError

from .fieldtypes import (
    AltText,
    BaseUrl,
    Color,
    ContentPath,
    Date,
    Email,
    EmptyIsNone,
    Flag,
    InternalPath,
    MarkdownText,
    Partial,
    Phone,
    PostalCode,
    ShortText,
    Slug,
    Text,
    TimeZone,
    WebUrl,
    When,
)
from .theme import lowest_contrast


class Record(BaseModel):
    """Base of every content type: unknown fields are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


def _at(field: str, kind: str, **ctx: object) -> PydanticCustomError:
    """An error that the report places at ``field`` of the record."""
    return PydanticCustomError(kind, kind, {"at": field, **ctx})


# --- shared parts -------------------------------------------------------------------------------


class Address(Record):
    """Postanschrift."""

    recipient: Annotated[list[ShortText], EmptyIsNone] = Field(
        default_factory=list,
        description="Zeilen über der Straße: Behörde, Abteilung, „c/o …“ (eine Zeile je Listeneintrag).",
    )
    street: ShortText = Field(description="Straße und Hausnummer, z. B. „Joachimstraße 8“.")
    postal_code: PostalCode = Field(description="Fünfstellige Postleitzahl als Text, z. B. „30159“.")
    locality: ShortText = Field(description="Ort, z. B. „Hannover“.")


class Image(Record):
    """Ein Bild mit Alternativtext und Bildnachweis."""

    file: ContentPath = Field(description="Bilddatei relativ zu content/, z. B. „bilder/netzwerk.jpg“.")
    alt: AltText = Field(
        description="Alternativtext: was das Bild zeigt, für Menschen, die es nicht sehen. "
        "Für rein schmückende Bilder ausdrücklich leer: alt: \"\"."
    )
    credit: ShortText | None = Field(None, description="Bildnachweis ohne „Foto:“, z. B. „Rudi Ott“.")


class Contact(Record):
    """Eine Ansprechperson."""

    name: ShortText = Field(description="Vor- und Nachname, z. B. „Wiebke Stärk“.")
    role: ShortText | None = Field(None, description="Funktion, z. B. „Koordination Familienkonferenzen“.")
    organisation: ShortText | None = Field(None, description="Dienststelle oder Organisation.")
    email: Email | None = Field(None, description="E-Mail-Adresse ohne „mailto:“.")
    phone: Phone | None = Field(None, description="Telefonnummer mit Vorwahl, z. B. „0511 168-12345“.")


# --- site settings ------------------------------------------------------------------------------


class NavigationItem(Record):
    """Ein Eintrag der Hauptnavigation."""

    label: ShortText = Field(description="Text des Menüpunkts.")
    target: InternalPath = Field(
        description="Ziel innerhalb der Website ohne führenden „/“, z. B. „familienkonferenzen/“; leer (\"\") für die Startseite."
    )


class LegalPages(Record):
    """Die Pflichtseiten einer Behörden-Website (Adressnamen von Seiten in content/pages/)."""

    imprint: Slug = Field(description="Impressum, z. B. „impressum“.")
    privacy: Slug = Field(description="Datenschutzerklärung, z. B. „datenschutz“.")
    accessibility: Slug = Field(description="Erklärung zur Barrierefreiheit, z. B. „barrierefreiheit“.")


class Theme(Record):
    """Erscheinungsbild: so kann eine andere Stadt das Projekt übernehmen."""

    organisation: ShortText = Field(description="Herausgebende Organisation, z. B. „Landeshauptstadt Hannover“.")
    accent_color: Color = Field(
        description=(
            "Akzentfarbe für Links und Überschriften als #RRGGBB; braucht auf Weiß und auf dem Hellgrau von Navigation "
            "und Fußbereich einen Kontrast von mindestens 4,5:1."
        )
    )
    logo: Image | None = Field(None, description="Logo im Kopf jeder Seite (SVG oder PNG).")

    @model_validator(mode="after")
    def _readable_accent(self) -> Theme:
        ratio = lowest_contrast(self.accent_color)
        if ratio < 4.5:
            raise _at("accent_color", "color_contrast", value=self.accent_color, ratio=f"{ratio:.2f}".replace(".", ","))
        return self


class DataLicense(Record):
    """Die Lizenz, unter der die offenen Daten (Seite „Offene Daten“) veröffentlicht werden."""

    name: ShortText = Field(description="Name der Lizenz, z. B. „Datenlizenz Deutschland – Namensnennung 2.0“.")
    url: WebUrl = Field(description="Adresse des Lizenztextes, z. B. „https://www.govdata.de/dl-de/by-2-0“.")


class SiteSettings(Record):
    """Einstellungen der Website (content/site.yaml)."""

    title: ShortText = Field(description="Name der Website, z. B. „Familien leben in Hannover“.")
    city: ShortText = Field(description="Die Stadt, z. B. „Hannover“.")
    language: Literal["de"] = Field("de", description="Sprache der Website (derzeit nur „de“).")
    base_url: BaseUrl = Field(
        description="Öffentliche Adresse der Website mit „/“ am Ende; darf ein Unterverzeichnis enthalten, "
        "z. B. „https://www.hannover.de/familie/“."
    )
    timezone: TimeZone = Field("Europe/Berlin", description="Zeitzone der Termine, z. B. „Europe/Berlin“.")
    description: Text = Field(description="Kurzbeschreibung der Website für Suchmaschinen (ein bis zwei Sätze).")
    theme: Theme = Field(description="Erscheinungsbild.")
    navigation: Annotated[list[NavigationItem], EmptyIsNone] = Field(
        default_factory=list, description="Hauptnavigation in der angegebenen Reihenfolge."
    )
    legal: LegalPages = Field(description="Pflichtseiten, im Fuß jeder Seite verlinkt.")
    contact: Contact | None = Field(None, description="Allgemeine Ansprechperson oder Stelle für Fragen zur Website.")
    contact_address: Address | None = Field(None, description="Postanschrift der allgemeinen Ansprechstelle.")
    data_license: DataLicense | None = Field(
        None,
        description="Lizenz der offenen Daten (Konferenzen, Ergebnisse, Netzwerk als JSON und CSV); "
        "ohne Angabe steht auf der Seite „Offene Daten“, dass keine Lizenz festgelegt ist.",
    )


# --- districts ----------------------------------------------------------------------------------


class District(Record):
    """Ein Stadtteil (content/districts.yaml)."""

    name: ShortText = Field(description="Name des Stadtteils, z. B. „Linden-Süd“.")
    slug: Slug | None = Field(None, description="Adressname; wird sonst aus dem Namen gebildet („linden-sued“).")


class DistrictList(RootModel[Annotated[list[District], EmptyIsNone]]):
    """Die Stadtteile als Liste."""


# --- conferences --------------------------------------------------------------------------------


class Venue(Record):
    """Veranstaltungsort."""

    name: ShortText = Field(description="Name des Ortes, z. B. „Stadtteilzentrum Nordstadt“.")
    address: Address = Field(description="Postanschrift des Ortes.")
    directions: Text | None = Field(None, description="Hinweise zur Anreise und Barrierefreiheit des Ortes.")


class ConferenceDate(Record):
    """Ein Termin einer Familienkonferenz."""

    start: When = Field(description="Beginn in Ortszeit: „2014-03-15 18:00“, oder nur das Datum für ganztägig.")
    end: When | None = Field(None, description="Ende in Ortszeit, in derselben Form wie der Beginn.")
    venue: Venue | None = Field(None, description="Ort des Termins.")
    online_url: WebUrl | None = Field(None, description="Link zur Online-Teilnahme (https://…).")
    cancelled: Flag = Field(False, description="true, wenn der Termin abgesagt ist.")
    note: Text | None = Field(None, description="Hinweis zum Termin, z. B. Anmeldung.")

    @model_validator(mode="after")
    def _consistent(self) -> ConferenceDate:
        if self.venue is None and self.online_url is None:
            raise _at("venue", "date_venue_or_online")
        if self.end is not None:
            if type(self.end) is not type(self.start):
                raise _at("end", "end_kind_mismatch")
            if self.end < self.start:
                raise _at("end", "end_before_start", start=_show(self.start), end=_show(self.end))
        return self


def _show(value: object) -> str:
    return str(value).replace("T", " ")[:16]


ConferenceFormat = Literal["district", "online", "citywide"]
ConferenceStatus = Literal["planned", "held", "cancelled"]


class Conference(Record):
    """Eine Familienkonferenz (content/conferences/NAME.md; der Text nach dem Vorspann ist die Beschreibung)."""

    title: ShortText = Field(description="Titel, z. B. „Familienkonferenz Bemerode“.")
    motto: ShortText | None = Field(None, description="Motto, z. B. „Wie will ich leben in Bemerode?“.")
    format: ConferenceFormat = Field(
        description="district: themenoffen in einem Stadtteil; online: im Internet; citywide: stadtweit zu einem Thema."
    )
    district: Slug | None = Field(None, description="Adressname des Stadtteils (nur bei format: district), z. B. „linden-sued“.")
    theme: ShortText | None = Field(None, description="Thema einer stadtweiten Konferenz.")
    status: ConferenceStatus = Field(description="planned: geplant; held: durchgeführt; cancelled: abgesagt.")
    teaser: Text = Field(description="Ein bis zwei Sätze für Listen und die Startseite.")
    period: ShortText | None = Field(None, description="Zeitraum in Worten, wenn keine genauen Termine bekannt sind, z. B. „2012 bis 2014“.")
    dates: Annotated[list[ConferenceDate], EmptyIsNone] = Field(default_factory=list, description="Termine; leer, solange keine feststehen.")
    dates_note: ShortText | None = Field(
        None, description="Text, wenn keine Termine angegeben sind; sonst „Termine werden bekannt gegeben.“ bzw. „Keine Termine hinterlegt.“"
    )
    contacts: Annotated[list[Contact], EmptyIsNone] = Field(default_factory=list, description="Ansprechpersonen.")
    image: Image | None = Field(None, description="Bild zur Konferenz.")
    slug: Slug | None = Field(None, description="Adressname der Seite; sonst der Dateiname.")

    @model_validator(mode="after")
    def _district_matches_format(self) -> Conference:
        if self.format == "district" and self.district is None:
            raise _at("district", "conference_district_required")
        if self.format != "district" and self.district is not None:
            raise _at("district", "conference_district_forbidden", format=self.format)
        return self


# --- results ------------------------------------------------------------------------------------


class Document(Record):
    """Ein angehängtes Dokument."""

    title: ShortText = Field(description="Titel des Dokuments, wie er auf der Seite steht.")
    file: ContentPath = Field(description="Datei relativ zu content/, z. B. „dokumente/handlungsleitlinien.pdf“.")


class Result(Record):
    """Ein Ergebnis (content/results/NAME.md; der Text nach dem Vorspann ist der Bericht)."""

    title: ShortText = Field(description="Titel, z. B. „Erste Ergebnisse“.")
    subtitle: ShortText | None = Field(None, description="Untertitel.")
    teaser: Text = Field(description="Ein bis zwei Sätze für Listen und die Startseite.")
    published: Partial | None = Field(None, description="Veröffentlicht: „2013“, „2013-06“ oder „2013-06-14“; weglassen, wenn unbekannt.")
    conferences: Annotated[list[Slug], EmptyIsNone] = Field(
        default_factory=list, description="Adressnamen der Konferenzen, aus denen das Ergebnis stammt."
    )
    documents: Annotated[list[Document], EmptyIsNone] = Field(default_factory=list, description="Angehängte Dokumente.")
    image: Image | None = Field(None, description="Bild zum Ergebnis.")
    slug: Slug | None = Field(None, description="Adressname der Seite; sonst der Dateiname.")


# --- network ------------------------------------------------------------------------------------


class Coordinates(Record):
    """Geografische Lage (WGS 84)."""

    lat: float = Field(ge=-90, le=90, description="Breitengrad, z. B. 52.3759.")
    lon: float = Field(ge=-180, le=180, description="Längengrad, z. B. 9.7320.")


class Member(Record):
    """Eine Mitgliedsstadt des Netzwerks (content/members/NAME.yaml)."""

    city: ShortText = Field(description="Stadt, z. B. „Frankfurt am Main“ (Pflichtfeld; alles andere ist freiwillig).")
    contact_person: ShortText | None = Field(None, description="Ansprechperson.")
    role: ShortText | None = Field(None, description="Funktion der Ansprechperson.")
    organisation: ShortText | None = Field(None, description="Bündnis oder Stelle, z. B. „Jenaer Bündnis für Familie“.")
    quote: Text | None = Field(None, description="Zitat der Ansprechperson (ohne Anführungszeichen).")
    address: Address | None = Field(None, description="Postanschrift.")
    website: WebUrl | None = Field(None, description="Website (https://…).")
    website_label: ShortText | None = Field(None, description="Linktext der Website; sonst die Adresse ohne https://.")
    coordinates: Coordinates | None = Field(None, description="Lage der Stadt für die Netzwerkkarte.")
    slug: Slug | None = Field(None, description="Adressname (Sprungmarke auf der Netzwerkseite); sonst der Dateiname.")


class Network(Record):
    """Das Großstädtenetzwerk (content/network.yaml)."""

    name: ShortText = Field(description="Name des Netzwerks.")
    founded: int = Field(ge=1900, le=2100, description="Gründungsjahr.")
    initiator: Slug = Field(description="Adressname des Mitglieds, auf dessen Initiative das Netzwerk entstand.")
    description: MarkdownText = Field(description="Beschreibung (Markdown).")
    image: Image | None = Field(None, description="Bild mit Bildnachweis.")


# --- pages --------------------------------------------------------------------------------------


class Barrier(Record):
    """Ein Inhalt, der nicht barrierefrei ist."""

    issue: Text = Field(description="Was nicht barrierefrei ist.")
    reason: Text = Field(description="Warum (z. B. unverhältnismäßige Belastung, nicht im Geltungsbereich).")
    alternative: Text | None = Field(None, description="Welche barrierefreie Alternative es gibt.")


class Enforcement(Record):
    """Die Schlichtungs- bzw. Durchsetzungsstelle."""

    name: Text = Field(description="Name der Stelle.")
    address: Address | None = Field(None, description="Postanschrift.")
    email: Email | None = Field(None, description="E-Mail-Adresse.")
    phone: Phone | None = Field(None, description="Telefon.")
    website: WebUrl | None = Field(None, description="Website.")


class AccessibilityStatement(Record):
    """Die gesetzlichen Bestandteile der Erklärung zur Barrierefreiheit."""

    conformance: Literal["full", "partial", "none"] = Field(
        description="Stand der Vereinbarkeit: full (vollständig), partial (teilweise), none (nicht) barrierefrei."
    )
    prepared: Date = Field(description="Datum, an dem die Erklärung erstellt wurde.")
    reviewed: Date = Field(description="Datum der letzten Überprüfung; älter als ein Jahr ergibt eine Warnung.")
    method: ShortText = Field(description="Wie die Bewertung erfolgte, z. B. „Selbstbewertung“.")
    barriers: Annotated[list[Barrier], EmptyIsNone] = Field(default_factory=list, description="Nicht barrierefreie Inhalte und Gründe.")
    feedback: Contact = Field(description="Kontakt für Rückmeldungen zu Barrieren (E-Mail-Adresse erforderlich).")
    enforcement: Enforcement = Field(description="Durchsetzungsverfahren: die zuständige Schlichtungsstelle.")

    @model_validator(mode="after")
    def _feedback_reachable(self) -> AccessibilityStatement:
        if self.feedback.email is None:
            raise _at("feedback.email", "field_missing", key="email")
        return self


PageType = Literal["standard", "imprint", "privacy", "accessibility", "easy-language"]


class Page(Record):
    """Eine freie Seite (content/pages/NAME.md; der Text nach dem Vorspann ist der Inhalt)."""

    title: ShortText = Field(description="Titel (Hauptüberschrift der Seite).")
    description: Text | None = Field(None, description="Kurzbeschreibung für Suchmaschinen und Vorschauen.")
    teaser: Text | None = Field(None, description="Ein bis zwei Sätze, wenn die Seite auf der Startseite angeteasert wird.")
    type: PageType = Field(
        "standard",
        description="standard; imprint (Impressum); privacy (Datenschutz); accessibility (Erklärung zur "
        "Barrierefreiheit); easy-language (Leichte Sprache).",
    )
    placeholder: Flag = Field(False, description="true, solange der Text ein Platzhalter ist; die Seite zeigt dann einen deutlichen Hinweis.")
    statement: AccessibilityStatement | None = Field(None, description="Nur bei type: accessibility: die gesetzlichen Angaben.")
    image: Image | None = Field(None, description="Bild zur Seite.")
    slug: Slug | None = Field(None, description="Adressname der Seite; sonst der Dateiname.")

    @model_validator(mode="after")
    def _statement_for_accessibility(self) -> Page:
        if self.type == "accessibility" and self.statement is None:
            raise _at("statement", "statement_required")
        if self.type != "accessibility" and self.statement is not None:
            raise _at("statement", "statement_only_for_accessibility")
        return self


class Home(Record):
    """Die Startseite (content/home.md; der Text nach dem Vorspann ist die Einleitung)."""

    title: ShortText = Field(description="Hauptüberschrift der Startseite, z. B. „Aktiv werden“.")
    description: Text | None = Field(None, description="Kurzbeschreibung für Suchmaschinen; sonst die der Website.")
    featured_pages: Annotated[list[Slug], EmptyIsNone] = Field(
        default_factory=list, description="Seiten, die auf der Startseite mit ihrem Teaser erscheinen, z. B. „forum-familie-praxis“."
    )
    image: Image | None = Field(None, description="Bild der Startseite.")
