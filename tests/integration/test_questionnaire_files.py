"""The questionnaire files in the repository, checked the way CI and authors check them."""

from __future__ import annotations

from pathlib import Path

from vendorrisk import PROJECT_ROOT
from vendorrisk.questionnaires.schema import load_file

SHIPPED = PROJECT_ROOT / "questionnaires"


def check(app, *args: str):
    return app.test_cli_runner().invoke(args=["questionnaires", "check", *args])


def test_the_shipped_questionnaires_pass_the_check(app):
    result = check(app)
    assert result.exit_code == 0, result.output
    assert "ok  client-data-confidentiality" in result.output
    assert "ok  pre-engagement-screen" in result.output


def test_the_full_assessment_and_the_screen_have_the_promised_size_and_languages():
    full = load_file(SHIPPED / "client-data-confidentiality.yaml")
    screen = load_file(SHIPPED / "pre-engagement-screen.yaml")
    assert 50 <= len(full.questions) <= 80
    assert 10 <= len(screen.questions) <= 20
    for questionnaire in (full, screen):
        assert set(questionnaire.languages) >= {"en", "zh"}
        assert any(q.critical for q in questionnaire.questions)
        assert any(q.condition is not None for q in questionnaire.questions)
        assert any(q.frameworks for q in questionnaire.questions)


def test_a_broken_file_fails_the_check_with_file_line_and_question(app, tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        'id: broken\nversion: "1"\nlanguages: [en]\ntitle: Broken\nsections:\n'
        "  - id: s\n    title: S\n    questions:\n"
        "      - id: q1\n        type: yes_no\n        text: Ok?\n"
        "      - id: q2\n        type: yes_no\n        text: no\n        show_if: q3 == 'yes'\n",
        encoding="utf-8")
    result = check(app, str(broken))
    assert result.exit_code == 1
    assert f"{broken}:14: [q2] text: `no` was read by YAML as a true/false value" in result.output
    assert f"{broken}:15: [q2] show_if: refers to unknown question 'q3'" in result.output


def test_a_missing_file_is_a_clear_error(app, tmp_path: Path):
    result = check(app, str(tmp_path / "absent.yaml"))
    assert result.exit_code == 1
    assert "cannot read the file" in result.output
