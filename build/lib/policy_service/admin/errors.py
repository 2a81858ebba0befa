"""Error pages for people: the admin's 4xx and 5xx as HTML in the user's language.

The API keeps its JSON body; the app factory hands `error_page` to the API's error
handlers, which use it for paths under /admin.
"""

from __future__ import annotations

from flask import render_template, url_for

from policy_service.admin.i18n import _


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be processed."),
        403: _("You may not open this page with your role."),
        404: _("This page does not exist."),
        405: _("This action cannot be done this way; go back and use the page's buttons."),
        413: _("What was sent is too large."),
        429: _("Too many attempts; try again later."),
        500: _("Something went wrong on our side; try again later."),
        503: _("The service is unavailable for a moment; try again shortly."),
    }


def error_page(status: int, code: str) -> str:
    """The page for ``status`` (the machine ``code`` is shown small, for support)."""
    messages = _messages()
    message = messages.get(status) or messages[500 if status >= 500 else 400]
    return render_template("policy/error.html", status=status, code=code, message=message,
                           title=_("Error %(status)d", status=status),
                           back=url_for("admin.index"))
