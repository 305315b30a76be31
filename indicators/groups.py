"""indicators/groups.yaml in; the named groups (regional consultative processes on migration and regional blocs)
with their members and the cited source of the membership out, checked at load: a slug, a kind, a title in every
language, a source with its URL and the date its list holds for, three-letter codes without repeats."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

PATH = Path(__file__).resolve().parent / "groups.yaml"
KINDS = ("rcp", "bloc")  # a regional consultative process on migration; a regional economic community or union
LANGUAGES = ("en", "es", "fr")
KEYS = {"slug", "kind", "title", "source", "source_url", "as_of", "members", "note"}


@dataclass(frozen=True)
class NamedGroup:
    slug: str  # as in /compare?group=<slug>
    kind: str  # KINDS
    titles: tuple[tuple[str, str], ...]  # (language, title)
    source: str
    source_url: str
    as_of: str  # YYYY-MM-DD: the date the source's list holds for
    members: tuple[str, ...]  # ISO3 codes
    notes: tuple[tuple[str, str], ...] = ()  # (language, what is not counted: observers, suspended or withdrawn)

    def title(self, lang: str) -> str:
        return dict(self.titles).get(lang) or dict(self.titles)["en"]

    def note(self, lang: str) -> str:
        return dict(self.notes).get(lang) or dict(self.notes).get("en", "")


class GroupError(ValueError):
    pass


@lru_cache(maxsize=2)
def named_groups(path: Path = PATH) -> tuple[NamedGroup, ...]:
    """Every named group of the file, in its order; GroupError names the group and the field that is wrong."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    groups = tuple(_group(raw) for raw in data.get("groups") or [])
    slugs = [g.slug for g in groups]
    if len(set(slugs)) != len(slugs):
        raise GroupError(f"{path.name}: a slug is used twice: {sorted(s for s in slugs if slugs.count(s) > 1)}")
    return groups


def _group(raw: dict) -> NamedGroup:
    slug = str(raw.get("slug", ""))
    where = f"groups.yaml, group {slug or '?'}"
    if set(raw) - KEYS or not {"slug", "kind", "title", "source", "source_url", "as_of", "members"} <= set(raw):
        raise GroupError(f"{where}: keys {sorted(raw)}; expected {sorted(KEYS)} (note optional)")
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) or raw["kind"] not in KINDS:
        raise GroupError(f"{where}: slug of lower-case words joined by '-', kind one of {KINDS}")
    titles = raw["title"] if isinstance(raw["title"], dict) else {}
    if set(titles) != set(LANGUAGES) or not str(raw["source_url"]).startswith(("http://", "https://")):
        raise GroupError(f"{where}: a title in each of {LANGUAGES} and a source_url starting with http(s)://")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(raw["as_of"])):
        raise GroupError(f"{where}: as_of {raw['as_of']!r} is not YYYY-MM-DD")
    members = [str(m) for m in raw["members"] or []]
    if not members or any(not re.fullmatch(r"[A-Z]{3}", m) for m in members) or len(set(members)) != len(members):
        raise GroupError(f"{where}: members must be distinct ISO3 codes, found {members}")
    notes = raw.get("note") or {}
    if not isinstance(notes, dict) or (notes and set(notes) != set(LANGUAGES)):
        raise GroupError(f"{where}: note must give a text in each of {LANGUAGES}")
    return NamedGroup(slug, raw["kind"], tuple((k, str(titles[k])) for k in LANGUAGES), str(raw["source"]),
                      str(raw["source_url"]), str(raw["as_of"]), tuple(members),
                      tuple((k, str(notes[k])) for k in LANGUAGES if k in notes))  # fmt: skip
