"""The Chinese catalog and the code agree: what `pybabel extract` finds is what is translated."""

from __future__ import annotations

from typing import Any

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from policy_service.config import PROJECT_ROOT
from policy_service.i18n_codes import CODES

PACKAGE = PROJECT_ROOT / "policy_service"
CATALOG = PACKAGE / "admin" / "translations" / "zh_Hans_CN" / "LC_MESSAGES"
ENGLISH = PACKAGE / "admin" / "translations" / "en" / "LC_MESSAGES"
# Our markers (admin.i18n's `_` and `lazy`, i18n_codes' `N_`): `lazy_gettext` in
# policy_service/admin_tables.py is Flask-Admin's, with its own catalog.
KEYWORDS = {"_": None, "lazy": None, "N_": None}


def _extracted() -> set[str]:
    with open(PROJECT_ROOT / "babel.cfg", encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    return {message for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map, options_map, keywords=KEYWORDS) if isinstance(message, str)}


def _catalog_ids(catalog: object) -> set[str]:
    return {m.id for m in catalog if m.id and isinstance(m.id, str)}  # type: ignore[attr-defined]


def test_every_extracted_string_is_translated_and_no_entry_would_go_obsolete() -> None:
    with open(CATALOG / "messages.po", "rb") as handle:
        po = read_po(handle)
    extracted = _extracted()
    assert extracted - _catalog_ids(po) == set(), "new strings: pybabel update, then translate"
    assert _catalog_ids(po) - extracted == set(), "unused or unmarked (see i18n_codes.py)"
    assert [m.id for m in po if m.id and not m.string] == []


def _entries(catalog: Any) -> dict[Any, Any]:
    """id → translation; a plural entry's ids and strings as tuples (the .mo reads lists)."""
    def plain(value: Any) -> Any:
        return tuple(value) if isinstance(value, list | tuple) else value
    return {plain(m.id): plain(m.string) for m in catalog if m.id}


def test_the_compiled_catalog_matches_the_po_file() -> None:
    with open(CATALOG / "messages.po", "rb") as handle:
        po = read_po(handle)
    with open(CATALOG / "messages.mo", "rb") as handle:
        mo = read_mo(handle)
    assert _entries(mo) == _entries(po), \
        "messages.mo is stale: pybabel compile -d policy_service/admin/translations"


def test_english_labels_the_codes_people_would_otherwise_read_as_snake_case() -> None:
    with open(ENGLISH / "messages.po", "rb") as handle:
        po = read_po(handle)
    labels = {m.id: m.string for m in po if m.id}
    snake = {code for code in CODES if "_" in code and code == code.lower() and " " not in code}
    assert snake - set(labels) == set(), "a new code: give it an English label"
    assert set(labels) - set(CODES) == set(), "the English catalog labels codes only"
    assert [code for code, label in labels.items() if not label or "_" in label
            or "%" in label] == []
    with open(ENGLISH / "messages.mo", "rb") as handle:
        assert _entries(read_mo(handle)) == _entries(po), "pybabel compile the English catalog"
