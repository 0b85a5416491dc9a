"""Address names (slugs) with German transliteration."""

from __future__ import annotations

import functools
import re
import unicodedata

_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue", "ẞ": "ss"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_SLUG = re.compile(SLUG_PATTERN)


@functools.lru_cache(maxsize=65_536)  # the preview slugs every file name again on each save
def slugify(text: str) -> str:
    """``Linden-Süd`` → ``linden-sued``; ``Straße`` → ``strasse``.

    German umlauts are transliterated before other accents are stripped, so a
    file name typed on a Mac (decomposed Unicode) gives the same slug.
    """
    text = unicodedata.normalize("NFC", text).translate(_GERMAN)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")


def is_slug(text: str) -> bool:
    return bool(_SLUG.match(text))
