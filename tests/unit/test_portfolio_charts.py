"""Score ranges shared by the dashboard and the vendor list, and the charts' geometry."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from vendorrisk.dashboard import charts
from vendorrisk.questionnaires.scoring import RESIDUAL_RISK, SCORE_BANDS, ScoreBand
from vendorrisk.vendors.domain import RiskTier
from vendorrisk.vendors.score_ranges import band_ranges, buckets

scores = st.floats(min_value=0, max_value=100, allow_nan=False)


def band_by_scoring(value: float) -> ScoreBand:
    """The scoring engine's rule: the label of the first minimum the value reaches."""
    return next(band for minimum, band in SCORE_BANDS if value >= minimum)


@given(scores)
def test_every_score_falls_in_the_band_the_scoring_engine_gives_it(value):
    holding = [band for band, scores_in in band_ranges().items() if value in scores_in]
    assert holding == [band_by_scoring(value)]


@given(scores)
def test_every_score_falls_in_exactly_one_bucket_of_its_band(value):
    [bucket] = [b for b in buckets() if value in b.scores]
    assert bucket.start <= value <= bucket.end
    assert bucket.band == band_by_scoring(bucket.start)


def test_ten_buckets_from_0_to_100_the_top_one_holding_100():
    assert [(b.start, b.end) for b in buckets()] == [(s, s + 10) for s in range(0, 100, 10)]
    assert 100 in buckets()[-1].scores and 100 not in buckets()[-2].scores
    assert [b.includes_end for b in buckets()].count(True) == 1


def test_the_heat_map_puts_the_riskiest_tier_on_top_and_colours_cells_by_residual_risk():
    chart = charts.heat_map({(RiskTier.CRITICAL, ScoreBand.POOR): 3})
    assert [tier for tier, _y in chart.rows] == [RiskTier.CRITICAL, RiskTier.HIGH,
                                                 RiskTier.MEDIUM, RiskTier.LOW]
    assert [band for band, _x in chart.columns] == list(ScoreBand)
    assert len(chart.cells) == 16
    for cell in chart.cells:
        assert cell.residual == RESIDUAL_RISK[cell.tier][cell.band]
        assert cell.x >= 0 and cell.x + cell.width <= chart.width
        assert cell.y >= 0 and cell.y + cell.height <= chart.height
    worst = next(c for c in chart.cells if (c.tier, c.band) == (RiskTier.CRITICAL, ScoreBand.POOR))
    assert worst.count == 3 and worst.y == 0 and worst.x == max(c.x for c in chart.cells)


@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=12))
def test_bars_are_proportional_and_stay_inside_the_chart(values):
    across = charts.horizontal_bars(list(enumerate(values)))
    upwards = charts.columns(list(enumerate(values)))
    for chart, lengths in ((across, [bar.width for bar in across.bars]),
                           (upwards, [bar.height for bar in upwards.bars])):
        longest = max(lengths)
        for value, length in zip(values, lengths, strict=True):
            expected = value / max(values) * longest if max(values) else 0
            assert abs(length - expected) <= 0.1  # lengths are rounded to a tenth
        for bar in chart.bars:
            assert bar.x >= 0 and bar.x + bar.width <= chart.width
            assert bar.y >= 0 and bar.y + bar.height <= chart.height


def test_no_firm_at_all_draws_empty_bars_rather_than_failing():
    chart = charts.residual_bars(dict.fromkeys(RiskTier, 0), 0)
    assert [bar.key for bar in chart.bars] == [*reversed(RiskTier), None]
    assert all(bar.width == 0 for bar in chart.bars)


@given(st.lists(scores, min_size=1, max_size=15))
def test_the_score_line_keeps_order_and_higher_scores_higher(values):
    chart = charts.score_line(list(enumerate(values)))
    xs = [p.x for p in chart.points]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    for a in chart.points:
        assert 0 <= a.x <= chart.width and 0 <= a.y <= chart.height
        for b in chart.points:
            if a.value > b.value:
                assert a.y <= b.y  # SVG's y grows downwards
    assert chart.path.startswith("M") and chart.path.count("L") == len(values) - 1
    assert [level for level, _y in chart.gridlines] == [100, 80, 60, 40, 0]


@given(st.lists(scores, min_size=1, max_size=20))
def test_section_bars_measure_scores_against_100_not_against_the_best_section(values):
    chart = charts.section_scores(list(enumerate(values)))
    full = chart.width - chart.baseline - 50  # what a perfect section's bar spans
    for value, bar in zip(values, chart.bars, strict=True):
        assert bar.value == round(value)
        assert abs(bar.width - round(value) / 100 * full) <= 0.1
