"""Signing in and out, and the session rules that protect an internal account."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import PASSWORD, csrf_token, login
from vendorrisk.accounts.models import User, UserSession
from vendorrisk.accounts.roles import Role


def test_a_user_signs_in_and_reaches_the_dashboard(client, make_user):
    user = make_user(Role.PROCUREMENT, name="陈静")
    response = login(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert "陈静" in page.get_data(as_text=True)


def test_unknown_account_and_wrong_password_get_the_same_answer(client, make_user):
    user = make_user(Role.MANAGER)
    wrong_password = login(client, user.email, "not the password at all")
    unknown_user = login(client, "nobody@example.com", "not the password at all")
    assert wrong_password.status_code == unknown_user.status_code == 200
    strip = lambda r: r.get_data(as_text=True).split('name="csrf_token"')[0]  # noqa: E731
    assert "Invalid email or password." in wrong_password.get_data(as_text=True)
    assert strip(wrong_password) == strip(unknown_user)


def test_a_disabled_user_cannot_sign_in(client, make_user, db_session):
    user = make_user(Role.MANAGER)
    user.is_enabled = False
    db_session.commit()
    response = login(client, user.email)
    assert response.status_code == 200
    assert "Invalid email or password." in response.get_data(as_text=True)


def test_passwords_are_stored_as_argon2id(make_user):
    user = make_user(Role.ADMIN)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_guessing_one_account_is_throttled_even_with_the_right_password(client, make_user):
    user = make_user(Role.ADMIN)
    for _ in range(5):
        assert login(client, user.email, "wrong password 123").status_code == 200
    locked = login(client, user.email)  # the right password no longer helps
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_an_unknown_account_is_throttled_like_a_known_one(client):
    for _ in range(5):
        login(client, "ghost@example.com", "wrong password 123")
    assert login(client, "ghost@example.com", "wrong password 123").status_code == 429


def test_throttle_window_passes(client, make_user, frozen_clock):
    user = make_user(Role.ADMIN)
    for _ in range(5):
        login(client, user.email, "wrong password 123")
    frozen_clock.advance(minutes=16)
    assert login(client, user.email).status_code == 302


def test_many_accounts_from_one_address_are_throttled_per_ip(client, make_user):
    user = make_user(Role.ADMIN)
    for n in range(20):
        login(client, f"spray{n}@example.com", "wrong password 123")
    assert login(client, user.email).status_code == 429


def test_the_session_cookie_is_httponly_and_samesite(client, make_user):
    user = make_user(Role.ADMIN)
    response = login(client, user.email)
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("vr_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_cookies_are_secure():
    from vendorrisk import create_app

    app = create_app({"ENV_NAME": "production", "SECRET_KEY": "x" * 32,
                      "DATABASE_URL": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_signing_in_issues_a_new_session_and_a_planted_one_is_worthless(client, make_user, app):
    user = make_user(Role.ADMIN)
    client.get("/login")
    before = client.get_cookie("vr_session").value
    login(client, user.email)
    after = client.get_cookie("vr_session").value
    assert before != after
    stranger = app.test_client()
    stranger.set_cookie("vr_session", before)
    assert stranger.get("/dashboard").status_code == 302


def test_signing_out_ends_the_session_on_the_server(client, make_user, app):
    user = make_user(Role.ADMIN)
    login(client, user.email)
    stolen = client.get_cookie("vr_session").value
    token = csrf_token(client, "/dashboard")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    replay = app.test_client()
    replay.set_cookie("vr_session", stolen)
    assert replay.get("/dashboard").status_code == 302


def test_idle_sessions_expire_after_30_minutes(client, make_user, frozen_clock):
    user = make_user(Role.ADMIN)
    login(client, user.email)
    frozen_clock.advance(minutes=29)
    assert client.get("/dashboard").status_code == 200
    frozen_clock.advance(minutes=29)  # active a minute ago counts as activity
    assert client.get("/dashboard").status_code == 200
    frozen_clock.advance(minutes=31)
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_sessions_end_after_12_hours_however_active(client, make_user, frozen_clock):
    user = make_user(Role.ADMIN)
    login(client, user.email)
    for _ in range(24):
        frozen_clock.advance(minutes=29)
        assert client.get("/dashboard").status_code == 200
    frozen_clock.advance(minutes=29)  # 12 h 5 min after signing in
    assert client.get("/dashboard").status_code == 302


def test_disabling_a_user_ends_all_their_sessions(app, client, make_user, login_as, db_session):
    victim = make_user(Role.PROCUREMENT)
    elsewhere = app.test_client()
    login(elsewhere, victim.email)
    assert elsewhere.get("/vendors/").status_code == 200
    login_as(Role.ADMIN)
    token = csrf_token(client, f"/admin/users/{victim.id}")
    response = client.post(f"/admin/users/{victim.id}", data={
        "csrf_token": token, "name": victim.name, "role": "procurement"})  # "enabled" unticked
    assert response.status_code == 302
    assert elsewhere.get("/vendors/").status_code == 302
    db_session.expire_all()
    assert db_session.get(User, victim.id).is_enabled is False


def test_changing_password_ends_other_sessions_but_keeps_this_one(app, client, make_user,
                                                                  db_session):
    user = make_user(Role.MANAGER)
    other_browser = app.test_client()
    login(other_browser, user.email)
    login(client, user.email)
    token = csrf_token(client, "/account/password")
    response = client.post("/account/password", data={
        "csrf_token": token, "current_password": PASSWORD,
        "new_password": "a brand new passphrase", "confirm": "a brand new passphrase"})
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200
    assert other_browser.get("/dashboard").status_code == 302
    live = db_session.scalars(select(UserSession).where(UserSession.user_id == user.id,
                                                        UserSession.revoked_at.is_(None))).all()
    assert len(live) == 1


def test_a_short_new_password_is_refused_with_a_reason(client, make_user):
    user = make_user(Role.MANAGER)
    login(client, user.email)
    token = csrf_token(client, "/account/password")
    response = client.post("/account/password", data={
        "csrf_token": token, "current_password": PASSWORD, "new_password": "short pass",
        "confirm": "short pass"})
    assert response.status_code == 200
    assert "Use at least 12 characters." in response.get_data(as_text=True)


def test_next_parameter_only_redirects_within_the_site(client, make_user):
    user = make_user(Role.ADMIN)
    for target, expected in [("/vendors/?tier=high", "/vendors/?tier=high"),
                             ("https://evil.example.com/", "/dashboard"),
                             ("//evil.example.com/", "/dashboard"),
                             ("/\\evil.example.com", "/dashboard")]:
        token = csrf_token(client, "/login")
        response = client.post("/login", query_string={"next": target},
                               data={"email": user.email, "password": PASSWORD,
                                     "csrf_token": token})
        assert response.headers["Location"] == expected, target
        client.post("/logout", data={"csrf_token": csrf_token(client, "/dashboard")})


def test_a_stranger_is_sent_to_sign_in_and_comes_back_after(client):
    response = client.get("/vendors/?kind=law_firm")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/vendors/?kind%3Dlaw_firm"
