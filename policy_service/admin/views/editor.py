"""The rule set editor for drafts: one row per rule or raw JSON, and the lifecycle buttons."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import flash, redirect, request, url_for
from flask_admin import expose

from policy_service.admin import auth, refusals, rule_order, ruleform
from policy_service.admin.i18n import _
from policy_service.admin.refusals import refusal
from policy_service.admin.views.base import ProtectedView
from policy_service.admin.views.draft_review import DraftReviewMixin, pretty, shown
from policy_service.domain.remedy_targets import lever_report
from policy_service.language.document import RuleSetInvalid, load_ruleset
from policy_service.language.kinds import KINDS
from policy_service.language.vocabulary import LEVERS
from policy_service.services.errors import Invalid, ServiceError
from policy_service.services.rules import backtest, lifecycle, rebase, registry

# Each takes (services, ruleset, draft_id, actor, note); rebase is handled on its own.
ACTIONS: dict[str, Callable[..., Any]] = {
    "submit": lambda app, *args: lifecycle.submit_draft(app.uow(), app.settings.rules_dir, *args),
    "approve": lambda app, *args: lifecycle.approve_draft(app.uow(), app.rulesets,
                                                          app.settings.rules_dir, *args),
    "reject": lambda app, *args: lifecycle.reject_draft(app.uow(), *args),
}


DONE: dict[str, Callable[[int], str]] = {
    "submit": lambda n: _("Draft %(id)d was submitted for approval.", id=n),
    "approve": lambda n: _("Draft %(id)d was approved and published.", id=n),
    "reject": lambda n: _("Draft %(id)d was rejected.", id=n),
}


def _rebased(merged: dict[str, Any]) -> str:
    """What a rebase did, in one sentence the author can act on."""
    taken, conflicts = len(merged["taken"]), len(merged["conflicts"])
    if conflicts:
        return _("Merged %(taken)d change(s) from the published version; %(n)d rule(s) were "
                 "changed on both sides: resolve each conflict below.", taken=taken,
                 n=conflicts)
    return _("Rebased onto v%(v)d: %(taken)d change(s) from the published version merged, "
             "no conflicts.", v=merged["draft"]["base_version"], taken=taken)


def _grown(rows: list[dict[str, Any]], copy: str | None) -> list[dict[str, Any]]:
    """The rows with a copy of row `copy` after it, or an empty rule at the end (not saved)."""
    if copy is not None and copy.isdigit() and int(copy) < len(rows):
        index = int(copy)
        twin = {**rows[index], "name": f"{rows[index]['name']}_copy"}
        return [*rows[:index + 1], twin, *rows[index + 1:]]
    return [*rows, ruleform.blank_like(rows[-1])] if rows else rows


def _shown_error(error: Any) -> dict[str, Any]:
    """A located rule error in the user's language, what was expected in the same sentence."""
    shown = refusals.rule_error(error)
    if shown.get("expected"):
        shown["message"] = _("%(message)s (expected: %(expected)s)",
                             message=shown["message"], expected=shown.pop("expected"))
    return shown


def code_label(code: str) -> str:
    """A code in a choice list: the code the rules store, with its translation if it has one."""
    shown = _(code)
    return code if shown == code else f"{code} – {shown}"


def _levers(name: str, document: Any) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """Which rules of a credit_approval draft have remedies on which levers (none for
    another kind, or a draft that does not validate)."""
    if name != "credit_approval":
        return []
    try:
        return lever_report(load_ruleset(document, name))
    except RuleSetInvalid:
        return []


