"""Chinese and English with Flask-Babel: the locale comes from the user, else the browser."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from babel.dates import get_day_names, get_month_names
from flask import Flask, request
from flask_babel import Babel, get_locale, gettext, lazy_gettext
from flask_login import current_user

from policy_service.admin import formatting

TRANSLATIONS = Path(__file__).parent / "translations"
LOCALES = {"en": "en", "zh": "zh_Hans_CN"}  # the user's choice -> the catalog's locale
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}

_ = gettext
lazy = lazy_gettext


def select_locale() -> str:
    """The logged-in user's locale, else the best match of Accept-Language, else English."""
    if getattr(current_user, "is_authenticated", False):
        return LOCALES.get(current_user.locale, "en")
    best = request.accept_languages.best_match(["en", "zh"]) if request else None
    return LOCALES.get(best or "en", "en")


def language() -> str:
    """"zh" or "en": the current request's language."""
    locale = get_locale()
    return "zh" if locale is not None and locale.language == "zh" else "en"


def html_lang() -> str:
    """The page's ``<html lang>``: "zh-Hans" or "en"."""
    return "zh-Hans" if language() == "zh" else "en"


def date_picker_locale() -> dict[str, Any]:
    """The date picker's words in the current language (month and day names from Babel)."""
    locale = get_locale() or "en"
    months, days = get_month_names("abbreviated", locale=locale), get_day_names(
        "narrow" if language() == "zh" else "short", locale=locale)
    return {"applyLabel": _("Apply"), "cancelLabel": _("Cancel"), "fromLabel": _("From"),
            "toLabel": _("To"), "weekLabel": _("Wk"), "customRangeLabel": _("Custom range"),
            "monthNames": [months[i] for i in range(1, 13)],
            "daysOfWeek": [days[i] for i in (6, 0, 1, 2, 3, 4, 5)], "firstDay": 1}


def pick(message: Mapping[str, Any] | str | None) -> str:
    """A stored {zh, en} message in the current language (English when that one is missing)."""
    if isinstance(message, Mapping):
        return str(message.get(language()) or message.get("en") or "")
    return message or ""


def init_babel(app: Flask) -> None:
    """Flask-Babel with our catalogs; templates get `_`, `pick`, `money` and the languages."""
    Babel(app, locale_selector=select_locale, default_translation_directories=str(TRANSLATIONS))
    app.jinja_env.globals.update(pick=pick, current_language=language, html_lang=html_lang,
                                 date_picker_locale=date_picker_locale,
                                 language_names=LANGUAGE_NAMES, money=formatting.money)
    app.jinja_env.filters["tr"] = lambda code: gettext(str(code))  # a stored code, translated
