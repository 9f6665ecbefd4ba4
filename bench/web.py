"""Signing in and reading forms over HTTP, as a browser would: for the load runs (against
gunicorn, with urllib) and for the in-process measurements (Flask's test client)."""

from __future__ import annotations

import html
import http.cookiejar
import re
import urllib.parse
import urllib.request
from typing import Any

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
COOKIE_NAME = "vr_session"


def csrf_token(page: str) -> str:
    match = CSRF.search(page)
    if match is None:
        raise RuntimeError("no CSRF token on the page")
    return html.unescape(match.group(1) or match.group(2))


def answer_version(page: str, question_id: str) -> int | None:
    match = re.search(rf'name="v-{re.escape(question_id)}" value="(\d*)"', page)
    if match is None:
        raise RuntimeError(f"question {question_id} is not on the page")
    return int(match.group(1)) if match.group(1) else None


class Browser:
    """A cookie-keeping HTTP client for one user (urllib; redirects followed)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> str:
        with self.opener.open(self.base_url + path, timeout=120) as response:
            return response.read().decode("utf-8", "replace")

    def post(self, path: str, form: dict[str, str]) -> str:
        data = urllib.parse.urlencode(form).encode()
        with self.opener.open(self.base_url + path, data=data, timeout=120) as response:
            return response.read().decode("utf-8", "replace")

    def sign_in(self, email: str, password: str) -> None:
        token = csrf_token(self.get("/login"))
        self.post("/login", {"csrf_token": token, "email": email, "password": password})
        if COOKIE_NAME not in self.cookies():
            raise RuntimeError(f"signing in as {email} failed")

    def cookies(self) -> dict[str, str]:
        return {cookie.name: cookie.value for cookie in self.jar if cookie.value is not None}

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies().items())


def sign_in_client(client: Any, email: str, password: str) -> None:
    """The same sign-in through a Flask test client."""
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"csrf_token": csrf_token(page), "email": email,
                                           "password": password})
    if response.status_code != 302:
        raise RuntimeError(f"signing in as {email} failed ({response.status_code})")
