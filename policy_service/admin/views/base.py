"""Role-checked base views: every screen decides on the server who may read and who may change."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from flask import abort, redirect, request, url_for
from flask_admin import BaseView
from flask_admin.contrib.sqla import ModelView
from flask_admin.model import typefmt

from policy_service.admin import auth
from policy_service.admin.formatting import when
from policy_service.admin.web import csrf
from policy_service.container import Services
from policy_service.services.spreadsheet import BOM, safe_cell

WRITE_ENDPOINTS = {
    "create_view": "can_create", "edit_view": "can_edit", "delete_view": "can_delete",
    "action_view": "can_edit", "ajax_update": "can_edit",
}


class RoleChecked:
    """Readers see the screen; anonymous visitors are sent to log in; others get 403."""

    read_roles: Iterable[str] = auth.STAFF

    def is_accessible(self) -> bool:
        """Logged in with one of `read_roles`."""
        return auth.has_role(*self.read_roles)

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        """Anonymous: to the login form; logged in with the wrong role: 403."""
        if auth.role() is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return abort(403)


class ProtectedView(RoleChecked, BaseView):
    """A custom screen over the services: role-checked, and every POST must carry the
    Flask-WTF CSRF token."""

    write_roles: Iterable[str] = ()

    def __init__(self, services: Services, **kwargs: Any) -> None:
        self.services = services
        super().__init__(**kwargs)

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        denied = super()._handle_view(name, **kwargs)
        if denied is not None:
            return denied
        if request.method == "POST":
            if not auth.has_role(*self.write_roles):
                abort(403)
            csrf.protect()
        return None

    def can_write(self) -> bool:
        """True when the current user may change things here."""
        return auth.has_role(*self.write_roles)


class SecureModelView(RoleChecked, ModelView):
    """A model screen with per-role create/edit/delete, refused with 403, and CSRF on POST.

    The form carries one token: Flask-Admin's templates put the Flask-WTF ``csrf_token()``
    in every form, so the WTForms form itself must not add a second one (a ``SecureForm``
    did, the browser sent both, the first was checked and every save failed).
    """

    write_roles: Iterable[str] = ()
    create_roles: Iterable[str] = ()
    delete_roles: Iterable[str] = ()
    can_view_details = True
    page_size = 50

    @property
    def can_create(self) -> bool:
        """Per role."""
        return auth.has_role(*self.create_roles)

    @can_create.setter
    def can_create(self, _value: bool) -> None:
        pass

    @property
    def can_edit(self) -> bool:
        """Per role."""
        return auth.has_role(*self.write_roles)

    @can_edit.setter
    def can_edit(self, _value: bool) -> None:
        pass

    @property
    def can_delete(self) -> bool:
        """Per role."""
        return auth.has_role(*self.delete_roles)

    @can_delete.setter
    def can_delete(self, _value: bool) -> None:
        pass

    column_type_formatters_export = {  # noqa: RUF012
        **typefmt.EXPORT_FORMATTERS,
        datetime: lambda _view, value, _name: when(value),  # POLICY_TIMEZONE, to the minute
        date: lambda _view, value, _name: value.isoformat()}

    def get_export_value(self, model: Any, name: str) -> Any:
        """Exports never hand a spreadsheet a formula."""
        return safe_cell(super().get_export_value(model, name))

    def _export_csv(self, return_url: Any) -> Any:
        """Flask-Admin's CSV, starting with a BOM so Excel reads it as UTF-8 (Chinese)."""
        response = super()._export_csv(return_url)
        response.response = itertools.chain([BOM], response.response)
        return response

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        denied = super()._handle_view(name, **kwargs)
        if denied is not None:
            return denied
        permission = WRITE_ENDPOINTS.get(name)
        if permission and not getattr(self, permission):
            abort(403)
        if permission and request.method == "POST":  # custom screens check their own
            csrf.protect()
        return None


class ReadOnlyModelView(SecureModelView):
    """History and decisions: nobody creates, edits or deletes, whatever the role."""

    can_export = True

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        denied = super()._handle_view(name, **kwargs)
        if denied is not None:
            return denied
        if request.method not in ("GET", "HEAD"):
            abort(403)
        return None
