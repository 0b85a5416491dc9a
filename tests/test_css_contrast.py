"""The fixed colours of templates/assets/site.css meet the WCAG 2.1 contrast ratios, in both colour schemes.

Text (body text, muted text, links) needs 4.5:1 against every background it is shown on (page
and the grey "surface" of cards, navigation and footer): WCAG 1.4.3. The focus outline and the
border of the search field need 3:1 (1.4.11, non-text contrast). The accent colour of the light
scheme comes from content/site.yaml; model.Theme checks it at validation against the same light
backgrounds (familiensite/theme.py LIGHT_BACKGROUNDS, compared with the stylesheet below).
"""

from __future__ import annotations

import re

import pytest
import yaml

from familiensite.theme import LIGHT_BACKGROUNDS, contrast_ratio
from tests.conftest import ROOT

CSS = (ROOT / "templates" / "assets" / "site.css").read_text(encoding="utf-8")
TEXT, NON_TEXT = 4.5, 3.0


def _properties(block: str) -> dict[str, str]:
    return {name: value.strip().lower() for name, value in re.findall(r"--([\w-]+)\s*:\s*([^;]+);", block)}


def _palettes() -> dict[str, dict[str, str]]:
    light = re.search(r"^:root\s*\{(.*?)\}", CSS, re.DOTALL | re.MULTILINE)
    dark = re.search(r"@media\s*\(prefers-color-scheme:\s*dark\)\s*\{\s*:root\s*\{(.*?)\}", CSS, re.DOTALL)
    assert light and dark, "site.css has no :root block or no dark :root block"
    palette = _properties(light.group(1))
    assert palette["accent"] == "__accent_color__"  # replaced by the theme's colour when the site is built
    palette["accent"] = yaml.safe_load((ROOT / "content" / "site.yaml").read_text(encoding="utf-8"))["theme"]["accent_color"].lower()
    return {"light": palette, "dark": {**palette, **_properties(dark.group(1))}}


PALETTES = _palettes()
# (foreground, background, minimum): what the stylesheet puts on what
PAIRS = [
    *((fg, bg, TEXT) for fg in ("text", "muted", "accent") for bg in ("bg", "surface")),
    ("bg", "accent", TEXT),  # the search button: page colour on accent
    ("focus", "bg", NON_TEXT),
    ("focus", "surface", NON_TEXT),
    ("muted", "bg", NON_TEXT),  # the search field's border
]


@pytest.mark.parametrize("scheme", sorted(PALETTES))
@pytest.mark.parametrize(("foreground", "background", "minimum"), PAIRS)
def test_fixed_colours_have_enough_contrast(scheme: str, foreground: str, background: str, minimum: float) -> None:
    palette = PALETTES[scheme]
    ratio = contrast_ratio(palette[foreground], palette[background])
    assert ratio >= minimum, f"{scheme}: --{foreground} {palette[foreground]} on --{background} {palette[background]}: {ratio:.2f}:1 < {minimum}:1"


@pytest.mark.parametrize("scheme", sorted(PALETTES))
def test_the_focus_ring_stands_out_from_the_outline_or_the_page(scheme: str) -> None:
    palette = PALETTES[scheme]
    for background in ("bg", "surface"):
        ring = max(contrast_ratio(palette["focus-ring"], palette["focus"]), contrast_ratio(palette["focus-ring"], palette[background]))
        assert ring >= NON_TEXT, (scheme, background, ring)


def test_highlighted_search_hits_are_black_on_the_focus_colour() -> None:
    assert re.search(r"\.search-results mark\s*\{[^}]*background:\s*var\(--focus-ring\);\s*color:\s*#000", CSS)
    for palette in PALETTES.values():
        assert contrast_ratio("#000000", palette["focus-ring"]) >= TEXT


def test_validation_checks_the_accent_against_the_stylesheets_light_backgrounds() -> None:
    light = PALETTES["light"]
    assert set(LIGHT_BACKGROUNDS) == {light["bg"], light["surface"]}


def test_a_contrast_failure_is_detected() -> None:
    """The arithmetic can fail: the grey of the surface as text on white does not pass."""
    assert contrast_ratio(PALETTES["light"]["surface"], PALETTES["light"]["bg"]) < NON_TEXT
    assert round(contrast_ratio("#777777", "#ffffff"), 2) == 4.48  # the classic near miss
