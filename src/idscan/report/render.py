"""Render a `Report` to PDF bytes with reportlab. Pure: data in, bytes out, no settings or I/O.

Layout, top to bottom: title block (IDs and times), verdict bar, summary table per task, what was
asked, the extracted fields, the timeline (attempt history in the extended report), the images with
caption and SHA-256 (extended only). Every page has a footer with the IDs and "page N of M".
Untrusted text (OCR output) is XML-escaped before it reaches reportlab's paragraph markup.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.lib.utils import ImageReader  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]
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
from idscan.report.layout import (
    CELL_PADDING,
    FAIL,
    MARGIN,
    PASS,
    TEST,
    WIDTH,
    Footer,
    grid,
    hex_color,
    make_styles,
    para,
)
from idscan.report.messages import datetime_text, field_label, label, number_text, text
from idscan.report.model import Report, ReportField, ReportImage, ReportKind, Setting
from idscan.transactions.states import TaskState

IMAGE_BOX = (70 * mm, 60 * mm)


def render_pdf(report: Report) -> bytes:
    # Binary streams as they are: ASCII85 would grow every embedded image by a quarter.
    rl_config.useA85 = 0
    fonts = report_fonts()
    styles = make_styles(fonts)
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
    footer = Footer(report, fonts)
    doc.build(story, canvasmaker=footer.canvas_class())
    return buffer.getvalue()


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
    table = grid(
        [[para(k, styles["muted"]), para(v, styles["mono" if mono else "cell"])] for k, v, mono in rows],
        (40 * mm, WIDTH - 40 * mm),
        header=False,
    )
    flow: list[Flowable] = [
        *_brand_band(report, styles),
        Paragraph(escape(text(loc, "title")), styles["title"]),
        Paragraph(escape(text(loc, f"kind.{report.kind.value}")), styles["subtitle"]),
        Spacer(1, 6),
        table,
    ]
    if report.sealed:
        flow += [Spacer(1, 4), para(text(loc, "seal_note"), styles["muted"])]
    return flow


BAND_HEIGHT = 14 * mm


def _brand_band(report: Report, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The account's band across the top: its logo (PNG; an SVG logo is named by the display name
    instead, as reportlab draws no SVG) and name, in its primary colour with its text colour (a
    pair checked against WCAG AA when it was set)."""
    look = report.look
    if look is None or not look.branded:
        return []
    cells: list[Any] = []
    if look.logo is not None and look.logo.media_type == "image/png":
        width, height = ImageReader(io.BytesIO(look.logo.data)).getSize()
        scale = min((BAND_HEIGHT - 4 * mm) / height, 60 * mm / width)
        cells.append(Image(io.BytesIO(look.logo.data), width=width * scale, height=height * scale))
    name = look.display_name or report.account_name
    style = ParagraphStyle("band", styles["subtitle"], textColor=colors.HexColor(look.on_primary))
    cells.append(Paragraph(escape(name), style))
    widths = [64 * mm, WIDTH - 64 * mm] if len(cells) == 2 else [WIDTH]
    band = Table([cells], colWidths=widths, rowHeights=[BAND_HEIGHT], hAlign="LEFT")
    band.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(look.primary)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return [band, Spacer(1, 8)]


def _verdict(report: Report, styles: dict[str, ParagraphStyle], fonts: FontSet) -> list[Flowable]:
    loc = report.locale
    message = text(loc, "verdict.passed" if report.passed else "verdict.failed")
    bar = Table([[para(message, styles["verdict"])]], colWidths=[WIDTH], hAlign="LEFT")
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
    if not report.test:
        return [Spacer(1, 8), bar]
    mark = Table([[para(text(loc, "test_mode"), styles["verdict"])]], colWidths=[WIDTH], hAlign="LEFT")
    mark.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.regular),
                ("BACKGROUND", (0, 0), (-1, -1), TEST),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return [Spacer(1, 8), mark, Spacer(1, 4), bar]


def _summary(report: Report, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    loc = report.locale
    cell, head = styles["cell"], styles["head"]
    keys = ("task", "state", "score", "threshold", "passed", "attempts", "document")
    rows: list[list[Any]] = [[para(text(loc, k), head) for k in keys]]
    for task in report.tasks:
        passed = text(loc, "none") if task.passed is None else text(loc, "yes" if task.passed else "no")
        state = Paragraph(
            f'<font color="{hex_color(PASS if task.state == TaskState.COMPLETED else FAIL)}">'
            f"{escape(label(loc, 'state', task.state))}</font>"
            # The code, breakable at its underscores so it wraps inside the narrow column.
            + (f"<br/>{escape(task.reason.replace('_', ' '))}" if task.reason else ""),
            cell,
        )
        rows.append(
            [
                para(label(loc, "task", task.type), cell),
                state,
                para(number_text(loc, task.score), cell),
                para(number_text(loc, task.threshold), cell),
                para(passed, cell),
                para(text(loc, "none") if task.attempts is None else task.attempts, cell),
                para("\n".join(task.documents) or text(loc, "none"), cell),
            ]
        )
    # Each column at least as wide as its header word ("Threshold", "Tentatives"), so no header
    # breaks inside a word; the document names take what is left.
    widths = [
        max(base * mm, stringWidth(text(loc, key), head.fontName, head.fontSize) + 2 * CELL_PADDING + 1)
        for base, key in zip((39, 20, 13, 18, 19, 20), keys, strict=False)
    ]
    return [grid(rows, [*widths, WIDTH - sum(widths)])]


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
        [para(text(loc, "setting"), styles["head"]), para(text(loc, "value"), styles["head"])]
    ]
    for setting in report.settings:
        rows.append(
            [
                para(label(loc, "setting", setting.name), styles["cell"]),
                para(_setting_value(report, setting), styles["cell"]),
            ]
        )
    if report.extract_fields is None:
        rows.append(
            [
                para(label(loc, "setting", "extractFields"), styles["cell"]),
                para(text(loc, "all"), styles["cell"]),
            ]
        )
    return [grid(rows, (60 * mm, WIDTH - 60 * mm))]


