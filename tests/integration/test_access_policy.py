"""Default-deny: every route declares who may use it, and each role gets exactly that."""

from __future__ import annotations

import io
from datetime import date

import pytest

from tests.conftest import TEST_ACTOR, login
from vendorrisk.accounts.roles import Role
from vendorrisk.agreements import service as agreements
from vendorrisk.agreements.domain import AgreementKind, AgreementStatus
from vendorrisk.assessments import evidence
from vendorrisk.assessments.models import Finding, FindingSeverity, FindingStatus
from vendorrisk.incidents import service as incidents
from vendorrisk.incidents.domain import DEFAULT_NOTIFICATION_HOURS
from vendorrisk.mail import service as mail
from vendorrisk.offboarding.models import DestructionRequest
from vendorrisk.security.policy import policy_for
from vendorrisk.sharing import service as sharing
from vendorrisk.storage.files import EncryptedFiles, keyring_for
from vendorrisk.vendors import service as vendors
from vendorrisk.vendors.domain import RiskTier

# Every route, with the roles that reach it. A new route fails test_matrix_covers_every_route
# until it is added here, so nobody ships a route without deciding who may use it.
ANYONE = "anyone"
SIGNED_IN = "signed in"
INTERNAL = {Role.ADMIN, Role.PROCUREMENT, Role.MANAGER}
EDITORS = {Role.ADMIN, Role.PROCUREMENT}
MATRIX: dict[str, tuple[str, str, object]] = {
    # endpoint: (method, path, who)
    "static": ("GET", "/static/css/app.css", ANYONE),
    "dashboard.root": ("GET", "/", ANYONE),
    "dashboard.health": ("GET", "/healthz", ANYONE),
    "auth.login": ("GET", "/login", ANYONE),
    "auth.logout": ("POST", "/logout", SIGNED_IN),
    "auth.change_password": ("GET", "/account/password", SIGNED_IN),
    "dashboard.home": ("GET", "/dashboard", INTERNAL),
    "dashboard.overdue_assessments": ("GET", "/dashboard/overdue-assessments", INTERNAL),
    "dashboard.overdue_findings": ("GET", "/dashboard/overdue-findings", INTERNAL),
    "dashboard.reassessments_due": ("GET", "/dashboard/reassessments-due", INTERNAL),
    "vendors.index": ("GET", "/vendors/", INTERNAL),
    "vendors.detail": ("GET", "/vendors/{vendor}", INTERNAL),
    "vendors.create": ("GET", "/vendors/new", EDITORS),
    "vendors.edit": ("GET", "/vendors/{vendor}/edit", EDITORS),
    "vendors.change_status": ("POST", "/vendors/{vendor}/status", EDITORS),
    "vendors.add_contact": ("POST", "/vendors/{vendor}/contacts", EDITORS),
    "vendors.remove_contact": ("POST", "/vendors/{vendor}/contacts/{contact}/delete", EDITORS),
    "users.index": ("GET", "/admin/users/", {Role.ADMIN}),
    "users.create": ("GET", "/admin/users/new", {Role.ADMIN}),
    "users.edit": ("GET", "/admin/users/{user}", {Role.ADMIN}),
    "users.set_password": ("POST", "/admin/users/{user}/password", {Role.ADMIN}),
    "audit.index": ("GET", "/admin/audit/", {Role.ADMIN}),
    "audit.export": ("GET", "/admin/audit/export.csv", {Role.ADMIN}),
    "assessments.send": ("GET", "/assessments/new/{vendor}", EDITORS),
    "assessments.detail": ("GET", "/assessments/{assessment}", INTERNAL),
    "review.sheet": ("GET", "/assessments/{assessment}/review", INTERNAL),
    "review.act": ("POST", "/assessments/{assessment}/review/accept-pending", EDITORS),
    "review.decide": ("POST", "/assessments/{assessment}/decide", {Role.ADMIN, Role.MANAGER}),
    "findings.raise_": ("POST", "/findings/new/{assessment}", EDITORS),
    "findings.detail": ("GET", "/findings/{finding}", INTERNAL),
    "findings.act": ("POST", "/findings/{finding}/comment", EDITORS),
    "partner_findings.respond": ("GET", "/partner/findings/{finding}", {Role.PARTNER}),
    "agreements.index": ("GET", "/agreements/", INTERNAL),
    "agreements.export": ("GET", "/agreements/export.csv", INTERNAL),
    "agreements.new": ("GET", "/agreements/new/{vendor}", EDITORS),
    "agreements.detail": ("GET", "/agreements/{agreement}", INTERNAL),
    "agreements.edit": ("GET", "/agreements/{agreement}/edit", EDITORS),
    "agreements.renew": ("GET", "/agreements/{agreement}/renew", EDITORS),
    "agreements.terminate": ("POST", "/agreements/{agreement}/terminate", EDITORS),
    "agreements.download": ("GET", "/agreements/documents/{document}", INTERNAL),
    "agreements.confirm": ("POST", "/agreements/documents/{document}/confirm", EDITORS),
    "partner_agreements.mine": ("GET", "/partner/agreements/", {Role.PARTNER}),
    "partner_agreements.countersigned": ("POST", "/partner/agreements/{agreement}/countersigned",
                                         {Role.PARTNER}),
    "partner_agreements.partner_download": ("GET", "/partner/agreements/documents/{document}",
                                            {Role.PARTNER}),
    "assessments.invitation": ("POST", "/assessments/invitations/{invitation}/revoke", EDITORS),
    "partner.open_invitation": ("GET", "/invite/not-a-real-token", ANYONE),
    "partner.accept_invitation": ("GET", "/invite/accept", ANYONE),
    "partner.home": ("GET", "/partner/", {Role.PARTNER}),
    "partner.assessment": ("GET", "/partner/assessments/{own_assessment}", {Role.PARTNER}),
    "partner.section": ("GET", "/partner/assessments/{own_assessment}/basics", {Role.PARTNER}),
    "partner.submit": ("GET", "/partner/assessments/{own_assessment}/submit", {Role.PARTNER}),
    "partner.receipt": ("GET", "/partner/assessments/{own_assessment}/receipt", {Role.PARTNER}),
    "partner.download": ("GET", "/partner/evidence/{evidence}", {Role.PARTNER}),
    "partner.remove": ("POST", "/partner/evidence/{evidence}/remove", {Role.PARTNER}),
    "assessments.download": ("GET", "/assessments/evidence/{evidence}", INTERNAL),
    "mailbox.index": ("GET", "/admin/mailbox/", {Role.ADMIN}),
    "mailbox.detail": ("GET", "/admin/mailbox/{email}", {Role.ADMIN}),
    "mailbox.retry": ("POST", "/admin/mailbox/{email}/retry", {Role.ADMIN}),
    "jobs.index": ("GET", "/admin/jobs/", {Role.ADMIN}),
    "jobs.run_now": ("POST", "/admin/jobs/deliver_mail/run", {Role.ADMIN}),
    "vendors.export": ("GET", "/vendors/export.csv", INTERNAL),
    "reports.assessment": ("GET", "/assessments/{assessment}/report.pdf", INTERNAL),
    "reports.portfolio": ("GET", "/reports/portfolio.pdf", INTERNAL),
    "reports.assessments_csv": ("GET", "/reports/assessments.csv", INTERNAL),
    "reports.findings_csv": ("GET", "/reports/findings.csv", INTERNAL),
    "incidents.index": ("GET", "/incidents/", INTERNAL),
    "incidents.new": ("GET", "/incidents/new/{vendor}", EDITORS),
    "incidents.detail": ("GET", "/incidents/{incident}", INTERNAL),
    "incidents.change_status": ("POST", "/incidents/{incident}/status", EDITORS),
    "incidents.notification": ("POST", "/incidents/{incident}/notifications/regulator",
                               INTERNAL),
    "partner_incidents.mine": ("GET", "/partner/incidents/", {Role.PARTNER}),
    "partner_incidents.report": ("GET", "/partner/incidents/new", {Role.PARTNER}),
    "offboarding.offboard": ("POST", "/vendors/{vendor}/offboard", EDITORS),
    "offboarding.confirm": ("POST", "/offboarding/requests/{destruction}/confirm", EDITORS),
    "offboarding.download": ("GET", "/offboarding/requests/{destruction}/certificate",
                             INTERNAL),
    "offboarding.open_link": ("GET", "/certificate/not-a-real-token", ANYONE),
    "offboarding.upload": ("GET", "/certificate/upload", ANYONE),
    "offboarding.purge_vendor": ("POST", "/vendors/{vendor}/purge", {Role.ADMIN, Role.MANAGER}),
    "offboarding.purge_certificate": ("GET", "/vendors/{vendor}/destruction-certificate.pdf",
                                      INTERNAL),
    "sharing.index": ("GET", "/sharing/", INTERNAL),
    "sharing.export": ("GET", "/sharing/export.csv", INTERNAL),
    "sharing.engagements": ("GET", "/sharing/engagements/", INTERNAL),
    "sharing.new_engagement": ("GET", "/sharing/engagements/new/{vendor}", INTERNAL),
    "sharing.engagement": ("GET", "/sharing/engagements/{engagement}", INTERNAL),
    "sharing.edit_engagement": ("GET", "/sharing/engagements/{engagement}/edit", INTERNAL),
    "sharing.close_engagement": ("POST", "/sharing/engagements/{engagement}/close", INTERNAL),
    "sharing.record": ("POST", "/sharing/engagements/{engagement}/disclosures", INTERNAL),
    "partner_sharing.mine": ("GET", "/partner/sharing/", {Role.PARTNER}),
}
# Reached but refused for what the object is, not for who asks: the matrix's assessment has not
# been submitted, so there is no report of it yet; no certificate exists to download.
REFUSED_FOR_STATE = {"reports.assessment": 409, "offboarding.download": 404,
                     "offboarding.purge_certificate": 404}


