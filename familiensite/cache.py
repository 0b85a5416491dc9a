"""The build cache: rendered Markdown kept between builds, by content hash.

Python-Markdown is most of a build's work (about 3 ms of a 440-word body), and
an item's HTML depends only on its Markdown text, the base path and the code
that renders it. So the sanitised HTML is kept under a hash of exactly these,
in one file in the cache folder: ``.cache/familiensite/`` in the project, or
``$FAMILIENSITE_CACHE`` (``off`` switches the cache off). CI can keep that
folder between runs (see docs/performance.md).

The cache is an optimisation only: a key names everything the HTML depends on
(the renderer's source files and the versions of Python-Markdown and nh3 are
part of it, so a change of code or library misses), an unreadable cache file is
ignored, and the tests build with a cold and a warm cache and compare the bytes.
The file keeps only the entries the last build used, so it never grows beyond
the size of the site.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import jinja2
import jinja2.bccache

from .parallel import parallel_map

if TYPE_CHECKING:
    from .markdown_render import MarkdownRenderer
    from .validate import Content

CACHE_ENV = "FAMILIENSITE_CACHE"
CACHE_OFF = frozenset({"0", "off", "no", "false", "none"})
MARKDOWN_FILE = "markdown.v1.marshal"
_PACKAGE = Path(__file__).resolve().parent
_RENDERER_SOURCES = ("markdown_render.py", "slugs.py")


def cache_folder(project: Path) -> Path | None:
    """Where the build cache lives: $FAMILIENSITE_CACHE, else project/.cache/familiensite; None when off."""
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        if configured.strip().lower() in CACHE_OFF or not configured.strip():
            return None
        return Path(configured)
    return project / ".cache" / "familiensite"


class _TemplateBytecode(jinja2.FileSystemBytecodeCache):
    """Jinja's own bytecode cache; an unreadable file is a miss (Jinja lets a broken pickle raise)."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - any damage: compile again, the next dump replaces the file
            bucket.reset()


def template_cache(project: Path) -> jinja2.BytecodeCache | None:
    """Compiled templates kept in the cache folder (``templates/``), or None when the cache is off.

    Compiling the templates is most of the real site's rendering time (about 0.3 s of a
    1 s build). Jinja checks each file against its template's source; the file names add
    the Jinja version and templating.py's source (the environment's options live there), so
    other options or another Jinja compile afresh.
    """
    folder = cache_folder(project)
    if folder is None:
        return None
    folder = folder / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    salt = hashlib.sha256(f"{jinja2.__version__}\0".encode() + (Path(__file__).parent / "templating.py").read_bytes()).hexdigest()[:16]
    return _TemplateBytecode(str(folder), f"{salt}-%s.cache")


def _version(distribution: str) -> str:
    from importlib import metadata  # here: the template compiler (templating.py) imports this module, and needs no versions

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:  # pragma: no cover - always installed
        return "?"


def markdown_salt(base_path: str) -> bytes:
    """Everything besides the text that the HTML depends on."""
    hasher = hashlib.sha256()
    for name in _RENDERER_SOURCES:
        hasher.update((_PACKAGE / name).read_bytes())
    hasher.update(f"\0{_version('Markdown')}\0{_version('nh3')}\0{base_path}\0".encode())
    return hasher.digest()


ENTRIES_PER_PART = 2000  # a cache file of entries is written in parts of this many: never all of it at once in memory


def read_parts(path: Path) -> dict[object, object] | None:
    """The entries of a file that ``write_parts`` wrote (a file of one dict, as earlier builds wrote, is one part);
    None when it is missing, unreadable or not such a file."""
    entries: dict[object, object] = {}
    try:
        with path.open("rb") as stream:
            while stream.peek(1):
                part = marshal.load(stream)
                if not isinstance(part, dict):
                    return None
                entries.update(part)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return entries


def write_parts(path: Path, entries: Mapping[str, object]) -> None:
    """Write ``entries`` sorted, as marshalled dicts of ``ENTRIES_PER_PART`` each, one after the other.

    At 100,000 items the Markdown cache is about 300 MB, which one ``marshal.dumps`` of the
    whole dict held in memory beside the entries (the build's peak).
    """
    keys = sorted(entries)
    write_blob(path, (marshal.dumps({key: entries[key] for key in keys[start : start + ENTRIES_PER_PART]})
                      for start in range(0, len(keys), ENTRIES_PER_PART)))


def read_entries(path: Path) -> dict[str, str]:
    """The stored Markdown entries (key → HTML), or none when the file is missing, unreadable or of another format."""
    entries = read_parts(path)
    if entries is None or not all(isinstance(k, str) and isinstance(v, str) for k, v in entries.items()):
        return {}
    return entries  # type: ignore[return-value]  # checked just above


