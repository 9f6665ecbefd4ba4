"""What partner-side tests share: a questionnaire with evidence questions, files, an upload."""

from __future__ import annotations

import io
import zipfile

from tests.conftest import csrf_token

QUESTIONNAIRE = """\
id: evidence-test
version: "1.0.0"
languages: [en]
title: Evidence test
sections:
  - id: policies
    title: Policies
    questions:
      - id: policy
        type: evidence
        text: Upload your confidentiality policy
      - id: staff-ndas
        type: yes_no
        requires_evidence: true
        text: Do all staff sign confidentiality undertakings
"""
# A free-text answer and an evidence file: what encryption and purging must both cover.
ANSWER_AND_FILE = """\
id: answer-and-file
version: "1.0.0"
languages: [en]
title: Answer and file
sections:
  - id: policies
    title: Policies
    questions:
      - id: policy
        type: evidence
        text: Upload your confidentiality policy
      - id: practice
        type: text
        text: How do you dispose of client files
"""
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def upload(client, assessment_id, files: dict, answers: dict | None = None):
    path = f"/partner/assessments/{assessment_id}/policies"
    data: dict = {"csrf_token": csrf_token(client, path)}
    for qid, value in (answers or {}).items():
        data[f"q-{qid}"], data[f"v-{qid}"] = value, ""
    for qid, (name, content) in files.items():
        data[f"f-{qid}"] = (io.BytesIO(content), name)
    return client.post(path, data=data, content_type="multipart/form-data")