def test_every_route_declares_an_access_policy(app):
    undeclared = [rule.endpoint for rule in app.url_map.iter_rules()
                  if policy_for(app, rule.endpoint) is None]
    assert undeclared == []


def test_matrix_covers_every_route(app):
    assert {rule.endpoint for rule in app.url_map.iter_rules()} == set(MATRIX)


def test_a_route_without_a_policy_is_denied(app, client, login_as):
    def undeclared_view() -> str:
        return "should never be seen"

    app.view_functions["dashboard.health"], original = undeclared_view, app.view_functions[
        "dashboard.health"]
    try:
        login_as(Role.ADMIN)
        response = client.get("/healthz")
    finally:
        app.view_functions["dashboard.health"] = original
    assert response.status_code == 403
    assert "should never be seen" not in response.get_data(as_text=True)


def _allowed(who: object, role: Role | None) -> bool:
    if who == ANYONE:
        return True
    if who == SIGNED_IN:
        return role is not None
    return role in who  # type: ignore[operator]


@pytest.mark.parametrize("role", [None, *Role])
@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_role_route_matrix(app, client, db_session, make_user, make_vendor, make_assessment,
                           tmp_path, role, endpoint):
    method, path, who = MATRIX[endpoint]
    app.config["WTF_CSRF_ENABLED"] = False  # this test is about roles; CSRF has its own tests
    upload_dir, agreements_dir = app.config["UPLOAD_DIR"], app.config["AGREEMENTS_DIR"]
    try:
        vendor = make_vendor()
        contact = vendors.add_contact(db_session, TEST_ACTOR, vendor.id, name="Li Na",
                                      email="li.na@example.com", role="", phone="",
                                      is_primary=True)
        db_session.commit()
        assessment = make_assessment(make_vendor())
        own_assessment = make_assessment(vendor, contact_email="own@example.com")
        app.config["UPLOAD_DIR"] = str(tmp_path)
        files = EncryptedFiles(tmp_path, keyring_for(app))
        item = evidence.store(db_session, TEST_ACTOR, evidence.Storage(files, 1024),
                              own_assessment, "nda", "policy.pdf", io.BytesIO(b"%PDF-1.7 x"))
        db_session.commit()
        finding = Finding(assessment_id=own_assessment.id, vendor_id=vendor.id, source="reviewer",
                          severity=FindingSeverity.LOW, title="t", status=FindingStatus.OPEN)
        db_session.add(finding)
        db_session.commit()
        app.config["AGREEMENTS_DIR"] = str(tmp_path / "agreements")
        agreement = agreements.record(
            db_session, TEST_ACTOR, EncryptedFiles(tmp_path / "agreements", keyring_for(app)),
            1024, vendor.id, agreements.AgreementDetails(AgreementKind.NDA,
                                                         AgreementStatus.REQUESTED),
            agreements.Upload("nda.pdf", b"%PDF-1.7 x"))
        [document] = agreements.documents_of(db_session, agreement.id)
        db_session.commit()
        incident = incidents.record(
            db_session, TEST_ACTOR, vendor.id, incidents.IncidentReport(
                "Phishing", "A phishing mail reached staff.", RiskTier.LOW, False,
                detected_on=date.today()), DEFAULT_NOTIFICATION_HOURS)
        destruction = DestructionRequest(vendor_id=vendor.id, reason="test",
                                         due_on=date.today())
        db_session.add(destruction)
        db_session.commit()
        target_user = make_user(Role.MANAGER)
        engagement = sharing.open_engagement(db_session, TEST_ACTOR, vendor.id,
                                             sharing.EngagementDetails(
                                                 "Deregistration", "A client", "Filing",
                                                 date.today(), date.today(), target_user.id))
        db_session.commit()
        email = mail.enqueue(db_session, kind="test", to="x@example.com", subject="s", body="b")
        db_session.commit()
        if role is not None:
            user = make_user(role, vendor_id=vendor.id if role == Role.PARTNER else None)
            app.config["WTF_CSRF_ENABLED"] = True
            assert login(client, user.email).status_code == 302
            app.config["WTF_CSRF_ENABLED"] = False
        url = path.format(vendor=vendor.id, user=target_user.id, contact=contact.id,
                          email=email.id, assessment=assessment.id,
                          invitation=assessment.invitations[0].id,
                          own_assessment=own_assessment.id, evidence=item.id,
                          finding=finding.id, agreement=agreement.id,
                          document=document.id, incident=incident.id,
                          destruction=destruction.id, engagement=engagement.id)
        response = client.open(url, method=method)
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
        app.config["UPLOAD_DIR"] = upload_dir
        app.config["AGREEMENTS_DIR"] = agreements_dir
    if _allowed(who, role):
        # Reached: it answered (a page, a redirect, a form error, "this link is not valid"),
        # neither refused nor bounced to sign in.
        reached = (200, 302, 410, 422, *filter(None, [REFUSED_FOR_STATE.get(endpoint)]))
        assert response.status_code in reached, (endpoint, role, response.status_code)
        if response.status_code == 302:
            assert not response.headers["Location"].startswith("/login") or endpoint in (
                "auth.logout", "dashboard.root"), (endpoint, role)
    elif role is None:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    else:
        assert response.status_code == 403, (endpoint, role, response.status_code)
