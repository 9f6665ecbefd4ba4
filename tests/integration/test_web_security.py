"""Headers, CSRF and error pages: the baseline every page keeps."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token
from vendorrisk.accounts.roles import Role


def test_every_response_carries_the_security_headers(client):
    for path in ("/login", "/no-such-page", "/static/css/app.css"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "'unsafe-inline'" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"


def test_pages_contain_no_inline_script_or_style(client, login_as, make_vendor):
    login_as(Role.ADMIN)
    vendor = make_vendor()
    for path in ("/login", "/dashboard", "/vendors/", f"/vendors/{vendor.id}", "/vendors/new",
                 "/admin/users/", "/admin/audit/"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and " style=" not in html and "<style" not in html, path


def test_a_post_without_csrf_token_is_refused_and_changes_nothing(client, make_user):
    user = make_user(Role.ADMIN)
    response = client.post("/login", data={"email": user.email, "password": "x" * 20})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)


def test_a_forged_post_by_a_signed_in_user_is_refused(client, login_as):
    login_as(Role.PROCUREMENT)
    response = client.post("/vendors/new", data={"name": "Forged", "kind": "law_firm",
                                                  "record_count": "1", "criticality": "low"})
    assert response.status_code == 400
    assert "Forged" not in client.get("/vendors/").get_data(as_text=True)


@pytest.mark.parametrize("method,path,code", [("GET", "/no-such-page", 404),
                                               ("DELETE", "/login", 405)])
def test_error_pages_are_the_portals_own(client, method, path, code):
    response = client.open(path, method=method)
    assert response.status_code == code
    html = response.get_data(as_text=True)
    assert "VendorRisk" in html and "Werkzeug" not in html and "Traceback" not in html


def test_an_oversized_upload_gets_a_clear_413(client, app):
    response = client.post("/login", data=b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1),
                           content_type="application/octet-stream")
    assert response.status_code == 413
    assert "larger than the portal accepts" in response.get_data(as_text=True)


def test_an_unexpected_error_shows_no_traceback_or_sql(app, client, login_as):
    from vendorrisk.security.policy import public

    @public
    def explode() -> str:
        raise RuntimeError("SELECT secret FROM internals")

    app.view_functions["dashboard.health"], original = explode, app.view_functions[
        "dashboard.health"]
    try:
        response = client.get("/healthz")
    finally:
        app.view_functions["dashboard.health"] = original
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "SELECT" not in html and "Traceback" not in html and "RuntimeError" not in html
    assert "Something went wrong" in html


def test_a_signed_in_users_refusal_is_a_403_page_and_is_audited(client, login_as):
    login_as(Role.MANAGER)
    response = client.get("/admin/users/")
    assert response.status_code == 403
    assert "Not allowed" in response.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/dashboard")})


def test_html_in_user_text_is_escaped(client, login_as, make_vendor):
    login_as(Role.PROCUREMENT)
    vendor = make_vendor(name="<script>alert(1)</script> LLP", services="<b>bold</b>")
    html = client.get(f"/vendors/{vendor.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; LLP" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_login_page_is_public_and_not_cached(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_health_check_answers_without_signing_in(client):
    assert client.get("/healthz").get_data(as_text=True) == "ok"
