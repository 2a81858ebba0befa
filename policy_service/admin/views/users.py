"""The users screen (admin role): create logins, change roles, reset passwords, deactivate."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import Admin, expose

from policy_service.admin import auth
from policy_service.admin.i18n import _, lazy
from policy_service.admin.refusals import refusal
from policy_service.admin.views.base import ProtectedView
from policy_service.container import Services
from policy_service.services.access import users
from policy_service.services.access.credentials import USER_ROLES
from policy_service.services.errors import ServiceError


class UsersView(ProtectedView):
    """Every login with its role and state; each change goes through services.access.users."""

    read_roles = (auth.ADMIN,)
    write_roles = (auth.ADMIN,)

    @expose("/")
    def index(self) -> Any:
        """The list of logins and the form for a new one."""
        with self.services.database.sessions() as session:
            rows = users.users(session)
        return self.render("policy/users.html", users=rows, roles=USER_ROLES,
                           me=auth.actor())

    @expose("/create", methods=("POST",))
    def create(self) -> Any:
        """A new login."""
        username = request.form.get("username", "")
        self._apply(lambda actor: users.add_user(
            self.services.uow(), username, request.form.get("role", ""),
            request.form.get("password", ""), actor),
            _("User %(name)s created.", name=username.strip()))
        return redirect(url_for(".index"))

    @expose("/<username>/change", methods=("POST",))
    def change(self, username: str) -> Any:
        """Change a role, reset a password, deactivate or activate (one button per form)."""
        action = request.form.get("action")
        uow = self.services.uow()
        if action == "role":
            role = request.form.get("role", "")
            self._apply(lambda actor: users.change_role(uow, username, role, actor),
                        _("%(name)s is now %(role)s.", name=username, role=_(role)))
        elif action == "password":
            password = request.form.get("password", "")
            self._apply(lambda actor: users.reset_password(uow, username, password, actor),
                        _("The password of %(name)s was reset.", name=username))
        elif action in ("deactivate", "activate"):
            active = action == "activate"
            self._apply(lambda actor: users.set_active(uow, username, active, actor),
                        _("%(name)s was activated.", name=username) if active
                        else _("%(name)s was deactivated.", name=username))
        else:
            abort(400)
        return redirect(url_for(".index"))

    @staticmethod
    def _apply(change: Any, done: str) -> None:
        try:
            change(auth.actor())
        except ServiceError as exc:
            flash(refusal(exc.message), "error")
        else:
            flash(done, "success")


def add_views(admin: Admin, services: Services) -> None:
    """Register the users screen."""
    admin.add_view(UsersView(services, name=lazy("Users"), endpoint="users"))