def write_blob(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Replace a cache file atomically (a killed build leaves the old file, never half a file).

    ``data``: the bytes, or their parts (written one after the other, made as they are needed).
    A cache that cannot be written costs time on the next build, nothing else: errors are ignored.
    """
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.writelines([data] if isinstance(data, bytes) else data)
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def write_entries(path: Path, entries: dict[str, str]) -> None:
    write_parts(path, entries)


class CachedMarkdown:
    """``MarkdownRenderer`` with a memory: the same ``render(text)``, each distinct text rendered once.

    ``prerender`` renders the texts the cache lacks in parallel (parallel.py);
    ``save`` writes what this build used back to the cache folder.
    """

    def __init__(self, base_path: str, folder: Path | None, workers: int | None = None) -> None:
        self.path = folder / MARKDOWN_FILE if folder is not None else None
        self.workers = workers
        self._stored = read_entries(self.path) if self.path is not None else {}
        self._used: dict[str, str] = {}
        self.misses = 0
        self.retarget(base_path)

    def retarget(self, base_path: str) -> None:
        """Render for ``base_path`` from now on (the site settings changed); entries stay valid for their own."""
        self.base_path = base_path
        self._salt = markdown_salt(base_path)
        self._renderer: MarkdownRenderer | None = None
        self._keys: dict[int, tuple[str, str]] = {}  # id(text) → (text, key), see _key
        self._keys_used: dict[int, tuple[str, str]] = {}

    def start_build(self) -> None:
        """A long-lived instance (the preview) between builds: what the last build used is what is known."""
        if self._used:
            self._stored, self._used = self._used, {}
        self._keys, self._keys_used = self._keys_used, {}

    def _key(self, text: str) -> str:
        # The preview hands over the same text object while its file is unchanged (parse_cache.py):
        # hashing 10,000 bodies on every save cost more than rendering the edited one.
        known = self._keys_used.get(id(text)) or self._keys.get(id(text))
        if known is not None and known[0] is text:
            key = known[1]
        else:
            key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20, key=self._salt[:64]).hexdigest()
        self._keys_used[id(text)] = (text, key)
        return key

    def _render_uncached(self, text: str) -> str:
        if self._renderer is None:
            from .markdown_render import MarkdownRenderer  # here: the template compiler (templating.py) imports this module

            self._renderer = MarkdownRenderer(self.base_path)
        return self._renderer.render(text)

    def render(self, text: str) -> str:
        key = self._key(text)
        html = self._used.get(key)
        if html is None:
            html = self._stored.get(key)
            if html is None:
                html = self._render_uncached(text)
                self.misses += 1
            self._used[key] = html
        return html

    def prerender(self, texts: Iterable[str]) -> None:
        """Render every text not yet known, spread over processes; ``render`` then finds them."""
        missing: dict[str, str] = {}
        for text in texts:
            key = self._key(text)
            if key in self._used or key in missing:
                continue
            if key in self._stored:
                self._used[key] = self._stored[key]
            else:
                missing[key] = text
        if not missing:
            return
        self._render_uncached("")  # create the renderer once, before the workers are forked
        from .markdown_render import render_markdown

        remote = functools.partial(render_markdown, self.base_path)
        rendered = parallel_map(self._render_uncached, list(missing.values()), self.workers, remote=remote)
        self._used.update(zip(missing, rendered))
        self.misses += len(missing)

    def tables(self) -> tuple[dict[str, str] | dict[int, tuple[str, str]], ...]:
        """Its tables of texts, keys and HTML, for ``parallel_map(forget=…)``: the HTML that views hold stays."""
        return (self._stored, self._used, self._keys, self._keys_used)

    def save(self, prune: bool = True) -> None:
        """Keep exactly the entries this build used (nothing is written when they did not change).

        ``prune=False``: keep the stored entries too, and write only when there are new ones
        (markdown_ahead.py, which renders ahead of a build and must not remove what it uses).
        """
        if self.path is None or self._used.keys() == self._stored.keys():
            return
        if prune:
            write_entries(self.path, self._used)
        elif not self._used.keys() <= self._stored.keys():
            write_entries(self.path, {**self._stored, **self._used})


def markdown_texts(content: Content) -> list[str]:
    """The Markdown texts of the content, in site order (those of items first: they are most of the work)."""
    texts = [entry.body for entry in content.conferences]
    texts += [entry.body for entry in content.results]
    texts += [entry.body for entry in content.pages]
    return [*texts, content.home.body, content.network.meta.description]


def prepared_markdown(content: Content, project: Path, keep: CachedMarkdown | None = None) -> CachedMarkdown:
    """A ``CachedMarkdown`` for the build of ``project`` with every Markdown text of ``content`` rendered.

    ``keep``: an instance that lives across builds (the preview keeps one, with
    ``folder=None``, so a rebuild neither reads nor writes the cache file). A text
    that ``markdown_texts`` does not know about is rendered when the site model asks for it.
    """
    base_path = urlsplit(content.site.base_url).path
    if keep is None:
        markdown = CachedMarkdown(base_path, cache_folder(project))
    else:
        markdown = keep
        markdown.start_build()
        if markdown.base_path != base_path:
            markdown.retarget(base_path)
    markdown.prerender(markdown_texts(content))
    return markdown
