"""A partner fills in its questionnaire: sections, conditions, bad input, conflicts, isolation."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, csrf_token, login
from vendorrisk.accounts.roles import Role
from vendorrisk.assessments.models import Answer, AnswerChange, AssessmentStatus

QUESTIONNAIRE = """\
id: answer-test
version: "1.0.0"
languages: [en, zh]
title: {en: Answer test, zh: 答题测试}
sections:
  - id: basics
    title: {en: Basics, zh: 基本情况}
    questions:
      - id: holds-paper
        type: yes_no
        text: {en: Do you keep paper files, zh: 是否保存纸质文件}
      - id: shredder
        type: single_choice
        show_if: holds-paper == 'yes'
        allow_na: true
        text: {en: Which shredder, zh: 使用哪种碎纸机}
        options:
          - {id: strip, text: {en: Strip-cut, zh: 条状}, score: 20}
          - {id: micro, text: {en: Micro-cut, zh: 微粒}, score: 100}
      - id: staff
        type: number
        min: 0
        text: {en: How many staff see client data, zh: 多少员工接触客户数据}
      - id: notes
        type: text
        required: false
        text: {en: Anything else, zh: 其他}
  - id: more
    title: {en: More, zh: 更多}
    questions:
      - id: channels
        type: multi_choice
        text: {en: Channels, zh: 渠道}
        options:
          - {id: email, text: {en: Email, zh: 邮件}, score: 50}
          - {id: portal, text: {en: Portal, zh: 门户}, score: 50}
          - {id: none, text: {en: None of these, zh: 以上都不是}, score: 0, exclusive: true}
