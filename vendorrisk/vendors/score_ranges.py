"""Ranges of a firm's control score (0-100): the scoring bands and the dashboard's 10-point buckets.

Pure domain code. The vendor list's filters and the portfolio's counts both build their SQL from
these ranges, so a number on the dashboard and the list it links to always hold the same firms.
"""

from __future__ import annotations

from dataclasses import dataclass

from vendorrisk.questionnaires.scoring import SCORE_BANDS, ScoreBand

BUCKET_WIDTH = 10
MAX_SCORE = 100


@dataclass(frozen=True)
class ScoreRange:
    low: float  # included
    high: float | None  # excluded; None: no upper bound, so the top range holds 100

    def __contains__(self, score: float) -> bool:
        return score >= self.low and (self.high is None or score < self.high)


def band_ranges() -> dict[ScoreBand, ScoreRange]:
    """Each band from its minimum up to the next band's minimum, highest band first."""
    uppers: list[float | None] = [None, *(minimum for minimum, _ in SCORE_BANDS[:-1])]
    return {band: ScoreRange(minimum, upper)
            for (minimum, band), upper in zip(SCORE_BANDS, uppers, strict=True)}


@dataclass(frozen=True)
class Bucket:
    """Scores from ``start`` to under ``end``; the top bucket holds ``end`` (100) too."""

    start: int
    end: int

    @property
    def includes_end(self) -> bool:
        return self.end == MAX_SCORE

    @property
    def scores(self) -> ScoreRange:
        return ScoreRange(self.start, None if self.includes_end else self.end)

    @property
    def band(self) -> ScoreBand:
        """The band of its lowest score (the bands' limits are multiples of 10, so all of it)."""
        return next(band for band, scores in band_ranges().items() if self.start in scores)


def buckets() -> tuple[Bucket, ...]:
    return tuple(Bucket(start, min(start + BUCKET_WIDTH, MAX_SCORE))
                 for start in range(0, MAX_SCORE, BUCKET_WIDTH))


def bucket_at(start: int) -> Bucket | None:
    """The bucket starting at ``start``, if one does."""
    return next((bucket for bucket in buckets() if bucket.start == start), None)
