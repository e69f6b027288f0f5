"""A small server-rendered trend chart (SVG): twelve months, the target as a dashed line.
No JavaScript; the numbers are also given as text next to it for screen readers."""

from django.utils.html import format_html
from django.utils.safestring import mark_safe

WIDTH, HEIGHT, PAD = 240, 64, 6


def sparkline(points, target=None, label: str = "") -> str:
    """points: [(month, value or None)]; returns an <svg> element (safe HTML)."""
    values = [v for _m, v in points if v is not None]
    if not values:
        return ""
    top = max(values + ([target] if target is not None else []))
    bottom = min(values + ([target] if target is not None else []) + [0])
    span = (top - bottom) or 1
    n = max(len(points), 12)
    step = (WIDTH - 2 * PAD) / (n - 1)

    def y(v):
        return HEIGHT - PAD - (v - bottom) / span * (HEIGHT - 2 * PAD)

    coords = [(PAD + i * step, y(v)) for i, (_m, v) in enumerate(points) if v is not None]
    path = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in coords)
    parts = [format_html('<svg class="kpi-trend" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
                         'aria-label="{}" focusable="false">', WIDTH, HEIGHT, WIDTH, HEIGHT, label)]
    parts.append(format_html("<title>{}</title>", label))
    if target is not None:
        ty = f"{y(target):.1f}"
        parts.append(format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" class="kpi-target-line" '
                                 'stroke="#8a4b00" stroke-dasharray="4 3" stroke-width="1.5"/>',
                                 PAD, ty, WIDTH - PAD, ty))
    parts.append(format_html('<polyline points="{}" fill="none" stroke="#1b3a5c" stroke-width="2.5"/>', path))
    for x, yy in coords:
        parts.append(format_html('<circle cx="{}" cy="{}" r="2.5" fill="#1b3a5c"/>', f"{x:.1f}", f"{yy:.1f}"))
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))