"""


@pytest.fixture
def partner_setup(partner_with):
    return partner_with(QUESTIONNAIRE)


def hidden(html: str, qid: str) -> bool:
    tag = re.search(rf'<fieldset[^>]*id="question-{qid}"[^>]*>', html).group(0)
    return tag.endswith(" hidden>")


def page_of(client, path):
    return client.get(path).get_data(as_text=True)


def save(client, path, answers: dict, then: str | None = None):
    """Post the given answers with the versions the page shows for them (questions not named
    are not sent, so they stay as they are)."""
    html = page_of(client, path)
    versions = dict(re.findall(r'name="v-([a-z0-9_-]+)" value="(\d*)"', html))
    data: dict = {"csrf_token": csrf_token(client, path)}
    for qid, value in answers.items():
        data[f"q-{qid}"] = value
        data[f"v-{qid}"] = versions.get(qid, "")
    if then:
        data["then"] = then
    return client.post(path, data=data)


def test_a_partner_answers_a_section_and_sees_its_progress(client, partner_setup, db_session):
    _firm, sent, partner = partner_setup
    login(client, partner.email)
    start = client.get(f"/partner/assessments/{sent.id}")
    path = f"/partner/assessments/{sent.id}/basics"
    assert start.headers["Location"] == path
    html = page_of(client, path)
    assert not hidden(html, "holds-paper") and hidden(html, "shredder")  # a follow-up, for now
    response = save(client, path, {"holds-paper": "no", "staff": "12"}, then="more")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/partner/assessments/{sent.id}/more"
    html = page_of(client, path)
    assert "2 of 3 required questions answered" in html
    assert "67 %" in page_of(client, "/partner/")
    db_session.expire_all()
    assert db_session.get(type(sent), sent.id).status == AssessmentStatus.IN_PROGRESS


def test_a_follow_up_appears_when_its_condition_holds_and_is_saved_only_then(client,
                                                                              partner_setup,
                                                                              db_session):
    _firm, sent, partner = partner_setup
    login(client, partner.email)
    path = f"/partner/assessments/{sent.id}/basics"
    save(client, path, {"holds-paper": "no", "shredder": "micro"})  # hidden: not saved
    assert db_session.scalar(select(Answer).where(Answer.question_id == "shredder")) is None
    save(client, path, {"holds-paper": "yes"})
    assert not hidden(page_of(client, path), "shredder")
    save(client, path, {"shredder": "__na__"})
    saved = db_session.scalar(select(Answer).where(Answer.question_id == "shredder"))
    assert saved.not_applicable is True


def test_the_page_can_be_read_in_chinese(client, partner_setup):
    _firm, sent, partner = partner_setup
    login(client, partner.email)
    html = page_of(client, f"/partner/assessments/{sent.id}/basics?lang=zh")
    assert "是否保存纸质文件" in html and "答题测试" in html
    assert "是否保存纸质文件" in page_of(client, f"/partner/assessments/{sent.id}/basics")


def test_bad_answers_are_explained_and_nothing_typed_is_lost(client, partner_setup, db_session):
    _firm, sent, partner = partner_setup
    login(client, partner.email)
    path = f"/partner/assessments/{sent.id}/basics"
    response = save(client, path, {"holds-paper": "maybe", "staff": "-3",
                                   "notes": "我们的档案室有门禁"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose one of the options." in html and "Enter 0 or more." in html
    assert 'value="-3"' in html  # what was typed is shown again
    notes = db_session.scalar(select(Answer).where(Answer.question_id == "notes"))
    assert notes is not None  # the valid answer in the same save was kept
    bad_multi = save(client, f"/partner/assessments/{sent.id}/more",
                     {"channels": ["email", "none"]})
    assert "cannot be combined" in bad_multi.get_data(as_text=True)


def test_two_colleagues_on_stale_pages_get_a_conflict_not_a_silent_overwrite(app, client,
                                                                           partner_setup,
                                                                           make_user,
                                                                           db_session):
    firm, sent, partner = partner_setup
    colleague = make_user(Role.PARTNER, email="wang.wei@hengxin.example.com", vendor_id=firm.id)
    other = app.test_client()
    login(client, partner.email)
    login(other, colleague.email)
    path = f"/partner/assessments/{sent.id}/basics"
    save(client, path, {"staff": "10"})
    stale_html = page_of(client, path)  # both now see version 1
    stale = {"csrf_token": csrf_token(client, path), "q-staff": "25",
             "v-staff": re.search(r'name="v-staff" value="(\d+)"', stale_html).group(1)}
    assert save(other, path, {"staff": "12"}).status_code == 302  # colleague saves first
    response = client.post(path, data=stale)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Someone else at your firm saved this answer" in html and "“12”" in html
    db_session.expire_all()
    answer = db_session.scalar(select(Answer).where(Answer.question_id == "staff"))
    assert answer.value_json == "12.0"
    history = db_session.scalars(select(AnswerChange.value_json).where(
        AnswerChange.answer_id == answer.id).order_by(AnswerChange.version)).all()
    assert history == ["10.0", "12.0"]
    # Saving again from the refreshed page knowingly replaces the colleague's answer.
    assert save(client, path, {"staff": "25"}).status_code == 302


def test_another_firms_questionnaire_does_not_exist_for_a_partner(app, partner_setup, make_vendor,
                                                                  make_user, db_session):
    _firm, sent, _partner = partner_setup
    stranger_firm = make_vendor(name="Another Firm")
    stranger = make_user(Role.PARTNER, email="x@another.example.com", vendor_id=stranger_firm.id)
    browser = app.test_client()
    login(browser, stranger.email, PASSWORD)
    for path in (f"/partner/assessments/{sent.id}", f"/partner/assessments/{sent.id}/basics"):
        assert browser.get(path).status_code == 404
    response = browser.post(f"/partner/assessments/{sent.id}/basics",
                            data={"csrf_token": csrf_token(browser, "/partner/"),
                                  "v-staff": "", "q-staff": "99"})
    assert response.status_code == 404
    assert db_session.scalar(select(Answer)) is None
    assert "Answer test" not in browser.get("/partner/").get_data(as_text=True)


def test_partners_never_see_scores_or_weights(client, partner_setup):
    _firm, sent, partner = partner_setup
    login(client, partner.email)
    html = page_of(client, f"/partner/assessments/{sent.id}/basics")
    assert "score" not in html.lower() and "weight" not in html.lower()


def test_an_expired_form_saves_nothing_but_gives_back_what_was_typed(client, partner_setup,
                                                                     db_session):
    _firm, sent, partner = partner_setup
    login(client, partner.email)
    path = f"/partner/assessments/{sent.id}/basics"
    page_of(client, path)
    response = client.post(path, data={"csrf_token": "expired-or-forged", "v-notes": "",
                                       "q-notes": "三页手写的回答", "v-staff": "",
                                       "q-staff": "8"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "the page had expired" in html
    assert "三页手写的回答" in html and 'value="8"' in html
    assert db_session.scalar(select(Answer)) is None  # CSRF still guards the save
    fresh = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    assert client.post(path, data={"csrf_token": fresh, "v-notes": "",
                                   "q-notes": "三页手写的回答"}).status_code == 302


def test_a_follow_up_answered_in_the_same_save_that_reveals_it_is_kept(client, partner_setup,
                                                                       db_session):
    _firm, sent, partner = partner_setup
    login(client, partner.email)
    path = f"/partner/assessments/{sent.id}/basics"
    assert save(client, path, {"holds-paper": "yes", "shredder": "micro"}).status_code == 302
    saved = db_session.scalar(select(Answer).where(Answer.question_id == "shredder"))
    assert saved is not None and saved.value_json == '"micro"'
