"""Fixtures shared by the partner-side integration tests."""

from __future__ import annotations

import pytest

from tests.partner_helpers import QUESTIONNAIRE


@pytest.fixture
def evidence_setup(app, partner_with, tmp_path):
    previous = app.config["UPLOAD_DIR"]
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    yield (*partner_with(QUESTIONNAIRE), tmp_path / "uploads")
    app.config["UPLOAD_DIR"] = previous
