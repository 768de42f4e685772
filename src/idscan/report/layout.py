"""The report's look: colours, page geometry, paragraph styles, table style and the page footer
("page N of M", drawn once the page count is known). Shared by `render.py`; pure, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import Paragraph, Table, TableStyle  # type: ignore[import-untyped]

from idscan.report.fonts import FontSet, report_fonts
from idscan.report.messages import text
from idscan.report.model import Report

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
RULE = colors.HexColor("#cbd2d9")
HEAD_BG = colors.HexColor("#f0f4f8")
PASS = colors.HexColor("#1e7b4a")
FAIL = colors.HexColor("#b42318")
TEST = colors.HexColor("#6b3a00")  # test transactions: dark amber, white text as on the verdict bar
MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN


def make_styles(fonts: FontSet) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=fonts.regular, fontSize=9, leading=12, textColor=INK)
    return {
        "base": base,
        "title": ParagraphStyle("title", base, fontName=fonts.bold, fontSize=18, leading=22),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=11, leading=14, textColor=MUTED),
        "h2": ParagraphStyle(
            "h2",
            base,
            fontName=fonts.bold,
            fontSize=11.5,
            leading=14,
            spaceBefore=10,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=11),
        "head": ParagraphStyle("head", base, fontName=fonts.bold, fontSize=8.5, leading=11),
        "muted": ParagraphStyle("muted", base, fontSize=8, leading=10.5, textColor=MUTED),
        "mono": ParagraphStyle("mono", base, fontName=fonts.mono, fontSize=7.5, leading=10),
        "hash": ParagraphStyle("hash", base, fontName=fonts.mono, fontSize=6.5, leading=9),
        "redacted": ParagraphStyle("redacted", base, fontName=fonts.italic, fontSize=8.5, textColor=MUTED),
        "verdict": ParagraphStyle("verdict", base, fontName=fonts.bold, fontSize=11, textColor=colors.white),
    }


def para(value: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(value)).replace("\n", "<br/>"), style)


CELL_PADDING = 4  # points, left and right of every table cell


def grid(rows: list[list[Any]], widths: Sequence[float], *, header: bool = True) -> Table:
    table = Table(rows, colWidths=list(widths), repeatRows=1 if header else 0, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        # Table cells default to Helvetica, which would be named (not embedded) in the file.
        ("FONTNAME", (0, 0), (-1, -1), report_fonts().regular),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEAD_BG))
    table.setStyle(TableStyle(commands))
    return table


def hex_color(color: colors.Color) -> str:
    return "#" + str(color.hexval())[2:]


class Footer:
    """Two-pass page numbering: pages are held until the total is known, then stamped."""

    def __init__(self, report: Report, fonts: FontSet) -> None:
        self.report = report
        self.fonts = fonts

    def canvas_class(self) -> type[Canvas]:
        footer = self

        class NumberedCanvas(Canvas):  # type: ignore[misc]
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self._pages: list[dict[str, Any]] = []

            def showPage(self) -> None:  # noqa: N802 - reportlab's name
                self._pages.append(dict(self.__dict__))
                self._startPage()

            def save(self) -> None:
                total = len(self._pages)
                for state in self._pages:
                    self.__dict__.update(state)
                    footer.draw(self, total)
                    super().showPage()
                super().save()

        return NumberedCanvas

    def draw(self, canvas: Canvas, total: int) -> None:
        report, loc = self.report, self.report.locale
        line = text(
            loc,
            "footer",
            transaction=report.transaction_id,
            result=report.result_id,
        )
        page = text(loc, "page", page=canvas.getPageNumber(), pages=total)
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, MARGIN + 2 * mm, A4[0] - MARGIN, MARGIN + 2 * mm)
        canvas.setFont(self.fonts.regular, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, MARGIN - 2 * mm, line)
        canvas.drawRightString(A4[0] - MARGIN, MARGIN - 2 * mm, page)
        canvas.restoreState()
