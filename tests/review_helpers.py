"""What review-side tests share: a small questionnaire with a critical question and a follow-up,
and the partner's and reviewer's form posts."""

from __future__ import annotations

import re

from tests.conftest import csrf_token, login
from vendorrisk.accounts.roles import Role

QUESTIONNAIRE = """\
id: review-test
version: "1.0.0"
languages: [en]
title: Review test
sections:
  - id: basics
    title: Basics
    questions:
      - id: nda
        type: yes_no
        critical: true
        weight: 3
        text: Do you sign an NDA with every client
      - id: nda-years
        type: single_choice
        show_if: nda == 'yes'
        text: How long does confidentiality last
        options:
          - {id: ends, text: Ends with the engagement, score: 0}
          - {id: forever, text: Indefinitely, score: 100}
      - id: encryption
        type: yes_no
        text: Do you encrypt laptops
      - id: notes
        type: text
        required: false
        text: Anything else
"""
SECTION = "basics"


def save(client, assessment_id: int, answers: dict[str, str], notes: dict[str, str] | None = None):
    """Fill in the section page as the partner's browser would (without JavaScript)."""
    path = f"/partner/assessments/{assessment_id}/{SECTION}"
    page = client.get(path).get_data(as_text=True)
    versions = dict(re.findall(r'name="v-([\w-]+)" value="(\d*)"', page))
    data = {"csrf_token": csrf_token(client, path)}
    for qid, value in answers.items():
        data[f"q-{qid}"], data[f"v-{qid}"] = value, versions.get(qid, "")
    for qid, note in (notes or {}).items():
        data[f"n-{qid}"] = note
    return client.post(path, data=data)


def submit(client, assessment_id: int):
    path = f"/partner/assessments/{assessment_id}/submit"
    return client.post(path, data={"csrf_token": csrf_token(client, path), "name": "李娜",
                                   "position": "Partner", "confirm": "y"})


def act(client, assessment_id: int, action: str, **form):
    sheet = f"/assessments/{assessment_id}/review"
    return client.post(f"{sheet}/{action}", data={"csrf_token": csrf_token(client, sheet), **form})


def post(client, page: str, action: str, **data):
    return client.post(action, data={"csrf_token": csrf_token(client, page), **data},
                       content_type="multipart/form-data")


def raise_finding(reviewer, assessment_id: int, **changes):
    sheet = f"/assessments/{assessment_id}/review"
    data = {"title": "Laptops are not encrypted", "severity": "high",
            "description": "Two of five laptops had no disk encryption.",
            "remediation": "Enable full-disk encryption on every laptop.", "question": "",
            "due_date": ""}
    data.update(changes)
    return post(reviewer, sheet, f"/findings/new/{assessment_id}", **data)


def complete_review(reviewer, assessment_id: int) -> None:
    act(reviewer, assessment_id, "accept-pending")
    act(reviewer, assessment_id, "complete")


def decide(client, assessment_id: int, outcome: str, reason: str = "Meets our bar."):
    sheet = f"/assessments/{assessment_id}/review"
    return post(client, sheet, f"/assessments/{assessment_id}/decide", outcome=outcome,
                reason=reason)


def manager_client(app, make_user):
    client = app.test_client()
    login(client, make_user(Role.MANAGER).email)
    return client