class DraftEditorView(DraftReviewMixin, ProtectedView):
    """Drafts of every rule set; risk managers edit, test, backtest, submit and approve."""

    write_roles = (auth.RISK,)

    @expose("/")
    def index(self) -> Any:
        """Each rule set, its published version and its drafts."""
        with self.services.database.sessions() as session:
            published = {row.name: row.version for row in registry.newest_versions(session)}
        drafts = {name: lifecycle.list_drafts(self.services.uow(), name) for name in published}
        return self.render("policy/drafts.html", published=published, drafts=drafts)

    @expose("/<ruleset>/new", methods=("POST",))
    def new(self, ruleset: str) -> Any:
        """A new draft holding the published document."""
        with self.services.database.sessions() as session:
            document = registry.get_version(session, ruleset).document
        draft = lifecycle.create_draft(self.services.uow(), self.services.rulesets, ruleset,
                                       document, auth.actor())
        return redirect(url_for(".edit", ruleset=ruleset, draft_id=draft["draft_id"]))

    @expose("/<ruleset>/<int:draft_id>")
    def edit(self, ruleset: str, draft_id: int) -> Any:
        """The editor with the stored draft."""
        return self._page(ruleset, draft_id)

    @expose("/<ruleset>/<int:draft_id>/save", methods=("POST",))
    def save(self, ruleset: str, draft_id: int) -> Any:
        """Save the rows (or the raw JSON); every error is shown where it is, nothing saved."""
        return self._check(ruleset, draft_id, store=True)

    @expose("/<ruleset>/<int:draft_id>/validate", methods=("POST",))
    def validate(self, ruleset: str, draft_id: int) -> Any:
        """Check the rows (or raw JSON) without saving."""
        return self._check(ruleset, draft_id, store=False)

    @expose("/<ruleset>/<int:draft_id>/test", methods=("POST",))
    def test(self, ruleset: str, draft_id: int) -> Any:
        """Run the rule set's test cases against the stored draft."""
        result = backtest.test_draft(self.services.uow(), self.services.settings.rules_dir,
                                     ruleset, draft_id, auth.actor())
        return self._page(ruleset, draft_id, tested=result)

    @expose("/<ruleset>/<int:draft_id>/backtest", methods=("POST",))
    def backtest(self, ruleset: str, draft_id: int) -> Any:
        """Replay recent decisions through the draft and the published version."""
        result = backtest.backtest_draft(self.services.uow(), ruleset, draft_id, auth.actor())
        return self._page(ruleset, draft_id, backtested=result)

    @expose("/<ruleset>/<int:draft_id>/<action>", methods=("POST",))
    def act(self, ruleset: str, draft_id: int, action: str) -> Any:
        """Submit, approve, reject (with a note) or rebase; refusals are shown, nothing changes."""
        if action not in (*ACTIONS, "rebase"):
            return self._page(ruleset, draft_id), 404
        note = (request.form.get("note") or "").strip() or None
        try:
            if action == "rebase":
                merged = rebase.rebase_draft(self.services.uow(), self.services.rulesets,
                                             ruleset, draft_id, auth.actor())
            else:
                ACTIONS[action](self.services, ruleset, draft_id, auth.actor(), note)
        except ServiceError as exc:
            flash(refusal(exc.message), "error")
        else:
            flash(_rebased(merged) if action == "rebase" else DONE[action](draft_id), "success")
        return redirect(url_for(".edit", ruleset=ruleset, draft_id=draft_id))

    def _check(self, name: str, draft_id: int, *, store: bool) -> Any:
        raw = request.form.get("mode") == "json"
        rows = ruleform.rows_from_form(request.form)
        description = request.form.get("description", "")
        move = None if raw else rule_order.move_request(request.form)
        if move is not None:  # shown in the new order; Save keeps it
            return self._page(name, draft_id, rows=rule_order.moved(rows, *move),
                              description=description)
        if not raw and (request.form.get("add_rule") or request.form.get("copy_rule")):
            return self._page(name, draft_id, rows=_grown(rows, request.form.get("copy_rule")),
                              description=description)
        problems: list[tuple[int, str, str]] = []
        if raw:
            try:
                document = json.loads(request.form.get("document") or "")
            except ValueError as exc:
                return self._page(name, draft_id, raw_text=request.form.get("document"),
                                  general=[_("Not valid JSON: %(error)s", error=str(exc))]), 422
        else:
            document, problems = ruleform.document_from_rows(name, description, rows)
        try:
            if problems:
                raise Invalid("", fields={"rules": []})
            if store:
                lifecycle.update_draft(self.services.uow(), self.services.rulesets, name,
                                       draft_id, document, auth.actor())
            else:
                registry.compile_document(self.services.rulesets, document)
        except Invalid as exc:
            errors = [_shown_error(e) for e in exc.fields.get("rules", [])] or (
                [] if problems else [{"message": refusal(exc.message)}])
            shown_rows = ruleform.rows_from_document(document) if raw else rows
            placed, general = ruleform.located_errors(errors, shown_rows)
            for index, field, message in problems:
                placed.setdefault((index, field), []).append(refusal(message))
            return self._page(name, draft_id, rows=shown_rows, description=description,
                              placed=placed, general=general,
                              raw_text=request.form.get("document") if raw else None), 422
        except ServiceError as exc:
            flash(refusal(exc.message), "error")
            return redirect(url_for(".edit", ruleset=name, draft_id=draft_id))
        flash(_("Saved: the draft is valid.") if store else _("Valid: no errors found."),
              "success")
        if store:
            return redirect(url_for(".edit", ruleset=name, draft_id=draft_id))
        return self._page(name, draft_id, rows=rows, description=description)

    def _page(self, name: str, draft_id: int, *, rows: list[dict[str, Any]] | None = None,
              description: str | None = None, placed: dict[Any, list[str]] | None = None,
              general: list[str] | None = None, raw_text: str | None = None,
              tested: dict[str, Any] | None = None,
              backtested: dict[str, Any] | None = None,
              cases_json: str | None = None) -> Any:
        draft = lifecycle.get_draft(self.services.uow(), name, draft_id)
        document = draft["document"]
        kind = KINDS.get(name)
        stored_cases, source = self.cases_text(name, draft_id)
        return self.render(
            "policy/editor.html", name=name, draft=draft,
            rows=rows if rows is not None else ruleform.rows_from_document(document),
            description=description if description is not None else
            document.get("description", ""),
            placed=placed or {}, general=general or [],
            raw_text=raw_text if raw_text is not None else
            json.dumps(document, ensure_ascii=False, indent=2),
            vocabulary=list(kind.vocabulary.values()) if kind else [],
            levers=_levers(name, document), lever_names=LEVERS,
            editable=self.can_write() and draft["status"] == "draft"
            and draft["author"] == auth.actor(),
            may_decide=self.can_write() and draft["status"] == "submitted"
            and draft["author"] != auth.actor(),
            tested=tested, backtested=backtested, review=self.review(name, draft),
            is_author=draft["author"] == auth.actor(),
            cases_json=cases_json if cases_json is not None else stored_cases,
            cases_source=source, shown=shown, pretty=pretty, code_label=code_label,
            choices=ruleform.choices_for(name),
        )
