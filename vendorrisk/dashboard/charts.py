"""Geometry of the dashboard's SVG charts: numbers in, coordinates out; the templates draw them.

Pure code (no Flask, no database), so a PDF report can draw the same charts. Labels and links are
the template's job: every shape carries the key it stands for (a tier, a band, a bucket).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from vendorrisk.questionnaires.scoring import RESIDUAL_RISK, SCORE_BANDS, ScoreBand
from vendorrisk.vendors.domain import RiskTier
from vendorrisk.vendors.score_ranges import MAX_SCORE, Bucket


@dataclass(frozen=True)
class Bar:
    key: object
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class BarChart:
    width: float
    height: float
    bars: tuple[Bar, ...]
    baseline: float  # where bars start: x for horizontal bars, y for columns


def _scale(value: float, highest: float, length: float) -> float:
    return round(value / highest * length, 1) if highest else 0.0


def horizontal_bars(items: Sequence[tuple[object, int]], *, width: float = 420,
                    row: float = 34, label_width: float = 130, value_room: float = 50,
                    full_scale: float | None = None) -> BarChart:
    """One bar per item, top to bottom. The longest spans what the labels leave free, or, with
    ``full_scale``, a bar of that value does (scores: 100)."""
    highest = full_scale or max((value for _, value in items), default=0)
    length = width - label_width - value_room
    bars = tuple(Bar(key, value, label_width, i * row + 6, _scale(value, highest, length), row - 12)
                 for i, (key, value) in enumerate(items))
    return BarChart(width, row * len(items), bars, label_width)


def columns(items: Sequence[tuple[object, int]], *, width: float = 440, height: float = 200,
            label_room: float = 24, value_room: float = 20) -> BarChart:
    """Vertical bars side by side, rising from a baseline above the labels' row."""
    highest = max((value for _, value in items), default=0)
    slot = width / max(1, len(items))
    baseline = height - label_room
    bars = []
    for i, (key, value) in enumerate(items):
        tall = _scale(value, highest, baseline - value_room)
        bars.append(Bar(key, value, round(i * slot + 3, 1), baseline - tall, round(slot - 6, 1),
                        tall))
    return BarChart(width, height, tuple(bars), baseline)


def residual_bars(by_residual: Mapping[RiskTier, int], undecided: int) -> BarChart:
    """Firms per residual risk, riskiest first; the last bar (key None): not yet decided."""
    return horizontal_bars([*((tier, by_residual.get(tier, 0)) for tier in reversed(RiskTier)),
                            (None, undecided)])


def score_distribution(distribution: Mapping[Bucket, int]) -> BarChart:
    """One column per 10-point bucket of control scores, lowest scores on the left."""
    return columns(sorted(distribution.items(), key=lambda item: item[0].start))


def section_scores(scores: Sequence[tuple[object, float]]) -> BarChart:
    """One bar per scored questionnaire section, on the 0-100 scale."""
    return horizontal_bars([(key, round(score)) for key, score in scores], width=520, row=26,
                           label_width=250, full_scale=MAX_SCORE)


@dataclass(frozen=True)
class Cell:
    tier: RiskTier
    band: ScoreBand
    count: int
    residual: RiskTier  # what the tier and band make together: the cell's colour
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class HeatMap:
    width: float
    height: float
    cells: tuple[Cell, ...]
    rows: tuple[tuple[RiskTier, float], ...]  # each tier and the y of its label
    columns: tuple[tuple[ScoreBand, float], ...]  # each band and the x of its label's centre


def heat_map(counts: Mapping[tuple[RiskTier, ScoreBand], int], *, cell_width: float = 80,
             cell_height: float = 44, label_width: float = 90,
             label_height: float = 28) -> HeatMap:
    """Tiers as rows, riskiest on top; bands as columns, strongest on the left: the worst
    combinations gather in the top right corner, as in a usual risk matrix."""
    tiers = tuple(reversed(RiskTier))
    cells = tuple(
        Cell(tier, band, counts.get((tier, band), 0), RESIDUAL_RISK[tier][band],
             label_width + c * cell_width, r * cell_height, cell_width - 2, cell_height - 2)
        for r, tier in enumerate(tiers) for c, band in enumerate(ScoreBand))
    return HeatMap(
        width=label_width + cell_width * len(ScoreBand),
        height=cell_height * len(tiers) + label_height,
        cells=cells,
        rows=tuple((tier, r * cell_height + cell_height / 2) for r, tier in enumerate(tiers)),
        columns=tuple((band, label_width + c * cell_width + cell_width / 2)
                      for c, band in enumerate(ScoreBand)))


@dataclass(frozen=True)
class Point:
    key: object
    value: float
    x: float
    y: float


@dataclass(frozen=True)
class LineChart:
    width: float
    height: float
    points: tuple[Point, ...]
    path: str  # an SVG path through the points, in order
    gridlines: tuple[tuple[float, float], ...]  # (score, y): 100 and every band's minimum
    left: float  # where the plotting area starts (room for the score labels)


def score_line(items: Sequence[tuple[object, float]], *, width: float = 560,
               height: float = 180, left: float = 36, bottom: float = 22, top: float = 8,
               inset: float = 44) -> LineChart:
    """Scores (0-100) evenly spaced left to right, oldest first. ``inset`` keeps the first and
    last points far enough from the edges for their date labels."""
    span = height - bottom - top

    def y_of(score: float) -> float:
        return round(top + span * (1 - score / MAX_SCORE), 1)

    step = (width - left - 2 * inset) / max(1, len(items) - 1)
    points = tuple(Point(key, value, round(left + inset + i * step, 1), y_of(value))
                   for i, (key, value) in enumerate(items))
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(points))
    levels = sorted({float(MAX_SCORE), *(minimum for minimum, _ in SCORE_BANDS)}, reverse=True)
    return LineChart(width, height, points, path, tuple((level, y_of(level)) for level in levels),
                     left)
