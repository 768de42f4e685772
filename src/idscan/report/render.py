"""Render a `Report` to PDF bytes with reportlab. Pure: data in, bytes out, no settings or I/O.

Layout, top to bottom: title block (IDs and times), verdict bar, summary table per task, what was
asked, the extracted fields, the timeline (attempt history in the extended report), the images with
caption and SHA-256 (extended only). Every page has a footer with the IDs and "page N of M".
Untrusted text (OCR output) is XML-escaped before it reaches reportlab's paragraph markup.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.lib.utils import ImageReader  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    Flowable,
    Image,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from idscan.report.fonts import FontSet, report_fonts
from idscan.report.messages import datetime_text, field_label, label, number_text, text
from idscan.report.model import Report, ReportField, ReportImage, ReportKind, Setting

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
RULE = colors.HexColor("#cbd2d9")
HEAD_BG = colors.HexColor("#f0f4f8")
PASS = colors.HexColor("#1e7b4a")
FAIL = colors.HexColor("#b42318")
MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
IMAGE_BOX = (70 * mm, 60 * mm)


def render_pdf(report: Report) -> bytes:
    # Binary streams as they are: ASCII85 would grow every embedded image by a quarter.
    rl_config.useA85 = 0
    fonts = report_fonts()
    styles = _styles(fonts)
    loc = report.locale
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 6 * mm,
        title=f"{text(loc, 'title')} {report.transaction_id}",
        author="idscan",
        subject=text(loc, f"kind.{report.kind.value}"),
        creator="idscan",
        lang=loc,
        # Otherwise every page names Helvetica, a font that is not embedded.
        initialFontName=fonts.regular,
    )
    story: list[Flowable] = [*_title(report, styles), *_verdict(report, styles, fonts)]
    story += _section(text(loc, "summary"), _summary(report, styles), styles)
    story += _section(text(loc, "settings"), _settings(report, styles), styles)
    story += _section(text(loc, "fields"), _fields(report, styles), styles)
    story += _section(
        text(loc, "history" if report.sealed else "timeline"), _timeline(report, styles), styles
    )
    if report.kind is ReportKind.EXTENDED:
        story += _section(text(loc, "images"), _images(report, styles), styles)
    footer = _Footer(report, fonts)
    doc.build(story, canvasmaker=footer.canvas_class())
    return buffer.getvalue()


def _styles(fonts: FontSet) -> dict[str, ParagraphStyle]:
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


def _p(value: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(value)).replace("\n", "<br/>"), style)


def _table(rows: list[list[Any]], widths: Sequence[float], *, header: bool = True) -> Table:
    table = Table(rows, colWidths=list(widths), repeatRows=1 if header else 0, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        # Table cells default to Helvetica, which would be named (not embedded) in the file.
        ("FONTNAME", (0, 0), (-1, -1), report_fonts().regular),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEAD_BG))
    table.setStyle(TableStyle(commands))
    return table


def _section(title: str, body: list[Flowable], styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    # The heading style keeps with the next flowable, so no page ends on a bare heading; long
    # tables split across pages and repeat their header row.
    return [Paragraph(escape(title), styles["h2"]), *body]


def _title(report: Report, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    loc = report.locale
    rows = [
        (text(loc, "account"), report.account_name, False),
        (text(loc, "transaction_id"), report.transaction_id, True),
        (text(loc, "result_id"), report.result_id, True),
        (text(loc, "created"), datetime_text(loc, report.created), False),
        (text(loc, "completed"), datetime_text(loc, report.completed), False),
        (text(loc, "expires"), datetime_text(loc, report.expires), False),
        (text(loc, "generated"), datetime_text(loc, report.generated), False),
        (text(loc, "language"), loc, False),
    ]
    table = _table(
        [[_p(k, styles["muted"]), _p(v, styles["mono" if mono else "cell"])] for k, v, mono in rows],
        (40 * mm, WIDTH - 40 * mm),
        header=False,
    )
    flow: list[Flowable] = [
        Paragraph(escape(text(loc, "title")), styles["title"]),
        Paragraph(escape(text(loc, f"kind.{report.kind.value}")), styles["subtitle"]),
        Spacer(1, 6),
        table,
    ]
    if report.sealed:
        flow += [Spacer(1, 4), _p(text(loc, "seal_note"), styles["muted"])]
    return flow


def _verdict(report: Report, styles: dict[str, ParagraphStyle], fonts: FontSet) -> list[Flowable]:
    loc = report.locale
    message = text(loc, "verdict.passed" if report.passed else "verdict.failed")
    bar = Table([[_p(message, styles["verdict"])]], colWidths=[WIDTH], hAlign="LEFT")
    bar.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.regular),
                ("BACKGROUND", (0, 0), (-1, -1), PASS if report.passed else FAIL),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return [Spacer(1, 8), bar]


def _summary(report: Report, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    loc = report.locale
    cell, head = styles["cell"], styles["head"]
    keys = ("task", "state", "score", "threshold", "passed", "attempts", "document")
    rows: list[list[Any]] = [[_p(text(loc, k), head) for k in keys]]
    for task in report.tasks:
        passed = text(loc, "none") if task.passed is None else text(loc, "yes" if task.passed else "no")
        state = Paragraph(
            f'<font color="{_hex(PASS if task.state == "completed" else FAIL)}">'
            f"{escape(label(loc, 'state', task.state))}</font>",
            cell,
        )
        rows.append(
            [
                _p(label(loc, "task", task.type), cell),
                state,
                _p(number_text(loc, task.score), cell),
                _p(number_text(loc, task.threshold), cell),
                _p(passed, cell),
                _p(text(loc, "none") if task.attempts is None else task.attempts, cell),
                _p("\n".join(task.documents) or text(loc, "none"), cell),
            ]
        )
    widths = [m * mm for m in (39, 20, 13, 18, 19, 20)]
    return [_table(rows, [*widths, WIDTH - sum(widths)])]


def _hex(color: colors.Color) -> str:
    return "#" + str(color.hexval())[2:]


def _setting_value(report: Report, setting: Setting) -> str:
    loc, value = report.locale, setting.value
    if value is None:
        return text(loc, "none")
    if setting.name == "level":
        return label(loc, "level", str(value))
    if setting.name == "tasks":
        return ", ".join(label(loc, "task", str(v)) for v in value)
    if setting.name in ("redactFields", "extractFields", "validateFields"):
        return ", ".join(field_label(loc, str(v)) for v in value) or text(loc, "none")
    if setting.name == "captureSources":
        return ", ".join(label(loc, "source", str(v)) for v in value)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or text(loc, "none")
    return str(value)


def _settings(report: Report, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    loc = report.locale
    rows: list[list[Any]] = [
        [_p(text(loc, "setting"), styles["head"]), _p(text(loc, "value"), styles["head"])]
    ]
    for setting in report.settings:
        rows.append(
            [
                _p(label(loc, "setting", setting.name), styles["cell"]),
                _p(_setting_value(report, setting), styles["cell"]),
            ]
        )
    if report.extract_fields is None:
        rows.append(
            [_p(label(loc, "setting", "extractFields"), styles["cell"]), _p(text(loc, "all"), styles["cell"])]
        )
    return [_table(rows, (60 * mm, WIDTH - 60 * mm))]


def _field_values(report: Report, item: ReportField, styles: dict[str, ParagraphStyle]) -> Paragraph:
    loc = report.locale
    if item.redacted:
        return _p(text(loc, "redacted"), styles["redacted"])
    lines = []
    for value in item.values:
        where = label(loc, "source", value.source) + (f", {value.locale}" if value.locale else "")
        shown = escape(value.value).replace("\n", "<br/>")
        if item.field == "mrz":
            shown = f'<font name="{styles["mono"].fontName}">{shown}</font>'
        lines.append(f'{shown} <font color="#616e7c" size="7.5">({escape(where)})</font>')
    return Paragraph("<br/>".join(lines) or escape(text(loc, "none")), styles["cell"])


def _fields(report: Report, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    loc, cell = report.locale, styles["cell"]
    flow: list[Flowable] = []
    if not report.fields:
        flow.append(_p(text(loc, "no_fields"), cell))
    else:
        keys = ("field", "value", "validity", "comparison")
        rows: list[list[Any]] = [[_p(text(loc, k), styles["head"]) for k in keys]]
        for item in report.fields:
            rows.append(
                [
                    _p(field_label(loc, item.field), cell),
                    _field_values(report, item, styles),
                    _p(label(loc, "validity", item.validity), cell),
                    _p(label(loc, "comparison", item.comparison), cell),
                ]
            )
        widths = (40 * mm, WIDTH - 100 * mm, 30 * mm, 30 * mm)
        flow.append(_table(rows, widths))
    notes = []
    if report.extract_fields is not None:
        notes.append(
            text(loc, "fields_limited", fields=", ".join(field_label(loc, f) for f in report.extract_fields))
        )
    if report.redacted_fields:
        notes.append(
            text(loc, "redaction_note", fields=", ".join(field_label(loc, f) for f in report.redacted_fields))
        )
    flow += [Spacer(1, 3), *(_p(note, styles["muted"]) for note in notes)]
    return flow


def _timeline(report: Report, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    loc, cell = report.locale, styles["cell"]
    detailed = report.kind is ReportKind.EXTENDED
    keys = ("time", "event", "code", "score", "capture") if detailed else ("time", "event")
    rows: list[list[Any]] = [[_p(text(loc, k), styles["head"]) for k in keys]]
    blank = [_p("", cell)] * (len(keys) - 2)
    rows.append([_p(datetime_text(loc, report.created), cell), _p(text(loc, "event.created"), cell), *blank])
    for attempt in report.attempts:
        event = text(loc, "event.attempt", task=label(loc, "task", attempt.task))
        row = [_p(datetime_text(loc, attempt.created), cell), _p(event, cell)]
        if detailed:
            code = attempt.code or text(loc, "none")
            if attempt.linked:
                code += f"\n({text(loc, 'linked')})"
            source = label(loc, "source", attempt.source) if attempt.source else text(loc, "none")
            row += [_p(code, cell), _p(number_text(loc, attempt.score), cell), _p(source, cell)]
        rows.append(row)
    if report.completed is not None:
        rows.append(
            [_p(datetime_text(loc, report.completed), cell), _p(text(loc, "event.completed"), cell), *blank]
        )
    widths = [46 * mm, 48 * mm, 38 * mm, 14 * mm] if detailed else [50 * mm]
    return [_table(rows, [*widths, WIDTH - sum(widths)])]


def _image_row(report: Report, image: ReportImage, styles: dict[str, ParagraphStyle]) -> list[Any]:
    loc = report.locale
    reader = ImageReader(io.BytesIO(image.data))
    width, height = reader.getSize()
    scale = min(IMAGE_BOX[0] / width, IMAGE_BOX[1] / height)
    # The file goes in unchanged (reportlab passes JPEG through), so the printed hash is of its bytes.
    picture = Image(io.BytesIO(image.data), width=width * scale, height=height * scale)
    caption = [
        _p(label(loc, "image", image.kind.value), styles["head"]),
        *([_p(image.caption, styles["cell"])] if image.caption else []),
        _p(f"{width} \u00d7 {height} px, {len(image.data):,} B".replace(",", " "), styles["muted"]),
        Spacer(1, 3),
        _p(text(loc, "sha256"), styles["muted"]),
        _p(image.sha256, styles["hash"]),
    ]
    return [picture, caption]


def _images(report: Report, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    loc = report.locale
    flow: list[Flowable] = [_p(text(loc, "image_note"), styles["muted"]), Spacer(1, 4)]
    if report.images:
        rows = [_image_row(report, image, styles) for image in report.images]
        table = _table(rows, (IMAGE_BOX[0] + 6 * mm, WIDTH - IMAGE_BOX[0] - 6 * mm), header=False)
        flow.append(table)
    for withheld in report.withheld_images:
        reason = text(loc, f"reason.{withheld.reason}")
        flow.append(
            _p(
                text(loc, "image.withheld", image=label(loc, "image", withheld.kind.value), reason=reason),
                styles["muted"],
            )
        )
    return flow


class _Footer:
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
