"""Charts drawn by the app as inline SVG: no script, no external library, printable, readable without colour.

Each chart carries a <title> and <desc> for screen readers; the numbers are
also in the tables beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from markupsafe import Markup, escape

from app.domain.reports import TrendPoint

OK, ON_TIME, LATE, OPEN_LATE, LINE = "#2e7d4f", "#7fb992", "#c0392b", "#e59866", "#1f4e8c"


def _frame(width: int, height: int, title: str, desc: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">'
        f'<title>{escape(title)}</title><desc>{escape(desc)}</desc>{"".join(body)}</svg>'
    )


def _nice_max(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 20_000, 50_000,
                 100_000, 200_000, 500_000):
        if value <= step * 4:
            return step * 4
    return value


def trend_chart(points: Sequence[TrendPoint]) -> Markup:
    """Stacked columns (finished trước hạn, đúng hạn, quá hạn; open past due) and the on-time rate as a line."""
    width, height, left, right, top, bottom = 760, 280, 44, 44, 16, 54
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max([p.finished + p.open_late for p in points] + [1]))
    slot = plot_w / max(len(points), 1)
    bar = min(36.0, slot * 0.6)
    body = []
    for tick in range(5):
        value = top_value * tick // 4
        y = top + plot_h - plot_h * tick / 4
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d9dde3"/>')
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{value}</text>')
        body.append(f'<text x="{width - right + 6}" y="{y + 4:.1f}" font-size="11">{25 * tick} %</text>')
    line_points = []
    for index, p in enumerate(points):
        x = left + slot * index + (slot - bar) / 2
        y = top + plot_h
        for value, colour, name in ((p.finished_early, OK, "trước hạn"), (p.finished_on_time, ON_TIME, "đúng hạn"),
                                    (p.finished_late, LATE, "quá hạn"), (p.open_late, OPEN_LATE, "đang quá hạn")):
            if value:
                h = plot_h * value / top_value
                y -= h
                body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}">'
                            f'<title>{escape(p.label)}: {value} {name}</title></rect>')
        body.append(f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                    f'font-size="11">{escape(p.label[:2])}</text>')
        if index == 0 or p.label.startswith("01/"):  # labels are MM/YYYY: the year under January
            body.append(f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 30}" text-anchor="middle" '
                        f'font-size="10" fill="#555">{escape(p.label[-4:])}</text>')
        rate = p.on_time.rate
        if rate is not None:
            line_points.append((x + bar / 2, top + plot_h - plot_h * float(rate) / 100, p, rate))
    if len(line_points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in line_points)
        body.append(f'<polyline points="{path}" fill="none" stroke="{LINE}" stroke-width="2.5"/>')
    for x, y, p, rate in line_points:
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{LINE}"><title>{escape(p.label)}: '
                    f'{escape(p.on_time.shown)} ({p.on_time.numerator}/{p.on_time.denominator})</title></circle>')
    legend_y = height - 12
    x = left
    for colour, name in ((OK, "Trước hạn"), (ON_TIME, "Đúng hạn"), (LATE, "Quá hạn"), (OPEN_LATE, "Đang quá hạn")):
        body.append(f'<rect x="{x}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>'
                    f'<text x="{x + 14}" y="{legend_y}" font-size="11">{name}</text>')
        x += 104
    body.append(f'<line x1="{x}" x2="{x + 18}" y1="{legend_y - 4}" y2="{legend_y - 4}" stroke="{LINE}" stroke-width="2.5"/>'
                f'<text x="{x + 22}" y="{legend_y}" font-size="11">Tỷ lệ đúng hạn (trục phải)</text>')
    desc = "; ".join(f"{p.label}: {p.finished} đã giải quyết, {p.finished_late} quá hạn, {p.open_late} đang quá hạn, "
                     f"tỷ lệ đúng hạn {p.on_time.shown}" for p in points)
    return _frame(width, height, "Diễn biến theo tháng", desc, body)


def rate_bars(rows: Sequence[tuple[str, Decimal | None, str]], *, title: str) -> Markup:
    """Horizontal bars of a rate (0–100 %) per row: (label, rate or None, shown text)."""
    label_w, bar_w, row_h = 230, 420, 22
    width, height = label_w + bar_w + 90, row_h * max(len(rows), 1) + 24
    body = []
    for tick in range(5):
        x = label_w + bar_w * tick / 4
        body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="0" y2="{height - 18}" stroke="#d9dde3"/>'
                    f'<text x="{x:.1f}" y="{height - 4}" text-anchor="middle" font-size="10">{25 * tick} %</text>')
    for index, (label, rate, shown) in enumerate(rows):
        y = index * row_h
        short = label if len(label) <= 34 else label[:33] + "…"
        body.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="11">{escape(short)}'
                    f'<title>{escape(label)}</title></text>')
        if rate is not None:
            w = bar_w * float(rate) / 100
            colour = OK if rate >= 98 else (OPEN_LATE if rate >= 90 else LATE)
            body.append(f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{colour}"/>')
        body.append(f'<text x="{label_w + (bar_w * float(rate) / 100 if rate is not None else 0) + 5:.1f}" '
                    f'y="{y + 15}" font-size="11">{escape(shown)}</text>')
    desc = "; ".join(f"{label}: {shown}" for label, _, shown in rows)
    return _frame(width, height, title, desc, body)
