"""Small server-rendered SVG charts (no JavaScript, no CDN): bars, paired bars and a line."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from markupsafe import Markup

Number = Decimal | int | float
COLORS = ("#2e7d32", "#f9a825", "#ef6c00", "#c62828", "#6a1b9a")


def _fmt(value: Number) -> str:
    return f"{Decimal(str(value)):,.2f}" if not isinstance(value, int) else f"{value:,}"


def column_chart(labels: Sequence[str], values: Sequence[Number], *, title: str,
                 width: int = 460, height: int = 240) -> Markup:
    """Vertical bars, one per label, each with its value on top (e.g. the aging buckets)."""
    top = max([float(v) for v in values] + [1.0])
    slot = (width - 40) / max(len(values), 1)
    parts = [f'<text x="{width / 2}" y="16" text-anchor="middle" font-weight="bold">'
             f"{escape(title)}</text>"]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        bar = (height - 70) * float(value) / top
        x, y = 30 + i * slot + slot * 0.15, height - 30 - bar
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{bar:.1f}" '
                     f'fill="{COLORS[i % len(COLORS)]}"><title>{escape(label)}: '
                     f"{_fmt(value)}</title></rect>")
        parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                     f'font-size="11">{_fmt(value)}</text>')
        parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{height - 12}" text-anchor="middle" '
                     f'font-size="12">{escape(label)}</text>')
    return _svg(parts, width, height, title)


def limit_bars(rows: Sequence[tuple[str, Number, Number]], *, title: str,
               width: int = 460) -> Markup:
    """One row per customer: exposure as a bar over its limit (red when over the limit)."""
    height = 40 + 26 * max(len(rows), 1)
    top = max([float(max(e, lim)) for _, e, lim in rows] + [1.0])
    scale = (width - 170) / top
    parts = [f'<text x="{width / 2}" y="16" text-anchor="middle" font-weight="bold">'
             f"{escape(title)}</text>"]
    for i, (name, exposure, limit) in enumerate(rows):
        y = 30 + i * 26
        over = float(exposure) > float(limit)
        parts.append(f'<text x="0" y="{y + 14}" font-size="12">{escape(name[:16])}</text>')
        parts.append(f'<rect x="110" y="{y}" width="{float(limit) * scale:.1f}" height="18" '
                     f'fill="#e0e0e0"><title>limit {_fmt(limit)}</title></rect>')
        parts.append(f'<rect x="110" y="{y + 4}" width="{float(exposure) * scale:.1f}" '
                     f'height="10" fill="{"#c62828" if over else "#1565c0"}">'
                     f"<title>{escape(name)}: {_fmt(exposure)} / {_fmt(limit)}</title></rect>")
        pct = 100 * float(exposure) / float(limit) if float(limit) else 0
        parts.append(f'<text x="{width - 55}" y="{y + 14}" font-size="11">{pct:.0f}%</text>')
    return _svg(parts, width, height, title)


def line_chart(labels: Sequence[str], values: Sequence[Number], *, title: str,
               width: int = 460, height: int = 240) -> Markup:
    """A line with dots over time (e.g. the overdue amount per week)."""
    top = max([float(v) for v in values] + [1.0])
    step = (width - 60) / max(len(values) - 1, 1)
    points = [(40 + i * step, height - 30 - (height - 70) * float(v) / top)
              for i, v in enumerate(values)]
    parts = [f'<text x="{width / 2}" y="16" text-anchor="middle" font-weight="bold">'
             f"{escape(title)}</text>",
             f'<line x1="40" y1="{height - 30}" x2="{width - 20}" y2="{height - 30}" '
             'stroke="#999"/>']
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#c62828" stroke-width="2"/>')
    for (x, y), label, value in zip(points, labels, values, strict=True):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#c62828">'
                     f"<title>{escape(label)}: {_fmt(value)}</title></circle>")
    for i in (0, len(labels) - 1) if labels else ():
        anchor = "start" if i == 0 else "end"
        parts.append(f'<text x="{points[i][0]:.1f}" y="{height - 12}" text-anchor="{anchor}" '
                     f'font-size="11">{escape(labels[i])}</text>')
    parts.append(f'<text x="40" y="34" font-size="11">{_fmt(max(values, default=0))}</text>')
    return _svg(parts, width, height, title)


def _svg(parts: list[str], width: int, height: int, title: str) -> Markup:
    body = "".join(parts)
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
                  f'aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
                  f'width="100%" style="max-width:{width}px" font-family="sans-serif">'
                  f"{body}</svg>")
