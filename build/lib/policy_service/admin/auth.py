"""Logins for the admin UI: Flask-Login over the users table, the login form, the locale switch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from policy_service.admin.i18n import LOCALES, _, lazy
from policy_service.admin.web import csrf
from policy_service.container import Services
from policy_service.services.access import throttle
from policy_service.services.access.credentials import get_user
from policy_service.services.access.credentials import set_locale as remember_locale

ADMIN, RISK, AUDITOR, SALES = "admin", "risk_manager", "auditor", "sales"
STAFF = (ADMIN, RISK, AUDITOR)  # everyone who reads the books
EVERYONE = (ADMIN, RISK, AUDITOR, SALES)


@dataclass
class AdminUser(UserMixin):
    """The logged-in person as Flask-Login sees it (a detached copy of the users row)."""

    id: int
    username: str
    role: str
    locale: str

    def get_id(self) -> str:
        """Flask-Login's session key."""
        return str(self.id)


def role() -> str | None:
    """The current user's role, or None when nobody is logged in."""
    return current_user.role if current_user.is_authenticated else None


def actor() -> str:
    """The current user's username (the actor recorded on every change)."""
    return str(current_user.username)


def has_role(*roles: str) -> bool:
    """True when the logged-in user has one of `roles`."""
    return role() in roles


def init_login(app: Flask, services: Services) -> None:
    """Flask-Login: users load from the database; anonymous visitors go to the login form."""
    manager = LoginManager(app)
    manager.login_view = "auth.login"

    @manager.user_loader
    def _load(user_id: str) -> AdminUser | None:
        row = get_user(services.uow(), int(user_id)) if user_id.isdigit() else None
        return AdminUser(row.id, row.username, row.role, row.locale) if row else None


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField(lazy("Username"), validators=[DataRequired()])
    password = PasswordField(lazy("Password"), validators=[DataRequired()])


def safe_target(target: str | None, fallback: str) -> str:
    """``target`` when it is a same-site path under /admin, else ``fallback``.

    Refused: other hosts (``//evil``, ``https://…``), backslashes browsers read as slashes,
    and control characters (a CR/LF would split the Location header).
    """
    if (target and len(target) <= 2000 and target.startswith("/admin")
            and target.isprintable() and "\\" not in target
            and not urlsplit(target).netloc and not urlsplit(target).scheme):
        return target
    return fallback


def _safe_next(target: str | None) -> str:
    """Only same-site paths under /admin are followed after login."""
    return safe_target(target, url_for("admin.index"))


def screen_of(target: str) -> str:
    """The page a GET of which shows the same screen as ``target`` (post/redirect/get).

    After a POST that rendered a page (Validate, Run test cases, Backtest, a refused Save)
    the address is the POST's: its parent path is the screen it was sent from
    (``/admin/drafts/x/5/test`` -> ``/admin/drafts/x/5``). A path that answers GET is kept
    with its query (``/admin/customers/edit/?id=C-1``).
    """
    path, _sep, query = target.partition("?")
    adapter = current_app.url_map.bind("localhost")
    candidate = path
    while True:
        try:
            adapter.match(candidate, method="GET")
        except RequestRedirect:
            return candidate
        except HTTPException:
            parent = candidate.rstrip("/").rsplit("/", 1)[0]
            if len(parent) < len("/admin") or parent == candidate:
                return url_for("admin.index")
            candidate = parent
            continue
        return f"{candidate}?{query}" if candidate == path and query else candidate


class AuthView(BaseView):
    """Login, logout and the language switch (hidden from the menu, open to all)."""

    def __init__(self, services: Services, **kwargs: Any) -> None:
        self.services = services
        super().__init__(**kwargs)

    def is_visible(self) -> bool:
        """Not a menu entry."""
        return False

    @expose("/")
    def index(self) -> Response:
        """The login form."""
        return redirect(url_for(".login"))

    @expose("/login", methods=("GET", "POST"))
    def login(self) -> Any:
        """The login form; a wrong password says so and logs nobody in."""
        form = LoginForm()
        if form.validate_on_submit():
            try:
                user = throttle.log_in(self.services.uow(), form.username.data or "",
                                       form.password.data or "", request.remote_addr or "-",
                                       datetime.now(UTC))
            except throttle.LoginLocked as locked:
                flash(_("Too many failed logins. Try again in %(minutes)d minutes.",
                        minutes=locked.minutes), "error")
                return self.render("policy/login.html", form=form), 429
            if user is not None:
                login_user(AdminUser(user.id, user.username, user.role, user.locale))
                return redirect(_safe_next(request.args.get("next")))
            flash(lazy("Unknown user or wrong password."), "error")
        return self.render("policy/login.html", form=form)

    @expose("/logout", methods=("POST",))
    def logout(self) -> Response:
        """Log out (a POST with the CSRF token)."""
        csrf.protect()
        logout_user()
        return redirect(url_for("auth.login"))

    @expose("/locale/<code>", methods=("POST",))
    def set_locale(self, code: str) -> Response:
        """Switch the logged-in user's language and remember it on their users row."""
        csrf.protect()
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login"))
        if code not in LOCALES:
            abort(400)
        remember_locale(self.services.uow(), int(current_user.id), code)
        target = _safe_next(request.form.get("next") or (request.referrer and
                                                         urlsplit(request.referrer).path))
        return redirect(screen_of(target), code=303)
