"""Static site generator for the family-policy pages of a German city."""

from __future__ import annotations

__version__ = "0.1.0"
