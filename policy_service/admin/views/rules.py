"""Rule set history (read-only for everyone) with a side-by-side diff of two versions."""

from __future__ import annotations

import json
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import Admin, expose

from policy_service.admin import auth
from policy_service.admin.i18n import _, lazy
from policy_service.admin.refusals import refusal
from policy_service.admin.views import editor
from policy_service.admin.views.base import ProtectedView
from policy_service.container import Services
from policy_service.services.errors import NotFound, ServiceError
from policy_service.services.rules import lifecycle, registry
from policy_service.services.rules.diff import diff_documents


def side_by_side(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per rule name (old order, then added ones): both sides and the changed fields."""
    changes = diff_documents(old, new)
    changed = {c["rule"]: c["fields"] for c in changes["changed"]}
    olds = {r.get("name"): r for r in old.get("rules", [])}
    news = {r.get("name"): r for r in new.get("rules", [])}
    names = list(olds) + [n for n in news if n not in olds]
    rows = []
    for name in names:
        state = ("added" if name not in olds else "removed" if name not in news
                 else "changed" if name in changed else "same")
        rows.append({"name": name, "state": state, "fields": changed.get(name, {}),
                     "old": _pretty(olds.get(name)), "new": _pretty(news.get(name))})
    return rows


def _pretty(rule: dict[str, Any] | None) -> str:
    return json.dumps(rule, ensure_ascii=False, indent=2) if rule is not None else ""


class RuleHistoryView(ProtectedView):
    """Every published version: who wrote and approved it, its document, and diffs.

    Risk managers start a rollback here: a draft with an old version's document that is
    approved like any other and published as a new version (history is never rewritten)."""

    write_roles = (auth.RISK,)

    @expose("/")
    def index(self) -> Any:
        """Each rule set with its versions, newest first."""
        with self.services.database.sessions() as session:
            sets = {row.name: list(reversed(registry.list_versions(session, row.name)))
                    for row in registry.newest_versions(session)}
        return self.render("policy/rule_history.html", sets=sets)

    @expose("/<ruleset>/<int:version>")
    def version(self, ruleset: str, version: int) -> Any:
        """One version's document."""
        with self.services.database.sessions() as session:
            try:
                row = registry.get_version(session, ruleset, version)
            except NotFound:
                abort(404)
        return self.render("policy/rule_version.html", row=row,
                           document=json.dumps(row.document, ensure_ascii=False, indent=2))

    @expose("/<ruleset>/diff")
    def diff(self, ruleset: str) -> Any:
        """Two versions side by side (?old=N&new=M; default: the two newest)."""
        with self.services.database.sessions() as session:
            versions = registry.list_versions(session, ruleset)
            if not versions:
                abort(404)
            numbers = [v.version for v in versions]
            new = request.args.get("new", type=int) or numbers[-1]
            old = request.args.get("old", type=int) or (numbers[-2] if len(numbers) > 1
                                                        else numbers[-1])
            by_number = {v.version: v for v in versions}
            if old not in by_number or new not in by_number:
                abort(404)
            rows = side_by_side(by_number[old].document, by_number[new].document)
        return self.render("policy/rule_diff.html", name=ruleset, old=by_number[old],
                           new=by_number[new], numbers=numbers, rows=rows)


    @expose("/<ruleset>/<int:version>/rollback", methods=("POST",))
    def rollback(self, ruleset: str, version: int) -> Any:
        """A rollback draft of version `version`, with the reason; opens it in the editor."""
        note = (request.form.get("note") or "").strip()
        if not note:
            flash(_("A rollback needs a note saying why."), "error")
            return redirect(url_for(".index"))
        try:
            draft = lifecycle.rollback_version(self.services.uow(), self.services.rulesets,
                                               ruleset, version, auth.actor(), note)
        except ServiceError as exc:
            flash(refusal(exc.message), "error")
            return redirect(url_for(".index"))
        flash(_("Rollback draft %(id)d holds v%(v)d; submit it for a second risk manager's "
                "approval.", id=draft["draft_id"], v=version), "success")
        return redirect(url_for("drafts.edit", ruleset=ruleset, draft_id=draft["draft_id"]))


def add_views(admin: Admin, services: Services) -> None:
    """Register the rule set history and the draft editor."""
    category = lazy("Rules")
    admin.add_view(editor.DraftEditorView(services, name=lazy("Rule set drafts"),
                                          category=category, endpoint="drafts"))
    admin.add_view(RuleHistoryView(services, name=lazy("Rule set history"), category=category,
                                   endpoint="rulehistory"))
