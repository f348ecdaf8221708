"""Server-side charts: geometry for small inline SVG bar and line charts (no JavaScript).

``bar_chart(labels, values)`` and ``line_chart(labels, values)`` return a ``Chart`` whose
shapes the template ``pages/_charts.html`` draws; values of ``None`` leave a gap. ``band_chart``
adds a shaded band (low..high) under a line, for a forecast with its interval. Pure functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Chart", "band_chart", "bar_chart", "line_chart"]

WIDTH, HEIGHT = 480, 180
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 18, 28


@dataclass(frozen=True)
class Shape:
    x: float
    y: float
    w: float = 0
    h: float = 0
    label: str = ""
    value: str = ""


@dataclass(frozen=True)
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Shape] = field(default_factory=list)
    points: list[Shape] = field(default_factory=list)
    ticks: list[Shape] = field(default_factory=list)  # x-axis labels
    grid: list[Shape] = field(default_factory=list)  # y-axis lines with their labels
    baseline: float = HEIGHT - BOTTOM
    band: str = ""  # polygon points of a shaded interval (band_chart)

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def _y(value: float, top: float) -> float:
    span = HEIGHT - TOP - BOTTOM
    return HEIGHT - BOTTOM - (value / top * span if top else 0)


def _grid(top: float, fmt: str) -> list[Shape]:
    return [Shape(LEFT, _y(top * f, top), label=fmt.format(top * f)) for f in (0, 0.5, 1)]


def bar_chart(labels: Sequence[str], values: Sequence[float]) -> Chart:
    top = max([*values, 1])
    step = (WIDTH - LEFT - RIGHT) / max(len(values), 1)
    bars, ticks = [], []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = LEFT + i * step + step * 0.15
        y = _y(value, top)
        bars.append(Shape(x, y, step * 0.7, HEIGHT - BOTTOM - y, label, f"{value:g}"))
        ticks.append(Shape(x + step * 0.35, HEIGHT - BOTTOM + 16, label=label))
    return Chart(bars=bars, ticks=ticks, grid=_grid(top, "{:.0f}"))


def line_chart(labels: Sequence[str], values: Sequence[float | None], top: float = 1.0) -> Chart:
    """A line over ``values`` in [0, ``top``] (e.g. rates); every other label shown if crowded."""
    step = (WIDTH - LEFT - RIGHT) / max(len(values) - 1, 1)
    points, ticks = [], []
    every = 1 if len(labels) <= 8 else 2
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = LEFT + i * step
        if value is not None:
            points.append(Shape(x, _y(value, top), label=label, value=f"{value:.0%}"))
        if i % every == 0:
            ticks.append(Shape(x, HEIGHT - BOTTOM + 16, label=label))
    return Chart(points=points, ticks=ticks, grid=_grid(top, "{:.0%}"))


def band_chart(labels: Sequence[str], mid: Sequence[float], low: Sequence[float],
               high: Sequence[float]) -> Chart:
    """Amounts as a line (``mid``) inside a shaded band from ``low`` to ``high``."""
    top = max([*high, *mid, 1])
    step = (WIDTH - LEFT - RIGHT) / max(len(mid) - 1, 1)
    xs = [LEFT + i * step for i in range(len(mid))]
    every = 1 if len(labels) <= 8 else 2
    points = [Shape(x, _y(v, top), label=lab, value=f"{v:,.0f} ({lo:,.0f}-{hi:,.0f})")
              for x, v, lo, hi, lab in zip(xs, mid, low, high, labels, strict=True)]
    ticks = [Shape(x, HEIGHT - BOTTOM + 16, label=lab)
             for i, (x, lab) in enumerate(zip(xs, labels, strict=True)) if i % every == 0]
    outline = [(x, _y(h, top)) for x, h in zip(xs, high, strict=True)]
    outline += [(x, _y(lo, top)) for x, lo in reversed(list(zip(xs, low, strict=True)))]
    return Chart(points=points, ticks=ticks, grid=_grid(top, "{:,.0f}"),
                 band=" ".join(f"{x:.1f},{y:.1f}" for x, y in outline))
