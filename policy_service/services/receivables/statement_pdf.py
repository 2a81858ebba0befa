"""The printable statement (对账单 PDF), in Chinese and English, drawn with ReportLab.

Chinese needs a CJK font. The first installed one of ``FONT_FILES`` (Debian's
``fonts-wqy-microhei``, which ``make run`` and ``make test`` install) is embedded, subset to
the characters used; without one, ReportLab's built-in ``STSong-Light`` CID font is named
instead, which every PDF reader supplies itself. Nothing is downloaded.
"""

from __future__ import annotations

import io
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from policy_service.domain.money import money_text

FONT_FILES = (
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
)
FONT_NAME = "StatementCJK"
ROWS_PER_TABLE = 16  # lines of two text rows each: about one A4 landscape page
HEADER = ("日期 / Date", "类型 / Type", "单号 / Ref", "摘要 / Description", "借方 / Debit",
          "贷方 / Credit", "余额 / Balance")
COLUMNS = [22 * mm, 28 * mm, 34 * mm, 95 * mm, 32 * mm, 32 * mm, 32 * mm]
FALLBACK_FONT = "STSong-Light"

TYPE_NAMES = {
    "invoice": ("发票", "invoice"), "payment": ("付款", "payment"),
    "penalty": ("逾期罚款", "late interest"), "waiver": ("罚款减免", "waiver"),
    "credit_note": ("贷项通知单", "credit note"), "write_off": ("核销", "write-off"),
    "recovery": ("核销后收回", "recovery"),
}


@cache
def statement_font() -> str:
    """The registered CJK font's name: an installed TrueType font, else the CID fallback."""
    for path, index in FONT_FILES:
        if path.is_file():
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=index))
            return FONT_NAME
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


def money(value: str, currency: str) -> str:
    """ "12000.00", CNY -> "12,000.00 CNY"; JPY in whole units (domain.money.money_text)."""
    return money_text(Decimal(value), currency)


def render(document: dict[str, Any]) -> bytes:
    """The statement as PDF bytes (A4 landscape, bilingual headings and descriptions)."""
    font = statement_font()
    text = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10)
    title = ParagraphStyle("title", fontName=font, fontSize=14, leading=18)
    currency = document["currency"]
    out = io.BytesIO()
    pdf = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=12 * mm,
                            rightMargin=12 * mm, topMargin=12 * mm, bottomMargin=12 * mm,
                            title=f"Statement {document['customer_id']}", author="policy-service")
    head = [
        Paragraph("对账单 / Statement of account", title),
        Paragraph(f"客户 / Customer: {_escape(document['name'])} "
                  f"({_escape(document['customer_id'])})"
                  f" &nbsp; 期间 / Period: {document['from']} – {document['to']}"
                  f" &nbsp; 币种 / Currency: {currency}", text),
        Paragraph(f"期初余额 / Opening balance: {money(document['opening_balance'], currency)}"
                  f" &nbsp; 期末余额 / Closing balance: "
                  f"{money(document['closing_balance'], currency)}", text),
        Spacer(1, 4 * mm),
    ]
    rows: list[list[str]] = []
    for line in document["lines"]:
        zh, en = TYPE_NAMES[line["type"]]
        rows.append([line["date"], f"{zh} / {en}", line["ref"],
                     f"{line['description']['zh']}\n{line['description']['en']}",
                     money(line["debit"], currency), money(line["credit"], currency),
                     money(line["balance"], currency)])
    rows.append(["", "", "", "合计 / Totals", money(document["total_debit"], currency),
                 money(document["total_credit"], currency),
                 money(document["closing_balance"], currency)])
    # One table per page-sized chunk: ReportLab splits one long table in quadratic time.
    tables = [_table(font, rows[i:i + ROWS_PER_TABLE])
              for i in range(0, len(rows), ROWS_PER_TABLE)]
    pdf.build([*head, *tables])
    return out.getvalue()


def _table(font: str, rows: list[list[str]]) -> Table:
    """A chunk of lines under the bilingual header row."""
    table = Table([list(HEADER), *rows], colWidths=COLUMNS, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("LEADING", (0, 0), (-1, -1), 10),
        ("ALIGN", (4, 0), (-1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
    ]))
    return table


def _escape(value: str) -> str:
    """Text for a Paragraph, which reads a small markup: &, < and > are written inert."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
