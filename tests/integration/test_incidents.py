"""Security incidents at partner firms: recorded by procurement or reported by the firm, they
raise the firm's risk, ask for a reassessment and start the notification deadlines we owe."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests.conftest import csrf_token, login
from tests.review_helpers import QUESTIONNAIRE
from vendorrisk.accounts.roles import Role
from vendorrisk.audit.models import AuditEvent
from vendorrisk.db import get_db
from vendorrisk.incidents import reminders
from vendorrisk.incidents.domain import IncidentStatus, Recipient
from vendorrisk.incidents.models import Incident, IncidentNotification
from vendorrisk.mail.models import OutboxEmail
from vendorrisk.vendors.domain import RiskTier
from vendorrisk.vendors.models import Vendor

LEAK = {"title": "Laptop stolen from a car", "severity": "high", "client_data": "y",
        "data_categories": ["identity", "financial"], "records_affected": "1200",
        "description": "A partner's laptop holding client files was stolen on 20 November.",
        "containment": "Disk encryption on; remote wipe sent."}


def post_form(client, path: str, data: dict, page: str | None = None, prefix: str = ""):
    """Post the form of ``page`` (default: ``path`` itself) to ``path``; a prefixed form's
    fields, its CSRF token included, carry the prefix."""
    token = f"{prefix}-csrf_token" if prefix else "csrf_token"
    return client.post(path, data={token: csrf_token(client, page or path), **data})


def incidents_of(db_session, vendor_id: int) -> list[Incident]:
    db_session.expire_all()
    return list(db_session.scalars(select(Incident).where(Incident.vendor_id == vendor_id)))


def test_recording_an_incident_raises_the_risk_and_starts_the_deadlines(
        app, db_session, client, login_as, make_vendor, frozen_clock):
    firm = make_vendor(name="上海衡信律师事务所")
    firm.residual_risk = RiskTier.LOW
    db_session.commit()
    login_as(Role.PROCUREMENT)
    response = post_form(client, f"/incidents/new/{firm.id}",
                         {**LEAK, "detected_on": "2026-11-22"})
    assert response.status_code == 302
    [incident] = incidents_of(db_session, firm.id)
    assert incident.status == IncidentStatus.OPEN and not incident.reported_by_partner
    assert incident.learnt_at == frozen_clock()
    vendor = db_session.get(Vendor, firm.id)
    assert vendor.residual_risk == RiskTier.CRITICAL  # high, plus a step for client data
    assert vendor.reassessment_requested_at == frozen_clock()
    assert f"incident #{incident.id}" in vendor.reassessment_reason
    due = {n.recipient: n.due_at for n in db_session.scalars(select(IncidentNotification))}
    assert due == {Recipient.REGULATOR: frozen_clock() + timedelta(hours=72),
                   Recipient.CLIENTS: frozen_clock() + timedelta(hours=72)}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Laptop stolen from a car" in page and "Identity documents" in page
    assert "Regulator" in page and "Affected clients" in page
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "security incidents at partner firms not closed" in dashboard
    [event] = db_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "incident.recorded"))
    assert "stolen" not in event.details  # ids and fields only, never the description


def test_bad_incident_reports_are_refused_with_the_reason_and_nothing_is_kept(
        app, db_session, client, login_as, make_vendor, frozen_clock):
    firm = make_vendor()
    login_as(Role.PROCUREMENT)
    cases = [({**LEAK, "data_categories": [], "detected_on": "2026-11-22"},
              "Say which kinds of client data"),
             ({**LEAK, "detected_on": "2026-11-30"}, "cannot be detected or happen in the future"),
             ({**LEAK, "occurred_on": "2026-11-22", "detected_on": "2026-11-21"},
              "cannot have happened after it was detected"),
             ({**LEAK, "detected_on": "2026-11-22", "records_affected": "-5"}, "Number must be"),
             ({**LEAK, "detected_on": ""}, "This field is required")]
    for data, reason in cases:
        response = post_form(client, f"/incidents/new/{firm.id}", data)
        assert response.status_code == 200, reason
        page = response.get_data(as_text=True)
        assert reason in page.replace("&#39;", "'")
        assert "Laptop stolen from a car" in page  # what was typed stays in the form
    assert incidents_of(db_session, firm.id) == []


def test_a_partner_reports_an_incident_at_its_own_firm(app, db_session, partner_with, make_user,
                                                      frozen_clock):
    firm, _sent, partner = partner_with(QUESTIONNAIRE)
    client = app.test_client()
    login(client, partner.email)
    response = post_form(client, "/partner/incidents/new",
                         {**LEAK, "detected_on": "2026-11-23", "learnt_at": "2020-01-01T00:00"})
    assert response.status_code == 302
    [incident] = incidents_of(db_session, firm.id)
    assert incident.reported_by_partner and incident.learnt_at == frozen_clock()  # not theirs
    assert "Laptop stolen from a car" in client.get("/partner/incidents/").get_data(as_text=True)
    assert client.get(f"/incidents/{incident.id}").status_code == 403
    reviewer = app.test_client()
    login(reviewer, make_user(Role.PROCUREMENT).email)
    assert "reported by the firm" in reviewer.get(f"/incidents/{incident.id}").get_data(
        as_text=True)


def test_closing_needs_every_owed_notification_recorded(app, db_session, client, login_as,
                                                        make_vendor, frozen_clock):
    firm = make_vendor()
    user = login_as(Role.PROCUREMENT)
    location = post_form(client, f"/incidents/new/{firm.id}",
                         {**LEAK, "detected_on": "2026-11-22"}).headers["Location"]
    [incident] = incidents_of(db_session, firm.id)

    def close():
        return post_form(client, f"{location}/status", {"status": "closed", "containment": "",
                                                        "version": incident.version}, location)

    refused = client.get(close().headers["Location"]).get_data(as_text=True)
    assert "Record the owed notifications first" in refused
    no_reason = post_form(client, f"{location}/notifications/clients",
                          {"clients-outcome": "not_required", "clients-note": ""}, location,
                          "clients")
    assert "why it is not owed" in client.get(no_reason.headers["Location"]).get_data(
        as_text=True)
    frozen_clock.advance(hours=80)
    login(client, user.email)  # the session ended while idle
    post_form(client, f"{location}/notifications/regulator",
              {"regulator-outcome": "notified",
               "regulator-note": "Filed with the CAC portal, ref. 2026-117."},
              location, "regulator")
    post_form(client, f"{location}/notifications/clients",
              {"clients-outcome": "not_required",
               "clients-note": "Encrypted disk: no risk to the clients."},
              location, "clients")
    assert client.get(close().headers["Location"]).status_code == 200
    db_session.expire_all()
    incident = db_session.get(Incident, incident.id)
    assert incident.status == IncidentStatus.CLOSED and incident.closed_at == frozen_clock()
    late = db_session.scalar(select(IncidentNotification).where(
        IncidentNotification.recipient == Recipient.REGULATOR))
    assert late.done_at > late.due_at  # recorded, and recorded as late
    assert "(late)" in client.get(location).get_data(as_text=True)


def test_owed_notifications_are_reminded_before_and_after_their_deadline(
        app, db_session, client, login_as, make_vendor, make_user, frozen_clock):
    owner = make_user(Role.PROCUREMENT)
    manager = make_user(Role.MANAGER)
    firm = make_vendor()
    firm.owner_id = owner.id
    db_session.commit()
    recorder = login_as(Role.PROCUREMENT)
    post_form(client, f"/incidents/new/{firm.id}", {**LEAK, "detected_on": "2026-11-22"})

    def sweep() -> reminders.NotificationReport:
        return reminders.send_deadline_reminders(get_db(app).new_session,
                                                 "http://portal.example.com")

    def sent() -> int:
        db_session.expire_all()
        return db_session.scalar(select(func.count(OutboxEmail.id)).where(
            OutboxEmail.kind == "incident_deadline")) or 0

    assert sweep() == reminders.NotificationReport(0, 0)  # 72 hours ahead
    frozen_clock.advance(hours=49)
    assert sweep() == reminders.NotificationReport(soon=2, overdue=0)
    assert sweep() == reminders.NotificationReport(0, 0)  # once
    recipients = {e.to_address for e in db_session.scalars(select(OutboxEmail).where(
        OutboxEmail.kind == "incident_deadline"))}
    assert {owner.email, manager.email, recorder.email} <= recipients
    before = sent()
    frozen_clock.advance(hours=24)
    assert sweep() == reminders.NotificationReport(soon=0, overdue=2)
    assert sent() > before
