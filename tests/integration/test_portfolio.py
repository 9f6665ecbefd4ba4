"""A manager reads the portfolio: residual risk, heat map, scores, overdue work, reassessments due;
every number leads to the list behind it, and the page costs the same queries however many firms."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest

from tests.conftest import csrf_token, login, statements_for
from tests.review_helpers import act
from vendorrisk.accounts.roles import Role
from vendorrisk.assessments.models import (
    Assessment,
    AssessmentStatus,
    Finding,
    FindingSeverity,
    FindingStatus,
    QuestionnaireVersion,
)
from vendorrisk.vendors.domain import RiskTier, VendorStatus

TODAY = date(2026, 11, 23)  # the frozen clock's day
_hashes = itertools.count()


@pytest.fixture
def firm(db_session, make_vendor):
    """A firm with its inherent tier, status and latest decision set as the decision leaves them."""

    def factory(name: str, tier: RiskTier = RiskTier.MEDIUM, *, residual: RiskTier | None = None,
                score: float | None = None, decided: datetime | None = None,
                status: VendorStatus = VendorStatus.ACTIVE):
        vendor = make_vendor(name=name)
        vendor.tier, vendor.tier_rank, vendor.status = tier, tier.rank, status
        vendor.residual_risk, vendor.control_score = residual, score
        vendor.last_decided_at = decided or (datetime(2026, 6, 1, tzinfo=UTC)
                                             if residual else None)
        db_session.commit()
        return vendor

    return factory


@pytest.fixture
def assessment(db_session):
    """An assessment row as the services leave it (no questionnaire file needed)."""

    def factory(vendor, *, status=AssessmentStatus.SENT, due: date = TODAY, score=None,
                decided_at=None, created_at=None, cycle=None):
        version = QuestionnaireVersion(questionnaire_key="mini-screen", version="1.0.0",
                                       title="Mini screen", content_hash=f"{next(_hashes):064x}",
                                       source="")
        db_session.add(version)
        db_session.flush()
        row = Assessment(vendor_id=vendor.id, questionnaire_version_id=version.id,
                         questionnaire_key="mini-screen",
                         cycle=next(_hashes) if cycle is None else cycle, status=status,
                         due_date=due, score=score, decided_at=decided_at,
                         scored_at=None if score is None else datetime(2026, 1, 1, tzinfo=UTC),
                         created_at=created_at or datetime(2026, 1, 1, tzinfo=UTC))
        db_session.add(row)
        db_session.commit()
        return row

    return factory


@pytest.fixture
def finding(db_session, assessment):
    def factory(vendor, title: str, *, due: date | None, status=FindingStatus.OPEN,
                severity=FindingSeverity.HIGH):
        row = Finding(assessment_id=assessment(vendor, status=AssessmentStatus.COMPLETED).id,
                      vendor_id=vendor.id, source="reviewer", severity=severity, title=title,
                      due_date=due, status=status)
        db_session.add(row)
        db_session.commit()
        return row

    return factory


def page_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def numbers_linked(html: str) -> dict[str, int]:
    """Every number that is a link on the page (the charts' data tables, the tiles): href -> n."""
    found = {unescape(href): int(n.replace(",", "")) for href, n in
             re.findall(r'<a href="([^"]+)">([\d,]+)</a>', html)}
    found |= {unescape(href): int(n.replace(",", "")) for href, n in
              re.findall(r'<a class="tile[^"]*" href="([^"]+)"><span class="big">([\d,]+)</span>',
                         html)}
    return found


def firms_listed(client, url: str) -> set[str]:
    html = page_of(client, url)
    names = set(re.findall(r'<td><a href="/vendors/\d+">([^<]+)</a>', html))
    total = int(re.search(r'<h1>Partner firms <span class="count">([\d,]+)</span>', html)
                .group(1).replace(",", ""))
    assert total == len(names), url  # one page is enough for these tests
    return names


def link_to(html: str, **params: str) -> str:
    """The vendor-list link carrying exactly these filters."""
    for href in numbers_linked(html):
        path, _, query = href.partition("?")
        if path == "/vendors/" and dict(p.split("=") for p in query.split("&")) == params:
            return href
    raise AssertionError(f"no link with {params}")


@pytest.fixture
def portfolio(firm):
    firm("Alpha", RiskTier.HIGH, residual=RiskTier.HIGH, score=50)
    firm("Bravo", RiskTier.HIGH, residual=RiskTier.HIGH, score=40)  # a band's minimum
    firm("Charlie", RiskTier.CRITICAL, residual=RiskTier.MEDIUM, score=80)
    firm("Delta", RiskTier.CRITICAL, residual=RiskTier.HIGH, score=79.99)
    firm("Echo", RiskTier.LOW, residual=RiskTier.LOW, score=100)
    firm("Foxtrot", RiskTier.MEDIUM)  # onboarding, nothing decided yet
    firm("Golf", RiskTier.HIGH, residual=RiskTier.HIGH, score=55,
         status=VendorStatus.OFFBOARDED)  # no longer in the portfolio


def test_the_manager_sees_residual_risk_heat_map_and_scores_in_the_right_places(
        client, login_as, portfolio, frozen_clock):
    login_as(Role.MANAGER)
    html = page_of(client, "/dashboard")
    assert "6 firms not offboarded" in html  # Golf is offboarded
    numbers = numbers_linked(html)

    def n(**params: str) -> int:
        return numbers[link_to(html, status="current", **params)]

    assert [n(residual=t) for t in ("critical", "high", "medium", "low", "undecided")] == [
        0, 3, 1, 1, 1]
    assert n(tier="high", band="weak") == 2  # Alpha 50 and Bravo 40
    assert n(tier="critical", band="strong") == 1  # Charlie, 80 exactly
    assert n(tier="critical", band="adequate") == 1  # Delta, just under 80
    assert n(tier="low", band="strong") == 1  # Echo
    assert n(tier="high", band="poor") == 0
    assert n(bucket="40") == 1 and n(bucket="50") == 1 and n(bucket="70") == 1
    assert n(bucket="80") == 1 and n(bucket="90") == 1  # 100 is in the top bucket
    assert sum(n(bucket=str(b)) for b in range(0, 100, 10)) == 5  # Foxtrot has no score


def test_every_portfolio_number_leads_to_a_list_of_exactly_those_firms(
        client, login_as, portfolio, frozen_clock):
    login_as(Role.MANAGER)
    html = page_of(client, "/dashboard")
    portfolio_links = {href: n for href, n in numbers_linked(html).items()
                       if "status=current" in href}
    # residual bars, heat cells, score buckets, and the firms without an NDA in force
    assert len(portfolio_links) == 5 + 16 + 10 + 1
    for href, n in portfolio_links.items():
        assert len(firms_listed(client, href)) == n, href
    assert firms_listed(client, link_to(html, status="current", tier="high", band="weak")) == {
        "Alpha", "Bravo"}
    assert firms_listed(client, link_to(html, status="current", residual="high")) == {
        "Alpha", "Bravo", "Delta"}  # not Golf: offboarded
    assert firms_listed(client, link_to(html, status="current", residual="undecided")) == {
        "Foxtrot"}
    assert firms_listed(client, link_to(html, status="current", bucket="90")) == {"Echo"}


def test_the_charts_are_svg_with_titles_and_text_alternatives(client, login_as, portfolio,
                                                              frozen_clock):
    login_as(Role.MANAGER)
    html = page_of(client, "/dashboard")
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", html, re.DOTALL)
    assert len(svgs) == 4  # residual risk, heat map, scores, and the register's tiers
    for svg in svgs:
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
        assert "style=" not in svg  # the CSP forbids inline styles
    heat = next(svg for svg in svgs if "Heat map" in svg)
    assert "High tier, Weak controls: 2" in heat
    assert html.count('class="table compact visually-hidden-focusable"') == 3


def test_procurement_sees_the_portfolio_below_the_register(client, login_as, portfolio,
                                                          frozen_clock):
    login_as(Role.PROCUREMENT)
    html = page_of(client, "/dashboard")
    assert html.index("The register") < html.index('id="portfolio-heading"')
    client.post("/logout", data={"csrf_token": csrf_token(client, "/dashboard")})
    login_as(Role.MANAGER)
    html = page_of(client, "/dashboard")
    assert html.index('id="portfolio-heading"') < html.index("The register")


def test_overdue_assessments_are_the_partners_turn_past_their_due_date(
        client, login_as, firm, assessment, frozen_clock):
    login_as(Role.MANAGER)
    late = firm("Late Answers", RiskTier.HIGH)
    assessment(late, status=AssessmentStatus.IN_PROGRESS, due=TODAY - timedelta(days=3))
    assessment(firm("Returned Late"), status=AssessmentStatus.RETURNED,
               due=TODAY - timedelta(days=1))
    assessment(firm("Due Today"), status=AssessmentStatus.SENT, due=TODAY)
    assessment(firm("Our Turn"), status=AssessmentStatus.SUBMITTED,
               due=TODAY - timedelta(days=10))
    assessment(firm("Done"), status=AssessmentStatus.COMPLETED, due=TODAY - timedelta(days=10))
    html = page_of(client, "/dashboard")
    assert numbers_linked(html)["/dashboard/overdue-assessments"] == 2
    listed = page_of(client, "/dashboard/overdue-assessments")
    assert '<span class="count">2</span>' in listed
    assert listed.index("Late Answers") < listed.index("Returned Late")  # longest overdue first
    for absent in ("Due Today", "Our Turn", "Done"):
        assert absent not in listed
    assert re.search(r"Late Answers.*?<td class=\"num\">3</td>", listed, re.DOTALL)


def test_overdue_findings_are_not_closed_and_past_their_due_date(client, login_as, firm,
                                                                 finding, frozen_clock):
    login_as(Role.PROCUREMENT)
    vendor = firm("Remediating Co")
    yesterday = TODAY - timedelta(days=1)
    finding(vendor, "No NDA with clients", due=yesterday, severity=FindingSeverity.CRITICAL)
    finding(vendor, "Laptops unencrypted", due=yesterday, status=FindingStatus.RESPONDED,
            severity=FindingSeverity.LOW)
    finding(vendor, "Closed late", due=yesterday, status=FindingStatus.CLOSED)
    finding(vendor, "Due tomorrow", due=TODAY + timedelta(days=1))
    finding(vendor, "No due date", due=None)
    html = page_of(client, "/dashboard")
    assert numbers_linked(html)["/dashboard/overdue-findings"] == 2
    listed = page_of(client, "/dashboard/overdue-findings")
    assert listed.index("No NDA with clients") < listed.index("Laptops unencrypted")  # gravest
    for absent in ("Closed late", "Due tomorrow", "No due date"):
        assert absent not in listed


def test_reassessments_fall_due_by_tier_from_the_latest_decision(client, login_as, firm,
                                                                 frozen_clock):
    login_as(Role.MANAGER)

    def decided(name, tier, when, status=VendorStatus.ACTIVE):
        firm(name, tier, residual=tier, score=70, decided=when, status=status)

    # Critical: every 6 months. Decided on 22 May: due 22 November, yesterday.
    decided("Critical Overdue", RiskTier.CRITICAL, datetime(2026, 5, 22, 23, 59, tzinfo=UTC))
    decided("Critical Due Today", RiskTier.CRITICAL, datetime(2026, 5, 23, 0, 0, tzinfo=UTC))
    # High: every 12 months; the window ends 90 days from today, on 21 February 2027.
    decided("High Soon", RiskTier.HIGH, datetime(2025, 12, 31, 12, 0, tzinfo=UTC))
    decided("High Last Day", RiskTier.HIGH, datetime(2026, 2, 21, 18, 0, tzinfo=UTC))
    decided("High Later", RiskTier.HIGH, datetime(2026, 2, 22, 1, 0, tzinfo=UTC))
    decided("Low Long Ago", RiskTier.LOW, datetime(2023, 11, 20, tzinfo=UTC))  # 36 months
    decided("Medium Recent", RiskTier.MEDIUM, datetime(2025, 11, 24, tzinfo=UTC))
    decided("Offboarded Ago", RiskTier.CRITICAL, datetime(2020, 1, 1, tzinfo=UTC),
            status=VendorStatus.OFFBOARDED)
    firm("Never Decided", RiskTier.CRITICAL)
    html = page_of(client, "/dashboard")
    numbers = numbers_linked(html)
    assert numbers["/dashboard/reassessments-due#overdue"] == 2
    assert numbers["/dashboard/reassessments-due#due-soon"] == 3
    listed = page_of(client, "/dashboard/reassessments-due")
    overdue, soon = listed.split('id="due-soon"')
    assert overdue.index("Low Long Ago") < overdue.index("Critical Overdue")  # oldest due first
    assert "Critical Due Today" in soon and "Critical Due Today" not in overdue
    assert soon.index("Critical Due Today") < soon.index("High Soon") < soon.index(
        "High Last Day")
    for absent in ("High Later", "Medium Recent", "Offboarded Ago", "Never Decided"):
        assert absent not in listed


def test_the_reassessment_cadence_comes_from_the_setting(app, client, login_as, firm,
                                                         frozen_clock):
    login_as(Role.MANAGER)
    firm("Quarterly", RiskTier.CRITICAL, residual=RiskTier.HIGH, score=60,
         decided=datetime(2026, 8, 20, tzinfo=UTC))
    previous = app.config["REASSESSMENT_MONTHS"]
    app.config["REASSESSMENT_MONTHS"] = {"critical": 3}
    try:
        listed = page_of(client, "/dashboard/reassessments-due")
    finally:
        app.config["REASSESSMENT_MONTHS"] = previous
    overdue = listed.split('id="due-soon"')[0]
    assert "Quarterly" in overdue  # due 20 November with 3 months, 20 February with 6
    assert "Quarterly" not in page_of(client, "/dashboard/reassessments-due").split(
        'id="due-soon"')[0]


def test_the_vendor_page_shows_the_score_trend(client, login_as, firm, assessment, frozen_clock):
    login_as(Role.MANAGER)
    vendor = firm("Improving Co", RiskTier.HIGH, residual=RiskTier.MEDIUM, score=82)
    assessment(vendor, status=AssessmentStatus.COMPLETED, score=48, cycle=0,
               created_at=datetime(2025, 1, 10, tzinfo=UTC),
               decided_at=datetime(2025, 2, 1, tzinfo=UTC))
    assessment(vendor, status=AssessmentStatus.COMPLETED, score=82, cycle=1,
               created_at=datetime(2026, 1, 10, tzinfo=UTC),
               decided_at=datetime(2026, 2, 1, tzinfo=UTC))
    assessment(vendor, status=AssessmentStatus.UNDER_REVIEW, score=64.4, cycle=2,
               created_at=datetime(2026, 10, 1, tzinfo=UTC))
    assessment(vendor, status=AssessmentStatus.SENT, cycle=3,
               created_at=datetime(2026, 11, 1, tzinfo=UTC))  # no score yet: no point
    html = page_of(client, f"/vendors/{vendor.id}")
    trend = html.split('id="trend-heading"')[1].split("</section>")[0]
    desc = re.search(r'<desc id="trend-desc">(.*?)</desc>', trend).group(1)
    assert re.findall(r": (\d+)", desc) == ["48", "82", "64"]
    assert trend.count("<circle") == 3 and trend.count("provisional") == 1
    assert 'role="img"' in trend and "<title" in trend and "visually-hidden-focusable" in trend
    bare = firm("New Co")
    assert 'id="trend-heading"' not in page_of(client, f"/vendors/{bare.id}")


def _grow(firm, assessment, finding, count: int, start: int) -> None:
    tiers, bands = list(RiskTier), [95, 70, 45, 10]
    for i in range(start, start + count):
        vendor = firm(f"Firm {i:03d}", tiers[i % 4], residual=tiers[(i + 1) % 4],
                      score=bands[i % 4] if i % 5 else None,
                      decided=datetime(2024, 1 + i % 12, 1 + i % 28, tzinfo=UTC),
                      status=VendorStatus.OFFBOARDED if i % 7 == 0 else VendorStatus.ACTIVE)
        assessment(vendor, due=TODAY - timedelta(days=i % 3))
        finding(vendor, f"Gap {i}", due=TODAY - timedelta(days=i % 2))


def test_the_dashboard_issues_the_same_queries_for_5_firms_or_60(
        app, client, login_as, firm, assessment, finding, frozen_clock):
    login_as(Role.MANAGER)
    _grow(firm, assessment, finding, 5, 0)
    small = statements_for(app, client, "/dashboard")
    _grow(firm, assessment, finding, 55, 5)
    large = statements_for(app, client, "/dashboard")
    assert small == large


def test_the_lists_behind_the_dashboard_issue_the_same_queries_however_long(
        app, client, login_as, firm, assessment, finding, frozen_clock):
    login_as(Role.MANAGER)
    paths = ("/dashboard/overdue-assessments", "/dashboard/overdue-findings",
             "/dashboard/reassessments-due")
    _grow(firm, assessment, finding, 3, 0)
    small = [statements_for(app, client, path) for path in paths]
    _grow(firm, assessment, finding, 40, 3)
    assert [statements_for(app, client, path) for path in paths] == small


def test_a_decision_taken_through_the_review_reaches_the_dashboard(app, db_session, submitted,
                                                                   make_user):
    sent, _partner, reviewer = submitted  # a high-tier firm scoring 25 with the NDA finding open
    act(reviewer, sent.id, "accept-pending")
    act(reviewer, sent.id, "complete")
    manager = app.test_client()
    login(manager, make_user(Role.MANAGER).email)
    sheet = f"/assessments/{sent.id}/review"
    manager.post(f"/assessments/{sent.id}/decide",
                 data={"csrf_token": csrf_token(manager, sheet),
                       "outcome": "approved_with_conditions", "reason": "NDA clause to follow."},
                 content_type="multipart/form-data")
    html = page_of(manager, "/dashboard")
    assert numbers_linked(html)[link_to(html, status="current", residual="critical")] == 1
    assert numbers_linked(html)[link_to(html, status="current", tier="high", band="poor")] == 1
    assert firms_listed(manager, link_to(html, status="current", residual="critical")) == {
        "上海衡信律师事务所"}
    vendor_page = page_of(manager, f"/vendors/{sent.vendor_id}")
    assert re.search(r'<desc id="trend-desc">[^<]*: 25\.</desc>', vendor_page)
