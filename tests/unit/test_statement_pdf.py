"""The statement PDF read back as a reader sees it: pages, numbers, lines and balances."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from policy_service.domain.money import money_text
from policy_service.services.receivables import statement_pdf


def document(lines: int, currency: str = "CNY") -> dict[str, Any]:
    """A statement body of ``lines`` lines (invoices and part payments), as the API gives it."""
    balance, rows = Decimal("250.00"), []
    start = date(2026, 1, 1)
    for n in range(lines):
        day = (start + timedelta(days=n // 40)).isoformat()
        if n % 3 == 2:
            amount = Decimal(f"{n * 7 % 900 + 1}.25")
            balance -= amount
            rows.append({"date": day, "type": "payment", "ref": f"P-{n}",
                         "description": {"zh": f"付款，发票 I-{n - 1}",
                                         "en": f"payment on invoice I-{n - 1}"},
                         "debit": "0.00", "credit": f"{amount}", "balance": f"{balance}"})
        else:
            amount = Decimal(f"{n * 13 % 5000 + 100}.50")
            balance += amount
            rows.append({"date": day, "type": "invoice", "ref": f"I-{n}",
                         "description": {"zh": f"发票 I-{n}，到期日 {day}",
                                         "en": f"invoice I-{n}, due {day}"},
                         "debit": f"{amount}", "credit": "0.00", "balance": f"{balance}"})
    debit = sum(Decimal(r["debit"]) for r in rows)
    credit = sum(Decimal(r["credit"]) for r in rows)
    return {"customer_id": "C-9", "name": "华东贸易 & Co.", "currency": currency,
            "from": "2026-01-01", "to": "2026-12-31", "opening_balance": "250.00",
            "closing_balance": f"{balance}", "total_debit": f"{debit}",
            "total_credit": f"{credit}", "lines": rows}


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_every_line_reads_back_in_order_with_its_balance_and_every_page_is_numbered() -> None:
    body = document(700)
    text = pages(statement_pdf.render(body))
    total = len(text)
    assert total == statement_pdf.page_count(len(body["lines"]) + 1) > 10
    for number, page in enumerate(text, start=1):
        assert f"Page {number} of {total}" in page and f"第 {number} / {total} 页" in page
        assert "余额 / Balance" in page  # the header row on every page
    assert "对账单 / Statement of account" in text[0] and "华东贸易 & Co." in text[0]
    assert f"期初余额 / Opening balance: {money_text(Decimal('250.00'), 'CNY')}" in text[0]
    joined = "\n".join(text)
    rows = [line for line in joined.splitlines() if re.match(r"\d{4}-\d\d-\d\d ", line)]
    assert len(rows) == len(body["lines"])
    for row, line in zip(rows, body["lines"], strict=True):
        assert line["ref"] in row and line["description"]["zh"] in row
        assert row.endswith(money_text(Decimal(line["balance"]), "CNY"))
    english = set(joined.splitlines())
    assert all(line["description"]["en"] in english for line in body["lines"])
    totals = next(line for line in joined.splitlines() if line.startswith("合计 / Totals"))
    assert totals.endswith(money_text(Decimal(body["closing_balance"]), "CNY"))
    assert money_text(Decimal(body["total_debit"]), "CNY") in totals


def test_yen_amounts_have_no_decimals_and_a_long_ref_stays_whole() -> None:
    body = document(3, "JPY")
    for line in body["lines"]:
        for key in ("debit", "credit", "balance"):
            line[key] = str(Decimal(line[key]).quantize(Decimal(1)))
    body["lines"][0]["ref"] = "INV-2026-000000123456789/ADJ-42"
    body["closing_balance"] = body["lines"][-1]["balance"]
    (page,) = pages(statement_pdf.render(body))
    assert "INV-2026-000000123456789/ADJ-42" in page
    assert f"{Decimal(body['closing_balance']):,} JPY" in page and ".00 JPY" not in page


@pytest.mark.skipif(not any(path.is_file() for path, _i in statement_pdf.FONT_FILES),
                    reason="no CJK TrueType font installed")
def test_the_installed_cjk_font_is_embedded() -> None:
    reader = PdfReader(io.BytesIO(statement_pdf.render(document(5))))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    embedded = [font.get_object() for font in fonts.values()
                if "/FontDescriptor" in font.get_object()]
    assert any("/FontFile2" in font["/FontDescriptor"] for font in embedded)
