"""Inline SVG charts for the report: no JavaScript, no CDN, prints well.

Every function returns an ``<svg>`` string; all text in it is escaped.
"""

from __future__ import annotations

from html import escape

PALETTE = ["#1f5f8b", "#d9822b", "#3a8a4f", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d", "#b7950b"]


def _pct(v: float) -> str:
    return f"{round(100 * v):d}%"


def trend_chart(
    series: list[dict],
    waves: list[str],
    title: str,
    width: int = 520,
    height: int = 240,
    percent: bool = True,
    y_max: float | None = None,
) -> str:
    """Lines over waves with 95% bands. ``series``: [{name, points: {wave: (est, lo, hi)}}]."""
    left, right, top, bottom = 44, 200, 28, 34
    pw, ph = width - left - right, height - top - bottom
    vmax = (
        y_max
        if y_max is not None
        else max([1e-9] + [p[2] for s in series for p in s["points"].values() if p[2] == p[2]])
    )
    if percent:
        vmax = min(1.0, max(0.2, vmax * 1.1))
    xs = {w: left + (pw * i / max(1, len(waves) - 1)) for i, w in enumerate(waves)}

    def y(v: float) -> float:
        return top + ph * (1 - (v / vmax if vmax else 0))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="16" class="ct">{escape(title)}</text>',
    ]
    for i in range(5):
        v = vmax * i / 4
        parts.append(f'<line x1="{left}" x2="{left + pw}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid"/>')
        label = _pct(v) if percent else f"{v:.1f}"
        parts.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" class="ax" text-anchor="end">{label}</text>')
    for w, x in xs.items():
        parts.append(f'<text x="{x:.1f}" y="{height - 12}" class="ax" text-anchor="middle">{escape(w)}</text>')
    for si, s in enumerate(series):
        color = PALETTE[si % len(PALETTE)]
        pts = [(w, s["points"][w]) for w in waves if w in s["points"] and s["points"][w][0] == s["points"][w][0]]
        if not pts:
            continue
        upper = " ".join(f"{xs[w]:.1f},{y(p[2]):.1f}" for w, p in pts)
        lower = " ".join(f"{xs[w]:.1f},{y(p[1]):.1f}" for w, p in reversed(pts))
        parts.append(f'<polygon points="{upper} {lower}" fill="{color}" opacity="0.15"/>')
        line = " ".join(f"{xs[w]:.1f},{y(p[0]):.1f}" for w, p in pts)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{color}" stroke-width="2.5"/>')
        for w, p in pts:
            value = _pct(p[0]) if percent else f"{p[0]:.1f}"
            parts.append(
                f'<circle cx="{xs[w]:.1f}" cy="{y(p[0]):.1f}" r="3.5" fill="{color}">'
                f"<title>{escape(s['name'])}, {escape(w)}: {value} (95%-interval "
                f"{_pct(p[1]) if percent else f'{p[1]:.1f}'}–{_pct(p[2]) if percent else f'{p[2]:.1f}'})</title></circle>"
            )
        ly = top + 14 + si * 18
        parts.append(f'<rect x="{left + pw + 12}" y="{ly - 9}" width="10" height="10" fill="{color}"/>')
        parts.append(f'<text x="{left + pw + 27}" y="{ly}" class="lg">{escape(s["name"][:32])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(items: list[tuple[str, float]], title: str, width: int = 520, percent: bool = True) -> str:
    """Horizontal bars, one per (label, value)."""
    row = 22
    left, top = 190, 28
    height = top + row * max(1, len(items)) + 10
    vmax = max([v for _, v in items] + [1e-9])
    if percent:
        vmax = max(vmax, 0.05)
    pw = width - left - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<text x="8" y="16" class="ct">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(items):
        yy = top + i * row
        w = pw * value / vmax if vmax else 0
        parts.append(f'<text x="{left - 8}" y="{yy + 14}" class="ax" text-anchor="end">{escape(label[:30])}</text>')
        parts.append(f'<rect x="{left}" y="{yy + 3}" width="{w:.1f}" height="14" fill="{PALETTE[0]}"/>')
        shown = _pct(value) if percent else f"{value:g}"
        parts.append(f'<text x="{left + w + 6:.1f}" y="{yy + 14}" class="ax">{shown}</text>')
    parts.append("</svg>")
    return "".join(parts)
