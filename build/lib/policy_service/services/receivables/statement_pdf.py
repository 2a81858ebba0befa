"""The printable statement (对账单 PDF), in Chinese and English, drawn with ReportLab.

Chinese needs a CJK font. The first installed one of ``FONT_FILES`` (Debian's
``fonts-wqy-microhei``, which ``make run`` and ``make test`` install) is embedded, subset to
the characters used; without one, ReportLab's built-in ``STSong-Light`` CID font is named
instead, which every PDF reader supplies itself. Nothing is downloaded. The font is
registered once per process.

The layout is a fixed grid drawn straight on the canvas (no platypus flow): every line is
two text rows high (the Chinese description over the English one), so the number of lines
per page, hence the page count for "page n of N", is known before drawing. Dates, refs,
English text and amounts are set in Helvetica (a standard font: nothing embedded, widths
from ReportLab's accelerated metrics); only cells with Chinese use the CJK font. A cell
too wide for its column is set smaller until it fits. A 10,000-line statement draws in
well under a second (docs/performance.md, "Statements and KPIs").
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.rl_accel import escapePDF
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from policy_service.domain.money import money_text

FONT_FILES = (
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
)
FONT_NAME = "StatementCJK"
FALLBACK_FONT = "STSong-Light"
LATIN = "Helvetica"
HEADER = ("日期 / Date", "类型 / Type", "单号 / Ref", "摘要 / Description", "借方 / Debit",
          "贷方 / Credit", "余额 / Balance")
COLUMNS = (22 * mm, 28 * mm, 34 * mm, 95 * mm, 32 * mm, 32 * mm, 32 * mm)
RIGHT_ALIGNED = frozenset({4, 5, 6})
PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
MARGIN = 12 * mm
LEFTS = tuple(MARGIN + sum(COLUMNS[:n]) for n in range(len(COLUMNS) + 1))
SIZE, LEADING, PAD = 8.0, 9.5, 2.0
ROW = 2 * LEADING + PAD  # one statement line: two text rows
HEAD_ROW = LEADING + 2 * PAD
TITLE_BLOCK = 18 + 2 * 12 + 4 * mm  # the first page's title, customer and balances lines
FOOTER = 10.0

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


def lines_per_page(first: bool) -> int:
    """How many statement lines fit under the header row of a page (the first has titles)."""
    height = PAGE_HEIGHT - 2 * MARGIN - FOOTER - HEAD_ROW - (TITLE_BLOCK if first else 0)
    return int(height // ROW)


def page_count(rows: int) -> int:
    """Pages for ``rows`` table rows (the lines and the totals row)."""
    first = lines_per_page(True)
    if rows <= first:
        return 1
    rest = lines_per_page(False)
    return 1 + -(-(rows - first) // rest)


class _Cells:
    """A page's text as PDF operators, one ``Tm``/``Tf``/``Tj`` group per cell.

    Each distinct (text, column) is measured, fitted and encoded once per document (refs
    and amounts repeat); the CJK font's text is encoded into its embedded subsets as
    ReportLab's own text objects do (``splitString``). The page's operators go into its
    stream in one ``addLiteral``.
    """

    def __init__(self, canvas: Canvas, cjk: str) -> None:
        self.canvas = canvas
        self.cjk: Any = pdfmetrics.getFont(cjk)
        # The document whose subsets and font names the text refers to (no public accessor).
        doc: Any = canvas._doc  # type: ignore[attr-defined]
        self.doc, self.latin = doc, doc.getInternalFontName(LATIN)
        self.done: dict[tuple[str, int], tuple[str, str]] = {}
        self.ops: list[str] = []

    def _encoded(self, value: str, column: int, font: Any) -> tuple[str, str]:
        """The operators before and after the baseline's y: position, font, text."""
        width, shown = self._measured(value, column, font)
        left = LEFTS[column] + (COLUMNS[column] - PAD - width if column in RIGHT_ALIGNED
                                else PAD)
        return f"1 0 0 1 {left:.2f} ", f" Tm {shown}"

    def _measured(self, value: str, column: int, font: Any) -> tuple[float, str]:
        room, size = COLUMNS[column] - 2 * PAD, SIZE
        width = pdfmetrics.stringWidth(value, font.fontName, size)
        if width > room:  # a long ref or description: smaller, never over the next column
            size = max(4.0, size * room / width)
            width = pdfmetrics.stringWidth(value, font.fontName, size)
        if font is not self.cjk:
            return width, f"{self.latin} {size:.2f} Tf ({escapePDF(value)}) Tj"
        if not getattr(font, "_dynamicFont", False):  # the CID fallback: its own encoding
            return width, (f"{self.doc.getInternalFontName(font.fontName)} {size:.2f} Tf "
                           f"({font.formatForPdf(value)}) Tj")
        return width, " ".join(
            f"{font.getSubsetInternalName(subset, self.doc)} {size:.2f} Tf "
            f"({escapePDF(part)}) Tj" for subset, part in font.splitString(value, self.doc))

    def put(self, value: str, column: int, y: str, cjk: bool = False) -> None:
        """``value`` in ``column`` (right-aligned for amounts) on the baseline ``y``."""
        if not value:
            return
        cjk = cjk or not value.isascii()
        key = (value, column + 10 * cjk)
        found = self.done.get(key)
        if found is None:
            found = self.done[key] = self._encoded(
                value, column, self.cjk if cjk else pdfmetrics.getFont(LATIN))
        self.ops.append(y.join(found))

    def flush(self) -> None:
        """Write the page's text into its content stream."""
        self.canvas.addLiteral("BT\n" + "\n".join(self.ops) + "\nET")
        self.ops = []


