"""The README documents what the code defines."""

from __future__ import annotations

from policy_service.cli.docs import readme_section, vocabulary_section
from policy_service.config import PROJECT_ROOT


def test_the_readme_vocabulary_is_the_one_the_code_defines() -> None:
    assert readme_section(PROJECT_ROOT / "README.md") == vocabulary_section().strip("\n"), (
        "run: policy-service rules vocabulary --update-readme")


def test_the_readme_starts_with_the_two_commands() -> None:
    head = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")[:400]
    assert "make run" in head and "make test" in head
