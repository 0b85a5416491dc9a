"""Colour arithmetic for the theme (WCAG 2.1 relative luminance and contrast)."""

from __future__ import annotations

#: What text in the accent colour is shown on in the light colour scheme: the page (--bg) and the
#: grey of navigation, cards and footer (--surface) in templates/assets/site.css
#: (tests/test_css_contrast.py keeps the two in step). The dark scheme has a fixed accent colour.
LIGHT_BACKGROUNDS = ("#ffffff", "#f3f5f7")


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_color: str) -> float:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """Contrast ratio as WCAG 2.1 defines it, 1.0 to 21.0."""
    a, b = sorted((luminance(first), luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def lowest_contrast(color: str, backgrounds: tuple[str, ...] = LIGHT_BACKGROUNDS) -> float:
    """The contrast of ``color`` on the background where it is least readable."""
    return min(contrast_ratio(color, background) for background in backgrounds)
