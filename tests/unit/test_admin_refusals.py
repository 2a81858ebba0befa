"""Refusals read in the admin user's language: the templates match what services raise.

The services and the rule language keep raising English (the API's messages); the admin
translates by template (admin/refusal_messages.py). These tests fail when a template no
longer matches any message the code can build, when one lacks a Chinese translation with
the same placeholders, or when matching and filling a template does not give the text back.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import Babel, force_locale

from policy_service.admin.refusal_messages import HINTS, PHRASES, SENTENCES
from policy_service.admin.refusals import refusal, rule_error

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


SOURCE_PATTERNS = [re.compile(".*?".join(re.escape(piece) for piece in text.split("\x00")),
                              re.DOTALL) for text in set(_strings())
                   if len(text.replace("\x00", "").strip()) > 3]  # not a bare "{x}"


def _sample(template: str) -> str:
    return PLACEHOLDER.sub(lambda m: f"<{m.group(1)}>", template)


@pytest.mark.parametrize("template", SENTENCES)
def test_each_template_is_a_message_the_code_can_build(template: str) -> None:
    if not PLACEHOLDER.sub("", template).strip(" :;"):
        pytest.skip("two values joined (a field and its problem), not a sentence to find")
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
