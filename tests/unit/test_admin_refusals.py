"""Refusals read in the admin user's language: the templates match what services raise.

The services and the rule language keep raising English (the API's messages); the admin
translates by template (admin/refusal_messages.py). These tests fail when a template no
longer matches any message the code can build, when one lacks a Chinese translation with
the same placeholders, or when matching and filling a template does not give the text back.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import Babel, force_locale

from policy_service.admin.refusal_messages import HINTS, PHRASES, SENTENCES
from policy_service.admin.refusals import refusal, rule_error
from policy_service.language.errors import Located
from policy_service.language.kinds_account import validate_review_then
from policy_service.language.lexer import tokenize
from policy_service.language.templates import parse_template

PACKAGE = Path(__file__).resolve().parents[2] / "policy_service"
CATALOGUE = PACKAGE / "admin" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
SOURCES = ("services", "language", "domain", "admin/ruleform.py")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _strings() -> Iterator[str]:
    """Every string the code writes, an f-string's values as ``\\x00``."""
    for root in SOURCES:
        path = PACKAGE / root
        for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if isinstance(node, ast.JoinedStr):
                    yield "".join(part.value if isinstance(part, ast.Constant) else "\x00"
                                  for part in node.values)
                elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                    yield node.value




# Calls that build a refusal, and which argument is its message.
MESSAGE_ARGUMENT = {"NotFound": 0, "Conflict": 0, "Invalid": 0, "Forbidden": 0, "Unauthorized": 0,
                    "Unavailable": 0, "ServiceError": 0, "ParseError": 0, "TemplateError": 0,
                    "CompileError": 0, "Located": 0, "error": 0, "fail": 1, "_err": 2,
                    "rule_error": 2, "RuleError": 4}  # (rule, field, line, column, message)
# Messages left in English on purpose, each with why.
LEFT = {
    # operators' messages (CLI, start-up, logs): never on an admin screen
    "the test clock is off: start the service and commands with POLICY_TEST_CLOCK=1 to set "
    "the business date": "operator set-up",
    "the business date: \x00": "operator set-up (test clock)",
    "as-of \x00 is after today (\x00): a day cannot be run before it comes": "CLI day run",
    "shard must look like I/N (e.g. 0/4), got \x00": "CLI day run",
    "shard \x00: need 0 <= I < N": "CLI day run",
    "rule set %s v%s failed to compile; keeping the previous version: %s": "a log line",
    "rule set \x00 does not compile: \x00": "start-up: a published version the engine refuses",
    # the compiler's guards: the checker refuses these first, so they mean a bug
    "not a condition: \x00": "internal guard",
    "a text comparison needs a field and a quoted value": "internal guard",
    "facts are encoded for two-level names (group.field) only": "internal guard",
}


def _text(node: ast.AST) -> str | None:
    """A string, an f-string (values as ``\\x00``) or a sum of them, else None."""
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "\x00"
                       for part in node.values)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return "".join(_text(side) or "\x00" for side in (node.left, node.right))
    return None


def _messages() -> Iterator[str]:
    """Every message a refusal is built with, and every ``*_problem`` function's answer."""
    for root in SOURCES:
        path = PACKAGE / root
        for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                found: list[ast.AST] = []
                if isinstance(node, ast.FunctionDef) and node.name.endswith("problem"):
                    found = [sub.value for sub in ast.walk(node)
                             if isinstance(sub, ast.Return) and sub.value is not None]
                elif isinstance(node, ast.Call):
                    name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
                    index = MESSAGE_ARGUMENT.get(name)
                    if index is not None and any(isinstance(arg, ast.Starred)
                                                 for arg in node.args[:index]):
                        index -= 1  # RuleError(rule, field, *position, message)
                    found = node.args[index:index + 1] if index is not None else []
                yield from (text for text in map(_text, found) if text is not None)


def _covered(message: str) -> bool:
    """Some whole-sentence template reads like ``message`` (either way round)."""
    source = re.compile(".*?".join(re.escape(piece) for piece in message.split("\x00")),
                        re.DOTALL)
    filled = message.replace("\x00", "'x'")
    for template in (*SENTENCES, *HINTS, *PHRASES):
        if not PLACEHOLDER.sub("", template).strip(" :;"):
            continue  # "%(field)s: %(message)s" would cover anything
        pattern = re.compile(".+?".join(re.escape(piece)
                                        for piece in PLACEHOLDER.split(template)[::2]), re.DOTALL)
        if pattern.fullmatch(filled) or any(source.fullmatch(PLACEHOLDER.sub(value, template))
                                            for value in ("x", "'x'")):
            return True
    return False


def test_every_message_the_code_can_build_has_a_template() -> None:
    messages = set(_messages())
    assert len(messages) > 150  # the scan still finds the refusals
    missing = sorted(text.replace("\x00", "{…}") for text in messages - set(LEFT)
                     if not _covered(text))
    assert missing == [], "messages without a template:\n" + "\n".join(missing)
    assert set(LEFT) <= messages, "LEFT names a message the code no longer builds"
    assert not [text for text in LEFT if _covered(text)], "LEFT names a translated message"


SOURCE_PATTERNS = [re.compile(".*?".join(re.escape(piece) for piece in text.split("\x00")),
                              re.DOTALL) for text in set(_strings()) | set(_messages())
                   if len(text.replace("\x00", "").strip()) > 3]  # not a bare "{x}"


