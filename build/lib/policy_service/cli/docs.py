"""The README's vocabulary section, generated from the code that defines the vocabularies."""

from __future__ import annotations

import re
from pathlib import Path

from policy_service.language.kinds import KINDS
from policy_service.language.vocabulary import vocabulary_markdown

START, END = "<!-- vocabulary:start -->", "<!-- vocabulary:end -->"


def vocabulary_section() -> str:
    """One table per rule set kind, in registration order."""
    parts = [f"### `{name}`\n\n{vocabulary_markdown(kind.vocabulary).rstrip()}\n"
             for name, kind in KINDS.items()]
    return "\n".join(parts)


def update_readme(readme: Path) -> bool:
    """Rewrite the section between the markers; returns True when the file changed."""
    text = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.DOTALL)
    updated = pattern.sub(lambda _: f"{START}\n{vocabulary_section()}{END}", text)
    if updated != text:
        readme.write_text(updated, encoding="utf-8")
    return updated != text


def readme_section(readme: Path) -> str:
    """What the README currently holds between the markers."""
    text = readme.read_text(encoding="utf-8")
    return text.split(START, 1)[1].split(END, 1)[0].strip("\n")