def _field_values(report: Report, item: ReportField, styles: dict[str, ParagraphStyle]) -> Paragraph:
    loc = report.locale
    if item.redacted:
        return para(text(loc, "redacted"), styles["redacted"])
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
        flow.append(para(text(loc, "no_fields"), cell))
    else:
        keys = ("field", "value", "validity", "comparison")
        rows: list[list[Any]] = [[para(text(loc, k), styles["head"]) for k in keys]]
        for item in report.fields:
            rows.append(
                [
                    para(field_label(loc, item.field), cell),
                    _field_values(report, item, styles),
                    para(label(loc, "validity", item.validity), cell),
                    para(label(loc, "comparison", item.comparison), cell),
                ]
            )
        widths = (40 * mm, WIDTH - 100 * mm, 30 * mm, 30 * mm)
        flow.append(grid(rows, widths))
    notes = []
    if report.extract_fields is not None:
        notes.append(
            text(loc, "fields_limited", fields=", ".join(field_label(loc, f) for f in report.extract_fields))
        )
    if report.redacted_fields:
        notes.append(
            text(loc, "redaction_note", fields=", ".join(field_label(loc, f) for f in report.redacted_fields))
        )
    flow += [Spacer(1, 3), *(para(note, styles["muted"]) for note in notes)]
    return flow


def _timeline(report: Report, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    loc, cell = report.locale, styles["cell"]
    detailed = report.kind is ReportKind.EXTENDED
    keys = ("time", "event", "code", "score", "capture") if detailed else ("time", "event")
    rows: list[list[Any]] = [[para(text(loc, k), styles["head"]) for k in keys]]
    blank = [para("", cell)] * (len(keys) - 2)
    rows.append(
        [para(datetime_text(loc, report.created), cell), para(text(loc, "event.created"), cell), *blank]
    )
    for attempt in report.attempts:
        event = text(loc, "event.attempt", task=label(loc, "task", attempt.task))
        row = [para(datetime_text(loc, attempt.created), cell), para(event, cell)]
        if detailed:
            code = attempt.code or text(loc, "none")
            if attempt.linked:
                code += f"\n({text(loc, 'linked')})"
            source = label(loc, "source", attempt.source) if attempt.source else text(loc, "none")
            row += [para(code, cell), para(number_text(loc, attempt.score), cell), para(source, cell)]
        rows.append(row)
    if report.completed is not None:
        rows.append(
            [
                para(datetime_text(loc, report.completed), cell),
                para(text(loc, "event.completed"), cell),
                *blank,
            ]
        )
    widths = [46 * mm, 48 * mm, 38 * mm, 14 * mm] if detailed else [50 * mm]
    return [grid(rows, [*widths, WIDTH - sum(widths)])]


def _image_row(report: Report, image: ReportImage, styles: dict[str, ParagraphStyle]) -> list[Any]:
    loc = report.locale
    reader = ImageReader(io.BytesIO(image.data))
    width, height = reader.getSize()
    scale = min(IMAGE_BOX[0] / width, IMAGE_BOX[1] / height)
    # The file goes in unchanged (reportlab passes JPEG through), so the printed hash is of its bytes.
    picture = Image(io.BytesIO(image.data), width=width * scale, height=height * scale)
    caption = [
        para(label(loc, "image", image.kind.value), styles["head"]),
        *([para(image.caption, styles["cell"])] if image.caption else []),
        para(f"{width} \u00d7 {height} px, {len(image.data):,} B".replace(",", " "), styles["muted"]),
        Spacer(1, 3),
        para(text(loc, "sha256"), styles["muted"]),
        para(image.sha256, styles["hash"]),
    ]
    return [picture, caption]


def _images(report: Report, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    loc = report.locale
    flow: list[Flowable] = [para(text(loc, "image_note"), styles["muted"]), Spacer(1, 4)]
    if report.images:
        rows = [_image_row(report, image, styles) for image in report.images]
        table = grid(rows, (IMAGE_BOX[0] + 6 * mm, WIDTH - IMAGE_BOX[0] - 6 * mm), header=False)
        flow.append(table)
    for withheld in report.withheld_images:
        reason = text(loc, f"reason.{withheld.reason}")
        flow.append(
            para(
                text(loc, "image.withheld", image=label(loc, "image", withheld.kind.value), reason=reason),
                styles["muted"],
            )
        )
    return flow
