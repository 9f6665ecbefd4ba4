"""Take the README's dashboard screenshot from a running portal: `make run`, then `make screenshot`.

Usage: python scripts/screenshot.py BASE_URL OUTPUT.png
"""

from __future__ import annotations

import sys

from playwright.sync_api import sync_playwright

from vendorrisk.seed.demo import DEMO_PASSWORD, DEMO_USERS

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main(base_url: str, output: str) -> None:
    email = next(email for email, _name, role in DEMO_USERS if role == "procurement")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base_url}/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/dashboard")
        page.screenshot(path=output, full_page=True)
        browser.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
