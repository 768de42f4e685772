"""Server-rendered SVG charts: pure, escaped, accessible (a title, a description, and the numbers
as text). No script and no library: the page stays within its CSP."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 640, 200
BAR = "#1d4ed8"


def columns(points: Sequence[tuple[str, float]], *, title: str, unit: str = "") -> Markup:
    """Vertical bars (a value per day), labelled at the start, middle and end."""
    top = max((v for _, v in points), default=0) or 1
    n = max(len(points), 1)
    gap = 2
    bar_w = max((WIDTH - 40) / n - gap, 1)
    parts = []
    for i, (label, value) in enumerate(points):
        h = (HEIGHT - 40) * value / top
        x = 30 + i * (bar_w + gap)
        parts.append(
            f'<rect x="{x:.1f}" y="{HEIGHT - 20 - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{BAR}">'
            f"<title>{escape(label)}: {value:g}{escape(unit)}</title></rect>"
        )
    marks = {0, n // 2, n - 1} if points else set()
    for i in sorted(marks):
        x = 30 + i * (bar_w + gap) + (bar_w if i == n - 1 else 0)
        anchor = "end" if i == n - 1 else "start"
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - 4}" font-size="11" fill="currentColor" text-anchor="{anchor}">'
            f"{escape(points[i][0])}</text>"
        )
    parts.append(f'<text x="0" y="14" font-size="11" fill="currentColor">{top:g}{escape(unit)}</text>')
    parts.append(
        f'<line x1="28" y1="{HEIGHT - 20}" x2="{WIDTH}" y2="{HEIGHT - 20}" '
        'stroke="currentColor" stroke-width="1"/>'
    )
    return _svg(title, parts)


def rows(items: Sequence[tuple[str, float]], *, title: str, unit: str = "") -> Markup:
    """Horizontal bars with their labels and values (the attempt codes that fail most)."""
    top = max((v for _, v in items), default=0) or 1
    height = max(len(items), 1) * 26 + 10
    parts = []
    for i, (label, value) in enumerate(items):
        y = 8 + i * 26
        w = (WIDTH - 300) * value / top
        parts.append(f'<text x="0" y="{y + 14}" font-size="12" fill="currentColor">{escape(label)}</text>')
        parts.append(f'<rect x="240" y="{y}" width="{w:.1f}" height="18" fill="{BAR}"/>')
        parts.append(
            f'<text x="{244 + w:.1f}" y="{y + 14}" font-size="12" fill="currentColor">'
            f"{value:g}{escape(unit)}</text>"
        )
    return _svg(title, parts, height=height)


def gauge(rate: float | None, *, title: str, empty: str) -> Markup:
    """One rate (0..1) as a filled bar with its percentage."""
    parts = [f'<rect x="0" y="4" width="{WIDTH - 80}" height="20" fill="none" stroke="currentColor"/>']
    if rate is None:
        parts.append(
            f'<text x="{WIDTH - 70}" y="19" font-size="12" fill="currentColor">{escape(empty)}</text>'
        )
    else:
        parts.append(f'<rect x="0" y="4" width="{(WIDTH - 80) * rate:.1f}" height="20" fill="{BAR}"/>')
        parts.append(
            f'<text x="{WIDTH - 70}" y="19" font-size="12" fill="currentColor">{rate * 100:.0f}%</text>'
        )
    return _svg(title, parts, height=30)


def _svg(title: str, parts: list[str], *, height: int = HEIGHT) -> Markup:
    return Markup(  # noqa: S704  # every text inside is escaped above
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>{"".join(parts)}</svg>'
    )
