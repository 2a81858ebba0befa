"""Formula-looking text is neutralised; numbers, negative amounts included, are not."""

from __future__ import annotations

import pytest

from policy_service.services.spreadsheet import safe_cell


@pytest.mark.parametrize("text", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\r=1"])
def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["-12.50", "12.50", "Acme = fine", "", None, 3])
def test_numbers_and_harmless_text_stay_as_they_are(value: object) -> None:
    assert safe_cell(value) == value
