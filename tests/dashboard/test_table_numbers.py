"""Numbers in the pages' tables are written with the reader's decimal sign: in Spanish and French '52.929' would read
as fifty-two thousand, so numeric columns carry a format with a decimal comma there (no grouping: years stay '2023');
English is left as the browser writes it."""

from __future__ import annotations

from dashboard.components.datatable import Column
from dashboard.i18n import use_lang


def test_numeric_columns_use_the_languages_decimal_sign() -> None:
    value, name = Column("value", "Value", numeric=True), Column("name", "Country")
    with use_lang("en"):
        assert "format" not in value.spec()
    for lang in ("es", "fr"):
        with use_lang(lang):
            assert value.spec()["format"] == {"locale": {"decimal": ","}, "specifier": ".6~f"}
            assert "format" not in name.spec()
