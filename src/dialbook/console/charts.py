"""Bar charts drawn on the server as SVG geometry (pure): the templates draw the shapes
(templates/_charts.html), no script needed. Every chart is also shown as a table, so the
numbers are there for screen readers and without pictures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    description: str
    width: int
    height: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # (position, label) along the axis of the labels


def rows(
    title: str,
    description: str,
    items: Sequence[tuple[str, int]],
    *,
    width: int = 640,
    label_width: int = 230,
    bar: int = 20,
    gap: int = 8,
) -> Chart:
    """One horizontal bar per item, longest for the largest value (room kept on the right
    for the number)."""
    room = width - label_width - 70
    top = max([value for _, value in items], default=0) or 1
    bars = [
        Bar(label, value, label_width, i * (bar + gap), room * value / top, bar)
        for i, (label, value) in enumerate(items)
    ]
    return Chart(title, description, width, max(1, len(items)) * (bar + gap), bars, [])


def columns(
    title: str,
    description: str,
    items: Sequence[tuple[str, int]],
    *,
    width: int = 720,
    height: int = 180,
    every: int = 3,
) -> Chart:
    """One column per item, left to right; every ``every``-th item is labelled below."""
    axis = 20  # room below for the labels
    step = width / max(1, len(items))
    top = max([value for _, value in items], default=0) or 1
    bars = []
    for i, (label, value) in enumerate(items):
        tall = (height - axis - 16) * value / top
        bars.append(Bar(label, value, i * step + 2, height - axis - tall, step - 4, tall))
    ticks = [(i * step + step / 2, label) for i, (label, _) in enumerate(items) if i % every == 0]
    return Chart(title, description, width, height, bars, ticks)