def _sample(template: str) -> str:
    return PLACEHOLDER.sub(lambda m: f"<{m.group(1)}>", template)


# A template with nothing but placeholders joins two values (a field and its problem): it is
# not a sentence the code writes, so there is nothing to find for it.
WORDED = [t for t in SENTENCES if PLACEHOLDER.sub("", t).strip(" :;")]


@pytest.mark.parametrize("template", WORDED)
def test_each_template_is_a_message_the_code_can_build(template: str) -> None:
    sample = _sample(template).replace("'<", "<").replace(">'", ">").replace('"<', "<") \
        .replace('>"', ">")  # a value shown with repr() carries its own quotes
    assert any(pattern.fullmatch(sample) or pattern.fullmatch(_sample(template))
               for pattern in SOURCE_PATTERNS), f"no service or parser message reads {template!r}"


@pytest.fixture(scope="module")
def app() -> Flask:
    app = Flask(__name__)
    Babel(app, default_translation_directories=str(PACKAGE / "admin" / "translations"))
    return app


def test_every_template_and_phrase_has_a_chinese_translation_with_the_same_values() -> None:
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    for template in (*SENTENCES, *HINTS, *PHRASES):
        message = catalogue.get(template)
        assert message is not None and message.string, template
        assert set(PLACEHOLDER.findall(message.string)) == set(PLACEHOLDER.findall(template))
        assert re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", message.string), (
            template, message.string)  # Chinese words or at least Chinese punctuation


def test_in_english_a_refusal_reads_as_the_service_wrote_it(app: Flask) -> None:
    with app.test_request_context(), force_locale("en"):
        for template in SENTENCES:
            text = _sample(template)
            assert refusal(text) == text


@pytest.mark.parametrize(("english", "chinese"), [
    ("cannot submit draft 3: 2 of 21 test cases fail (rules/credit_approval.cases.json); fix "
     "the rules, or change the draft's cases so the approver sees the new expectation",
     "无法提交草稿 3：21 个测试用例中有 2 个未通过（rules/credit_approval.cases.json）；"
     "请修正规则，"
     "或修改草稿的测试用例，让审批人看到新的预期。"),
    ("cannot approve draft 7: it is draft, not submitted",
     "无法批准草稿 7：其状态为“草稿”，而不是“已提交”。"),
    ("only an open invoice can be written off; SH-1 is written_off",
     "只有未结发票才能核销；发票 SH-1 的状态为“已核销”。"),
    ("1 error(s) in the rule set: cannot compare a text value with a number",
     "规则集中有 1 处错误：文本值不能与数字比较。"),
    ("a status change needs a reason; unknown tier 'Z'",
     "变更状态必须填写原因。 未知的信用等级“Z”。"),
    ("credit_limit: JPY amounts have no decimals", "信用额度：JPY 金额不能有小数。"),
    ("payment 500.00 exceeds the open amount 300.00 (the written-off amount still unrecovered)",
     "付款 500.00 超过了未结金额 300.00（即已核销但尚未收回的金额）。"),
    ("paid_at 2026-12-09: after today (2026-12-07)",
     "付款起息日 2026-12-09 晚于今天（2026-12-07）。"),
    ("something nobody wrote a template for", "something nobody wrote a template for"),
])
def test_in_chinese_a_refusal_is_the_whole_translated_sentence_with_its_values(
        app: Flask, english: str, chinese: str) -> None:
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        assert refusal(english) == chinese


def test_a_parser_error_and_what_was_expected_are_both_translated(app: Flask) -> None:
    error = {"rule": "over_limit", "field": "when", "line": 1, "column": 31,
             "message": "expected a value, found the end of the expression",
             "expected": "a name, a number, a string, true, false, not, - or ("}
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        shown = rule_error(error)
    assert shown["message"] == "此处应为一个值，实际为表达式结尾。"
    assert shown["expected"] == "名称、数字、字符串、true、false、not、- 或 ("
    assert error["message"].startswith("expected")  # the API's dict is left as it was


def _raised(build: Callable[[], object]) -> Located:
    with pytest.raises(Located) as caught:
        build()
    return caught.value


def test_the_languages_limits_and_then_checks_read_in_chinese(app: Flask) -> None:
    number = _raised(lambda: tokenize("order.amount > 123456789012345678901234567890"))
    unclosed = _raised(lambda: parse_template("余额 {customer.balance"))
    then = {"action": "boost", "code": "X_Y", "message": {"zh": "甲", "en": "a"},
            "limit_change_percent": "5000", "tier_steps": 9}
    review = {error.field: error.message for error in validate_review_then("r", then)}
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        assert refusal(number.message) == "数字最多只能有 20 位有效数字，这个数字有 30 位。"
        assert refusal(str(number.expected)) == "不超过 20 位的数字"
        assert refusal(unclosed.message) == "“{”没有闭合。"
        assert refusal(review["then.action"]) == "未知的动作 'boost'。"
        assert refusal(review["then.limit_change_percent"]) == (
            "额度调整（%） 必须是 -100 到 999 之间的数字（文本），当前为 '5000'。")
        assert refusal(review["then.tier_steps"]) == (
            "等级调整级数 必须是 -3 到 3 之间的整数，当前为 9。")
