"""`check`: load and validate, nothing rendered or written.

Kept apart from pipeline.py so that `build.py check` imports only what it needs
(loading and validation), not the renderers, calendars and search.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from datetime import UTC, date, datetime
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from . import messages as m
from .fieldtypes import BaseUrl
from .load import load_content
from .parse_cache import ContentCache
from .problems import Problem, sort_problems
from .validate import Content, validate_content


def build_date() -> date:
    """The build's "today": from SOURCE_DATE_EPOCH when set, so builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()


# A deployment's own address (GitHub/GitLab Pages, a staging server) instead of site.yaml's base_url;
# read here only, and part of the build fingerprint like every FAMILIENSITE_* variable (fastpath.py).
BASE_URL_VARIABLE = "FAMILIENSITE_BASE_URL"


def check_content(
    project: Path, today: date | None = None, cache: ContentCache | None = None, changed: Collection[str] | None = None,
) -> tuple[Content | None, list[Problem]]:
    """`check`: load and validate, nothing rendered or written (``cache``: the preview's, parse_cache.py;
    ``changed``: the paths its watcher reported changed since the last load, see load.load_content)."""
    loaded = load_content(project, cache.files if cache else None, changed)
    content, problems = validate_content(loaded, today or build_date(), cache.records if cache else None)
    if cache is not None:
        cache.records.finish()
    override = os.environ.get(BASE_URL_VARIABLE, "").strip()
    if content is not None and override:
        try:
            content.site = content.site.model_copy(update={"base_url": TypeAdapter(BaseUrl).validate_python(override)})
        except ValidationError:
            problems.append(Problem(BASE_URL_VARIABLE, 0, 0, "", m.text("base_url_format"), m.hint("base_url_format")))
            content = None
    return content, sort_problems(problems)
