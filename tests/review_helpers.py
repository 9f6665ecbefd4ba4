"""What review-side tests share: a small questionnaire with a critical question and a follow-up,
and the partner's and reviewer's form posts."""

from __future__ import annotations

import re

from tests.conftest import csrf_token

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
