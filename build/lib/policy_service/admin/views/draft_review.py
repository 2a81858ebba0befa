"""The draft editor's lifecycle screens beyond editing: what the approver sees before
approving (diff, test cases, backtest), rebase conflicts, the draft's own test cases, and
discarding. Mixed into `DraftEditorView`, so its routes are `drafts.*`."""

from __future__ import annotations

import json
from typing import Any

from flask import flash, redirect, request, url_for
from flask_admin import expose

from policy_service.admin import auth
from policy_service.admin.i18n import _
from policy_service.admin.refusals import refusal
from policy_service.container import Services
from policy_service.services.errors import ServiceError
from policy_service.services.rules import backtest, diff, drafts, rebase
from policy_service.services.rules.diff import rule_changes

REVIEW_BACKTEST_LIMIT = 500


def changed_fields(diff_body: dict[str, Any]) -> list[dict[str, Any]]:
    """Rule by rule, only the fields that change: [{rule, state, fields: [(f, old, new)]}]."""
    rows = []
    for change in diff_body["changed"]:
        rows.append({"rule": change["rule"], "state": "changed", "fields": [
            (f, v["old"], v["new"]) for f, v in change["fields"].items()]})
    for state, key in (("added", "added"), ("removed", "removed")):
        for rule in diff_body[key]:
            fields = rule_changes({}, rule) if state == "added" else rule_changes(rule, {})
            rows.append({"rule": rule.get("name"), "state": state, "fields": [
                (f, v["old"], v["new"]) for f, v in fields.items() if f != "name"]})
    return rows


def shown(value: Any) -> str:
    """A field's value as the reviewer reads it: text as is, the rest as compact JSON."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def pretty(value: Any) -> str:
    """A whole rule for reading side by side: indented JSON, Chinese as Chinese."""
    return json.dumps(value, ensure_ascii=False, indent=2)


class DraftReviewMixin:
    """Review panel data and the POST routes for conflicts, cases and discard."""

    services: Services

    def review(self, name: str, draft: dict[str, Any]) -> dict[str, Any] | None:
        """What the approver must see before approving a submitted draft."""
        if draft["status"] != "submitted":
            return None
        draft_id = draft["draft_id"]
        body = diff.diff_draft(self.services.uow(), name, draft_id)
        tests = drafts.test_report(self.services.uow(), self.services.settings.rules_dir,
                                   name, draft_id)
        replay: dict[str, Any] | None = None
        error: str | None = None
        try:
            replay = backtest.preview(self.services.uow(), name, draft_id,
                                      REVIEW_BACKTEST_LIMIT)
        except ServiceError as exc:
            error = refusal(exc.message)
        return {"diff": body, "rows": changed_fields(body), "tests": tests,
                "backtest": replay, "backtest_error": error}

    def cases_text(self, name: str, draft_id: int) -> tuple[str, str]:
        """The draft's cases as editable JSON, and where they come from."""
        found = drafts.get_cases(self.services.uow(), self.services.settings.rules_dir, name,
                                 draft_id)
        return json.dumps(found["cases"], ensure_ascii=False, indent=2), found["source"]

    @expose("/<ruleset>/<int:draft_id>/resolve", methods=("POST",))
    def resolve(self, ruleset: str, draft_id: int) -> Any:
        """Keep the draft's side of one conflict, or take the published one."""
        key, take = request.form.get("key", ""), request.form.get("take", "")
        try:
            result = rebase.resolve_conflict(self.services.uow(), self.services.rulesets,
                                             ruleset, draft_id, auth.actor(), key, take)
        except ServiceError as exc:
            flash(refusal(exc.message), "error")
        else:
            left = len(result["conflicts"])
            flash(_("Conflict resolved; %(n)d left.", n=left) if left else
                  _("All conflicts resolved: the draft is now based on v%(v)d.",
                    v=result["draft"]["base_version"]), "success")
        return redirect(url_for(".edit", ruleset=ruleset, draft_id=draft_id))

    @expose("/<ruleset>/<int:draft_id>/cases", methods=("POST",))
    def cases(self, ruleset: str, draft_id: int) -> Any:
        """Store the draft's own cases (JSON), or go back to the shipped ones."""
        raw: list[Any] | None = None
        if request.form.get("use") != "shipped":
            try:
                raw = json.loads(request.form.get("cases") or "")
            except ValueError as exc:
                flash(_("The cases are not valid JSON: %(error)s", error=str(exc)), "error")
                return redirect(url_for(".edit", ruleset=ruleset, draft_id=draft_id,
                                        _anchor="cases"))
        try:
            drafts.set_cases(self.services.uow(), ruleset, draft_id, auth.actor(), raw)
        except ServiceError as exc:
            problems = "; ".join(f"{k}: {', '.join(map(str, v))}" if isinstance(v, list)
                                 else f"{k}: {v}" for k, v in exc.fields.items())
            flash(f"{refusal(exc.message)} {problems}".strip(), "error")
        else:
            flash(_("The draft's test cases were saved.") if raw is not None else
                  _("The draft is judged by the shipped test cases again."), "success")
        return redirect(url_for(".edit", ruleset=ruleset, draft_id=draft_id, _anchor="cases"))

    @expose("/<ruleset>/<int:draft_id>/discard", methods=("POST",))
    def discard(self, ruleset: str, draft_id: int) -> Any:
        """The author drops the draft; it stays listed as discarded."""
        note = (request.form.get("note") or "").strip() or None
        try:
            drafts.discard_draft(self.services.uow(), ruleset, draft_id, auth.actor(), note)
        except ServiceError as exc:
            flash(refusal(exc.message), "error")
            return redirect(url_for(".edit", ruleset=ruleset, draft_id=draft_id))
        flash(_("Draft %(id)d was discarded.", id=draft_id), "success")
        return redirect(url_for(".index"))