def _rows(document: dict[str, Any], amount: Callable[[str], str]) -> Iterator[tuple[str, ...]]:
    """Each table row: its seven cells, then the lower text row's description (English)."""
    types = {key: f"{zh} / {en}" for key, (zh, en) in TYPE_NAMES.items()}
    for line in document["lines"]:
        description = line["description"]
        yield (line["date"], types[line["type"]], line["ref"], description["zh"],
               amount(line["debit"]), amount(line["credit"]), amount(line["balance"]),
               description["en"])
    yield ("", "", "", "合计 / Totals", amount(document["total_debit"]),
           amount(document["total_credit"]), amount(document["closing_balance"]), "")


def render(document: dict[str, Any]) -> bytes:
    """The statement as PDF bytes (A4 landscape, bilingual headings and descriptions)."""
    cjk = statement_font()
    currency = document["currency"]
    texts: dict[str, str] = {}

    def amount(value: str) -> str:
        found = texts.get(value)
        if found is None:
            found = texts[value] = money(value, currency)
        return found

    rows = list(_rows(document, amount))
    pages = page_count(len(rows))
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1)
    canvas.setTitle(f"Statement {document['customer_id']}")
    canvas.setAuthor("policy-service")
    cells = _Cells(canvas, cjk)
    start = 0
    for page in range(1, pages + 1):
        top = PAGE_HEIGHT - MARGIN
        if page == 1:
            top = _title(canvas, cjk, document, amount, top)
        count = lines_per_page(page == 1)
        _page(canvas, cells, rows[start:start + count], top)
        start += count
        canvas.setFont(cjk, 7)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, MARGIN,
                               f"{document['customer_id']} · 第 {page} / {pages} 页 · "
                               f"Page {page} of {pages}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _title(canvas: Canvas, cjk: str, document: dict[str, Any], amount: Callable[[str], str],
           top: float) -> float:
    """The first page's heading lines; returns where the table starts."""
    canvas.setFont(cjk, 14)
    canvas.drawString(MARGIN, top - 14, "对账单 / Statement of account")
    canvas.setFont(cjk, SIZE)
    canvas.drawString(MARGIN, top - 18 - 10,
                      f"客户 / Customer: {document['name']} ({document['customer_id']})    "
                      f"期间 / Period: {document['from']} – {document['to']}    "
                      f"币种 / Currency: {document['currency']}")
    canvas.drawString(MARGIN, top - 18 - 22,
                      f"期初余额 / Opening balance: {amount(document['opening_balance'])}    "
                      f"期末余额 / Closing balance: {amount(document['closing_balance'])}")
    return top - TITLE_BLOCK


def _page(canvas: Canvas, cells: _Cells, rows: list[tuple[str, ...]], top: float) -> None:
    """The header row, then ``rows``, with the grid around them."""
    lefts = LEFTS
    bottom = top - HEAD_ROW - ROW * len(rows)
    canvas.setFillGray(0.96)
    canvas.rect(MARGIN, top - HEAD_ROW, lefts[-1] - MARGIN, HEAD_ROW, stroke=0, fill=1)
    canvas.setFillGray(0)
    heading_y = f"{top - PAD - SIZE:.2f}"
    for column, heading in enumerate(HEADER):
        cells.put(heading, column, heading_y, cjk=True)
    y = top - HEAD_ROW
    put = cells.put
    for row in rows:
        upper, lower = f"{y - PAD - SIZE:.2f}", f"{y - PAD - SIZE - LEADING:.2f}"
        for column in range(7):
            put(row[column], column, upper)
        put(row[7], 3, lower)
        y -= ROW
    cells.flush()
    canvas.setLineWidth(0.25)
    canvas.setStrokeGray(0.5)
    edges = [top, top - HEAD_ROW, *(top - HEAD_ROW - ROW * (n + 1) for n in range(len(rows)))]
    canvas.lines([(MARGIN, e, lefts[-1], e) for e in edges]
                 + [(x, top, x, bottom) for x in lefts])
