"""Plain words in the registry's texts (issue 18): 'MIPEX' is never left unexplained in any language."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "indicators"
NAMES = {"registry": "Migrant Integration Policy Index", "framework.yaml": "Migrant Integration Policy Index",
         "es.yaml": "Índice de Políticas de Integración de Migrantes",
         "fr.yaml": "indice des politiques d'intégration des migrants"}  # fmt: skip
FILES = [*sorted((ROOT / "registry").glob("*.yaml")), ROOT / "framework.yaml", ROOT / "i18n" / "es.yaml",
         ROOT / "i18n" / "fr.yaml"]  # fmt: skip


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_mipex_is_always_named_in_full(path: Path) -> None:
    text = " ".join(path.read_text(encoding="utf-8").split())  # folded YAML lines joined
    name = NAMES.get(path.name) or NAMES["registry"]
    assert "MIPEX-style" not in text and "estilo MIPEX." not in text and "manière de MIPEX." not in text
    for at in [i for i in range(len(text)) if text.startswith("MIPEX", i)]:
        assert name in text[max(0, at - 120) : at + 120], text[max(0, at - 120) : at + 40]
