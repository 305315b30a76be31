"""A validation or publish job's status line as stored (English, in submissions.job_message) in; the same line in
the reader's language out.

The jobs store their lines in English (made by stewards.i18n.say from the catalogue's `job.*` keys, so the English
is the catalogue's). A stored line is worded again by matching it against those English wordings, their
{placeholders} standing for any text: lines stored before this module existed are worded too, and a line no wording
matches (an admin's own reason for a rejection, an error's own text) is shown as stored.
"""

from __future__ import annotations

import re
from functools import lru_cache

from stewards.i18n import DEFAULT, catalogue, language, text

PREFIX = "job."
PLACEHOLDER = re.compile(r"\{(\w+)\}")
DECIMAL = re.compile(r"\d+\.\d+")
BUILD_PROGRESS = ("job.progress.file", "job.progress.merging", "job.progress.scoring", "job.progress.lake")
# ^ the lines warehouse build_release reports through its progress callback (warehouse cannot import stewards)


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    """(key, a regex of its English wording), the longest wordings first (a longer one that starts like a shorter
    one is tried before it)."""
    english = {k: v for k, v in catalogue(DEFAULT).items() if k.startswith(PREFIX)}
    out = []
    for key, wording in sorted(english.items(), key=lambda kv: -len(PLACEHOLDER.sub("", kv[1]))):
        parts = PLACEHOLDER.split(wording)  # literal, name, literal, name, ...
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.*?)" for i, p in enumerate(parts))
        out.append((key, re.compile(regex, re.S)))
    return out


def job_words(message: str | None, lang: str) -> str:
    """The stored job line in `lang` ('' for none); as stored when no wording matches it."""
    if not message or language(lang) == DEFAULT:
        return message or ""
    for key, pattern in _patterns():
        if found := pattern.fullmatch(message):
            return text(key, lang, **{name: _word(value, lang) for name, value in found.groupdict().items()})
    return message


def _word(value: str, lang: str) -> str:
    """A parameter that is a job word of its own ('no reason given') in `lang`, a decimal number with the
    language's decimal sign (3,2 s); any other text as it is."""
    if DECIMAL.fullmatch(value):
        return value.replace(".", ",")  # es and fr: the only other languages
    for key, pattern in _patterns():
        if not pattern.groupindex and pattern.fullmatch(value):
            return text(key, lang)
    return value
