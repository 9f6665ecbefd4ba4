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


FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "vsaq" / "tour.json"


def test_a_vsaq_file_is_imported_into_a_valid_questionnaire(app, tmp_path: Path):
    target = tmp_path / "tour.yaml"
    result = app.test_cli_runner().invoke(args=[
        "questionnaires", "import-vsaq", str(FIXTURE), "--id", "vsaq-tour",
        "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert "Imported" in result.output and "notes to review" in result.output
    assert "note: questionnaire[" in result.output  # what could not be mapped is listed
    assert check(app, str(target)).exit_code == 0
    again = app.test_cli_runner().invoke(args=[
        "questionnaires", "import-vsaq", str(FIXTURE), "--id", "vsaq-tour",
        "--output", str(target)])
    assert again.exit_code == 1 and "already exists" in again.output


def test_importing_something_that_is_not_vsaq_is_a_clear_error(app, tmp_path: Path):
    bogus = tmp_path / "bogus.json"
    bogus.write_text('{"hello": "world"}', encoding="utf-8")
    result = app.test_cli_runner().invoke(args=[
        "questionnaires", "import-vsaq", str(bogus), "--id", "bogus",
        "--output", str(tmp_path / "out.yaml")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "questionnaire" in result.output
    assert not (tmp_path / "out.yaml").exists()
