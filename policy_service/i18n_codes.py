"""Code values the admin translates by value (`_(row.status)`), marked so pybabel finds them.

Templates and views pass stored codes (statuses, roles, outcomes, classes, events) to
gettext at run time, so `pybabel extract` cannot see them; listing them here with the
no-op marker `N_` keeps them in the catalog (see babel.cfg and CONTRIBUTING.md). A new
code shown in the admin gets a line here and a translation in messages.po; one written
with underscores also gets an English label (``stop_supply`` reads "stop supply") in the
English catalog, translations/en, which holds nothing else.
"""

from __future__ import annotations


def N_(message: str) -> str:  # the gettext name for "mark only"
    """Mark ``message`` for extraction; return it unchanged."""
    return message


CODES = (
    # collections: contact channels and outcomes, instalment and plan states, plan steps
    N_("phone"), N_("visit"), N_("email"), N_("sms"), N_("letter"), N_("note"),
    N_("reached"), N_("no_answer"), N_("promised_to_pay"), N_("disputes_invoice"),
    N_("due"), N_("missed"), N_("plan_broken"), N_("resolved"),
    # customer statuses and tiers' outcomes
    N_("active"), N_("hold"), N_("stop_supply"), N_("in_collection"),
    N_("approve"), N_("approved_with_conditions"), N_("declined"), N_("reject"),
    # roles
    N_("admin"), N_("auditor"), N_("risk_manager"), N_("sales"),
    # invoices, receivable classes and legal cases
    N_("not_due"), N_("invoiced"), N_("paid"), N_("doubtful"), N_("bad_debt"),
    N_("cancelled"), N_("open"), N_("closed"), N_("pending"), N_("written_off"),
    N_("recovered"), N_("settled"), N_("uncollectable"),
    # adjustments
    N_("waive_penalty"), N_("write_off"),
    # limit review outcomes
    N_("raise"), N_("keep"), N_("cut"),
    # rule drafts: states and events
    N_("draft"), N_("submitted"), N_("approved"), N_("backtested"), N_("tested"),
    N_("edited"), N_("created"), N_("applied"), N_("superseded"), N_("rebase"),
    N_("submit"), N_("rollback_created"), N_("rebased"), N_("rebase_conflicts"),
    N_("conflict_resolved"), N_("cases_changed"), N_("discarded"),
    # a button label inside an f-string, which the extractor does not read (decisions view)
    N_("Release"),
    # rule diff rows
    N_("same"), N_("changed"), N_("added"), N_("removed"),
    # the users screen's refusals (services.access.users), translated by value
    N_("you cannot change your own role"), N_("you cannot deactivate yourself"),
    N_("password must have at least 8 characters"), N_("a username has 1 to 100 characters"),
    # customer statuses shown as values (the change history, the status choice)
    N_("blacklisted"),
    # dunning steps, their channels and actions (invoice detail)
    N_("reminder"), N_("due_today"), N_("overdue_notice"), N_("phone_follow_up"),
    N_("formal_demand_letter"), N_("legal_action"),
    N_("email"), N_("sms"), N_("letter"), N_("task"), N_("legal_case"),
    # the change history: what changed and which field
    N_("customer"), N_("tier"), N_("name"), N_("credit_limit"), N_("currency"),
    N_("collateral_amount"), N_("payment_term_days"), N_("status"), N_("status_reason"),
    N_("next_review_date"), N_("owner"), N_("phone"), N_("name_en"), N_("name_zh"),
    N_("review_interval_months"), N_("grace_days"),
    # early-warning alert levels
    N_("info"), N_("warning"), N_("critical"),
    # the rule editor's field labels: the keys of a rule's `then`, by kind
    N_("outcome"), N_("code"), N_("step"), N_("channels"), N_("actions"),
    N_("daily_rate_percent"), N_("cap_percent"), N_("action"), N_("limit_change_percent"),
    N_("tier_steps"), N_("class"), N_("provision_percent"), N_("min_invoices"),
    N_("window_days"),
)
