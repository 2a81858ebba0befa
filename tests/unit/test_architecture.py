"""The layout guards itself: a pure core, services that never see the container, edges
without SQLAlchemy, every endpoint role-checked, small modules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from flask import Flask

from policy_service.api.wiring import API_CONFIG, init_api

PACKAGE = Path(__file__).resolve().parents[2] / "policy_service"
MAX_LINES = 300
OUTSIDE = ("flask", "sqlalchemy", "durable", "durable_rules_engine", "marshmallow")


def _modules(folder: str) -> list[str]:
    root = PACKAGE / folder
    return sorted("policy_service." + ".".join(p.relative_to(PACKAGE).with_suffix("").parts)
                  .removesuffix(".__init__") for p in root.rglob("*.py"))


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_pure_core_loads_without_flask_sqlalchemy_or_durable_rules() -> None:
    core = _modules("language") + _modules("domain")
    assert "policy_service.language.compiler" in core and "policy_service.domain.money" in core
    code = (f"import sys\nfor m in {core!r}: __import__(m)\n"
            f"print(sorted(m for m in {OUTSIDE!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_services_never_import_the_container() -> None:
    offenders = sorted(str(path.relative_to(PACKAGE))
                       for path in (PACKAGE / "services").rglob("*.py")
                       if any(name.startswith("policy_service.container")
                              for name in _imports(path)))
    assert offenders == []


EDGES = ("api", "admin")
STORAGE = ("sqlalchemy", "policy_service.db")


def test_no_module_under_api_or_admin_imports_sqlalchemy_or_the_models() -> None:
    offences = [f"{path.relative_to(PACKAGE)} imports {name}"
                for edge in EDGES for path in sorted((PACKAGE / edge).rglob("*.py"))
                for name in sorted(_imports(path))
                if any(name == banned or name.startswith(banned + ".") for banned in STORAGE)]
    assert offences == []


# api.md's role table, one row per endpoint: who may call it (sales: own customers).
ANY = ("order_system", "sales", "risk_manager", "auditor")
READ = ("risk_manager", "auditor")
RISK = ("risk_manager",)
ERP = ("order_system",)
ACT = ("order_system", "sales", "risk_manager")  # open a dispute, log a contact
OWN = ("sales", "risk_manager", "auditor")  # collections reads; sales: own customers
ROLE_MATRIX = {
    ("PUT", "/v1/customers/<customer_id>"): ERP,
    ("GET", "/v1/customers/<customer_id>/credit"): ANY,
    ("GET", "/v1/customers/<customer_id>/invoices"): ANY,
    ("GET", "/v1/customers/<customer_id>/payments"): ANY,
    ("PUT", "/v1/customers/<customer_id>/status"): RISK,
    ("POST", "/v1/invoices"): ERP,
    ("GET", "/v1/invoices/<invoice_id>"): ANY,
    ("POST", "/v1/payments"): ERP,
    ("POST", "/v1/credit-checks"): ERP,
    ("GET", "/v1/credit-checks/<decision_id>"): ANY,
    ("POST", "/v1/credit-checks/<decision_id>/release"): RISK,
    ("POST", "/v1/credit-checks/<decision_id>/reject"): RISK,
    ("POST", "/v1/orders/<order_id>/cancel"): ERP,
    ("GET", "/v1/rulesets"): READ,
    ("GET", "/v1/rulesets/<name>"): READ,
    ("GET", "/v1/rulesets/<name>/versions"): READ,
    ("GET", "/v1/rulesets/<name>/versions/<int:version>"): READ,
    ("POST", "/v1/rulesets/<name>/drafts"): RISK,
    ("GET", "/v1/rulesets/<name>/drafts"): READ,
    ("GET", "/v1/rulesets/<name>/drafts/<int:draft_id>"): READ,
    ("PUT", "/v1/rulesets/<name>/drafts/<int:draft_id>"): RISK,
    ("PATCH", "/v1/rulesets/<name>/drafts/<int:draft_id>"): RISK,
    ("POST", "/v1/rulesets/<name>/drafts/<int:draft_id>/test"): RISK,
    ("POST", "/v1/rulesets/<name>/drafts/<int:draft_id>/backtest"): RISK,
    ("POST", "/v1/rulesets/<name>/drafts/<int:draft_id>/submit"): RISK,
    ("POST", "/v1/rulesets/<name>/drafts/<int:draft_id>/approve"): RISK,
    ("POST", "/v1/rulesets/<name>/drafts/<int:draft_id>/reject"): RISK,
    ("POST", "/v1/rulesets/<name>/drafts/<int:draft_id>/rebase"): RISK,
    ("POST", "/v1/rulesets/<name>/drafts/<int:draft_id>/resolve"): RISK,
    ("GET", "/v1/rulesets/<name>/drafts/<int:draft_id>/cases"): READ,
    ("PUT", "/v1/rulesets/<name>/drafts/<int:draft_id>/cases"): RISK,
    ("POST", "/v1/rulesets/<name>/drafts/<int:draft_id>/discard"): RISK,
    ("POST", "/v1/rulesets/<name>/versions/<int:version>/rollback"): RISK,
    ("GET", "/v1/rulesets/<name>/versions/<int:version>/diff/<int:other>"): READ,
    ("GET", "/v1/rulesets/<name>/drafts/<int:draft_id>/diff"): READ,
    ("GET", "/v1/customers/<customer_id>/dunning"): READ,
    ("GET", "/v1/customers/<customer_id>/reviews"): READ,
    ("POST", "/v1/customers/<customer_id>/reviews/<int:review_id>/approve"): RISK,
    ("POST", "/v1/customers/<customer_id>/reviews/<int:review_id>/reject"): RISK,
    ("GET", "/v1/blacklist-candidates"): ("sales", "risk_manager", "auditor"),
    ("POST", "/v1/invoices/<invoice_id>/waive-penalty"): RISK,
    ("POST", "/v1/invoices/<invoice_id>/write-off"): RISK,
    ("GET", "/v1/reports/aging"): READ,
    ("GET", "/v1/clock"): ("order_system", "sales", "risk_manager", "auditor"),
    ("GET", "/v1/legal-cases"): ("sales", "risk_manager", "auditor"),
    ("POST", "/v1/legal-cases/<int:case_id>/close"): RISK,
    ("POST", "/v1/customers/<customer_id>/lift-stop-supply"): RISK,
    ("GET", "/v1/customers/<customer_id>/statement"): ("sales", "risk_manager", "auditor"),
    ("POST", "/v1/customers/<customer_id>/statement/send"): RISK,
    ("GET", "/v1/alerts"): ("sales", "risk_manager", "auditor"),
    ("GET", "/v1/reports/kpis"): ("sales", "risk_manager", "auditor"),
    ("POST", "/v1/invoices/<invoice_id>/disputes"): ACT,
    ("POST", "/v1/disputes/<dispute_id>/resolve"): RISK,
    ("GET", "/v1/customers/<customer_id>/disputes"): OWN,
    ("POST", "/v1/customers/<customer_id>/payment-plans"): RISK,
    ("GET", "/v1/customers/<customer_id>/payment-plans"): OWN,
    ("GET", "/v1/payment-plans/<plan_id>"): OWN,
    ("POST", "/v1/payment-plans/<plan_id>/cancel"): RISK,
    ("POST", "/v1/customers/<customer_id>/contacts"): ACT,
    ("GET", "/v1/customers/<customer_id>/contacts"): OWN,
    ("GET", "/v1/worklist"): OWN,
}


def test_every_v1_endpoint_admits_exactly_the_roles_of_the_role_table() -> None:
    app = Flask(__name__)
    app.config.update(API_CONFIG)
    init_api(app)
    found = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/v1"):
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            handler = getattr(getattr(view, "view_class", None), method.lower(), view)
            found[(method, rule.rule)] = tuple(getattr(handler, "_roles", ()))
    assert found == ROLE_MATRIX


def test_no_module_is_longer_than_300_lines() -> None:
    long = {str(path.relative_to(PACKAGE)): count for path in PACKAGE.rglob("*.py")
            if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}
