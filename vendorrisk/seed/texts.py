"""The words of the demo's history: free-text answers, evidence documents, what reviewers ask and
find, what partners reply, and why managers decide. All invented; kept apart from the logic so
the stories read as code and the prose as prose."""

from __future__ import annotations

from vendorrisk.assessments.models import DecisionOutcome, FindingSeverity

# Free-text answers, by question id; formatted with the firm's facts (partner_answers.py).
TEXT_ANSWERS = {
    "g-responsible-person": "{person}, {person_role}",
    "sc-responsible-person": "{person}, {person_role}",
    "sc-legal-name": "{firm}; unified social credit code {credit_code}",
    "s-subcontractor-list": "{subcontractors}",
    "sc-subcontractor-list": "{subcontractors}",
    "x-cross-border-details": (
        "Client files are kept on servers in {city}. Transfers from the mainland follow the "
        "standard contract filed with the provincial cyberspace administration; only the "
        "engagement team can open them."),
    "sc-cross-border-details": (
        "We work from {city}; client files received from the mainland stay on our document "
        "system there and are not passed on."),
    "sc-track-record-details": (
        "In 2023 one email with a client's contact details went to the wrong recipient. We "
        "told the client within 24 hours and the recipient confirmed deletion; no regulator "
        "was involved."),
}
SUBCONTRACTORS = {
    "it_service": "Cloud hosting: 示例云计算有限公司 (Shanghai region); out-of-hours support: "
                  "Harbour IT Services Ltd.",
    "law_firm": "Court filings agent: 信达法律服务有限公司; document scanning: Clearpage Ltd.",
    "accounting_firm": "Payroll software: Ledgerline SaaS (mainland hosting).",
    "other": "Freelance translators under individual NDAs (list kept by the office manager); "
             "cloud storage: 示例云计算有限公司.",
}

# Evidence documents: (file name, title), by question id; any other question gets a generic one.
EVIDENCE_DOCUMENTS = {
    "g-security-policy": ("information-security-policy.pdf", "Information security policy"),
    "c-agreement-content": ("client-confidentiality-agreement.pdf",
                            "Client confidentiality agreement (template)"),
    "c-undertaking-template": ("staff-confidentiality-undertaking.pdf",
                               "Staff confidentiality undertaking (template)"),
    "h-training": ("security-training-record.pdf", "Security awareness training record"),
    "e-laptop-encryption": ("laptop-encryption-report.pdf", "Laptop encryption status report"),
    "b-dr-plan": ("disaster-recovery-plan.pdf", "Disaster recovery plan"),
    "s-agreements": ("subcontractor-agreement.pdf", "Subcontractor data processing agreement"),
    "i-plan-document": ("incident-response-plan.pdf", "Incident response plan"),
    "d-end-of-engagement": ("return-and-destruction-procedure.pdf",
                            "Data return and destruction procedure"),
    "d-vendor-certificate": ("destruction-vendor-certificate.pdf",
                             "Destruction contractor's certificate"),
    "d-certificate-sample": ("destruction-certificate-sample.pdf",
                             "Destruction certificate (sample)"),
    "r-internal-audit": ("internal-audit-report.pdf", "Internal audit report"),
    "r-assessment-report": ("external-assessment-report.pdf", "External assessment report"),
    "x-cross-border-mechanism": ("cross-border-transfer-filing.pdf",
                                 "Cross-border transfer: standard contract filing"),
    "sc-licence": ("practising-licence.pdf", "Practising licence"),
}

NDA_TITLE = "Mutual non-disclosure agreement"
NDA_TERMS = (
    "1. Confidential information is everything one party discloses about its clients and its "
    "business, in any form.",
    "2. It is used only for the engagement, shared only with staff who need it and bound by "
    "written confidentiality, and returned or destroyed when the engagement ends.",
    "3. A suspected disclosure is reported to the other party within 24 hours.",
    "4. These duties survive the end of this agreement by five years.",
)

# Findings a reviewer raises on a weak answer: severity, title, description, remediation.
REVIEWER_FINDINGS = {
    "a-mfa": (FindingSeverity.MEDIUM,
              "Multi-factor authentication does not cover every system with client data",
              "Staff sign in to some systems holding client files with a password alone.",
              "Enforce MFA on email, the document system and remote access; send the MFA "
              "enrolment report."),
    "a-access-review": (FindingSeverity.LOW,
                        "Access rights are not reviewed regularly",
                        "Nobody checks at fixed intervals who can open client files.",
                        "Review access to client matters every quarter and keep the sign-off."),
    "b-restore-test": (FindingSeverity.MEDIUM,
                       "Backups are not restore-tested",
                       "Backups are taken, but restoring them has not been tried on a schedule.",
                       "Test a full restore at least yearly and send the test record."),
    "h-training": (FindingSeverity.MEDIUM,
                   "Security training only at onboarding",
                   "Staff are trained when they join and never again.",
                   "Run yearly confidentiality and phishing training; send attendance records."),
    "e-key-rotation": (FindingSeverity.LOW,
                       "Encryption keys are not rotated",
                       "Keys protecting client data are changed only when a problem is suspected.",
                       "Rotate keys on a schedule and when staff with access leave."),
    "sc-insurance": (FindingSeverity.MEDIUM,
                     "Unclear insurance cover for data incidents",
                     "The firm's policy may not cover losses from a leak of client data.",
                     "Confirm in writing that the policy covers data incidents, or extend it."),
}

CLARIFICATION_REQUESTS = {
    "h-training": "The record you attached covers 2021 only. Please attach the latest attendance "
                  "list and tell us whether the course ends with a test.",
    "a-mfa": "Which systems with client data still accept a password alone? Please list them "
             "and say when MFA will cover them.",
    "b-restore-test": "When did you last restore a backup end to end, and what did you restore?",
    "e-transit": "How do client files travel to us today: by email attachment, or through a "
                 "platform? If passwords are used, how are they sent?",
}
CLARIFICATION_REQUEST = "Please explain this answer and attach what supports it."
PARTNER_NOTE = "We have changed our practice since; the answer above is up to date."

REMEDIATION_PLAN = ("We have fixed this: the new procedure is attached and applies to every "
                    "engagement from this month.")
CLOSING_NOTE = "Evidence checked: the control is in place now."

DECISION_REASONS = {
    DecisionOutcome.APPROVED: "The controls meet our standard for a firm of this tier and no "
                              "finding is open. Reassess on the normal cadence.",
    DecisionOutcome.APPROVED_WITH_CONDITIONS: "Acceptable overall, on condition that the "
                                              "{findings} open finding(s) are remediated by "
                                              "their due dates.",
    DecisionOutcome.REJECTED: "Critical controls fail ({findings} findings open). No client data "
                              "may go to this firm until they are fixed and it is assessed again.",
}
