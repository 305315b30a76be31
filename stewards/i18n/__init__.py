"""What stewards read, in English, Spanish and French: the template's words and every validation problem and value
warning, as a catalogue (`<lang>.yaml` beside this file, flat keys, {placeholders} as str.format reads them).

A message is made in English where it is found (`say(key, **params)`: a str, so everything that stores or compares
text is unchanged) and carries its key and parameters; what is stored beside the English text is that key and those
parameters, and a page or the API words it again in its reader's language (`words`). A problem stored before keys
existed (no `key`) keeps its English text. tests/steward/test_messages.py checks that every key has its Spanish
and French text with the same placeholders, and that every key the code asks for exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
LANGS = ("en", "es", "fr")
DEFAULT = "en"
SEPARATOR = "; "  # between the messages of a list parameter


class Message(str):
    """English text that knows its catalogue key and parameters (to be worded again in another language)."""

    key: str
    params: dict[str, Any]


@lru_cache(maxsize=len(LANGS))
def catalogue(lang: str) -> dict[str, str]:
    data = yaml.safe_load((HERE / f"{lang}.yaml").read_text(encoding="utf-8")) or {}
    return {str(k): str(v) for k, v in data.items()}


def language(lang: object) -> str:
    """'es', 'ES', 'es-MX' -> 'es'; anything else -> 'en'."""
    code = str(lang or "").strip().lower()[:2]
    return code if code in LANGS else DEFAULT


def text(key: str, lang: str = DEFAULT, /, **params: object) -> str:
    """The text of `key` in `lang` (English when the language lacks it), its {placeholders} filled."""
    found = catalogue(language(lang)).get(key)
    wording = found if found is not None else catalogue(DEFAULT)[key]
    return wording.format(**params) if params else wording


def say(key: str, /, **params: object) -> Message:
    """The English message of `key`, carrying the key and its parameters for the other languages. A parameter is
    text, or a message of its own (worded in the same language), or a list of messages (said one after another)."""
    kept = {name: _kept(value) for name, value in params.items()}
    message = Message(text(key, DEFAULT, **{name: _english(value) for name, value in params.items()}))
    message.key, message.params = key, kept
    return message


def _kept(value: object) -> Any:
    if isinstance(value, list):
        return [_kept(item) for item in value]
    return keyed(value) or str(value)


def _english(value: object) -> str:
    return SEPARATOR.join(str(item) for item in value) if isinstance(value, list) else str(value)


def _worded(value: Any, lang: str) -> str:
    """A stored parameter in `lang`: text as it is, a nested message worded, a list of them joined."""
    if isinstance(value, list):
        return SEPARATOR.join(_worded(item, lang) for item in value)
    if isinstance(value, Mapping):
        return words(value, lang)
    return str(value)


def keyed(message: object) -> dict[str, Any]:
    """{'key': ..., 'params': {...}} of a Message (stored beside its text); {} for plain text."""
    key = getattr(message, "key", None)
    return {"key": key, "params": dict(getattr(message, "params", {}))} if key else {}


def words(item: Mapping[str, Any], lang: str, field: str = "message") -> str:
    """A stored problem's or warning's message in `lang`: from its key and parameters when it has them (and the
    catalogue still knows the key), otherwise its English text as stored."""
    key, params = item.get("key"), item.get("params")
    if not key or key not in catalogue(DEFAULT) or not isinstance(params, Mapping):
        return str(item.get(field) or "")
    try:
        return text(str(key), lang, **{str(k): _worded(v, lang) for k, v in params.items()})
    except (KeyError, IndexError, ValueError):  # a stored key whose placeholders changed since: the stored text
        return str(item.get(field) or "")


def said(message: object, lang: str) -> str:
    """One message (a Message, or an exception whose first argument is one) in `lang`; plain text as it is."""
    if isinstance(message, BaseException):
        message = message.args[0] if message.args else str(message)
    return words({"message": str(message)} | keyed(message), lang)


def worded(items: list[dict[str, Any]], lang: str, field: str = "message") -> list[dict[str, Any]]:
    """The items with their message in `lang` (the stored English text kept under `<field>_en`)."""
    if language(lang) == DEFAULT:
        return items
    return [item | {field: words(item, lang, field), f"{field}_en": item.get(field)} for item in items]
