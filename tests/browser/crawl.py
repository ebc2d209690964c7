"""Visit every page a user can reach by following links, and measure each at phone width.

Used by ``tests/browser/test_every_page.py`` (against the test's live server) and runnable by
hand against a running server (``make run`` in another terminal)::

    .venv/bin/python -m tests.browser.crawl http://127.0.0.1:8000 \
        member@demo.test premium@demo.test owner@acme.demo staff@demo.test

Each signed-in crawl starts at the home page and follows same-site links (GET only), at most
``per_pattern`` pages per URL shape (ids replaced by placeholders), never links that sign out or
download files, and reports pages that scroll sideways at 390 px or have accessibility problems
axe-core rates moderate or worse (a skipped heading level, say), in English and Bahasa Indonesia.
"""

from __future__ import annotations

import re
import sys
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

PHONE = {"width": 390, "height": 844}
SKIP = re.compile(
    r"/(logout|sign-?out|keluar)/|/static/|/media/|/api/v\d+/|/export|/download|"
    r"\.(json|csv|pdf|png|jpe?g|zip)$|/admin/(logout|jsi18n|r)/|/i18n/|/healthz|/__"
)
ID_PARTS = re.compile(r"/(\d+|[0-9a-f]{8}-[0-9a-f-]{27}|[0-9a-f]{32})(?=/|$)")


@dataclass
class Report:
    visited: list[str] = field(default_factory=list)
    too_wide: dict[str, int] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)


def pattern(path: str) -> str:
    return ID_PARTS.sub("/<id>", path)


def crawl(
    page: Any,
    base_url: str,
    *,
    start: tuple[str, ...] = ("/",),
    per_pattern: int = 1,
    limit: int = 150,
    axe: bool = True,
    impacts: tuple[str, ...] = ("moderate", "serious", "critical"),
    label: str = "",
) -> Report:
    """Breadth-first over same-site links from ``start``, on the page's current session."""
    from tests.browser.support import axe_violations

    host = urlsplit(base_url).netloc
    report = Report()
    seen_patterns: dict[str, int] = {}
    queued: set[str] = set()
    todo: deque[str] = deque()
    for path in start:
        todo.append(path)
        queued.add(path)
    page.set_viewport_size(PHONE)
    while todo and len(report.visited) < limit:
        path = todo.popleft()
        shape = pattern(urlsplit(path).path)
        if seen_patterns.get(shape, 0) >= per_pattern:
            continue
        seen_patterns[shape] = seen_patterns.get(shape, 0) + 1
        key = f"{label}{path}"
        report.visited.append(key)
        try:
            response = page.goto(urljoin(base_url, path))
        except Exception as exc:  # a file download is not a page
            if "Download is starting" in str(exc):
                continue
            raise
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if response.status >= 500 or response.status == 404:
            report.errors[key] = response.status
        if urlsplit(page.url).netloc != host:
            continue
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            report.too_wide[key] = overflow
        if axe:
            found = axe_violations(page, impacts=impacts)
            if found:
                report.problems[key] = found
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            url, _fragment = urldefrag(href)
            parts = urlsplit(url)
            if parts.netloc != host or parts.scheme not in ("http", "https"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if SKIP.search(parts.path) or target in queued:
                continue
            if "page=" in parts.query or "sort=" in parts.query:
                continue
            queued.add(target)
            todo.append(target)
    return report


def _sign_in(page: Any, base_url: str, email: str, password: str) -> None:
    page.goto(urljoin(base_url, "/accounts/login/"))
    page.fill("#id_email", email)
    page.fill("#id_password", password)
    page.press("#id_password", "Enter")
    page.wait_for_load_state()


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
    from tests.browser.support import AXE_JS  # noqa: F401  (fails early without the package)

    base_url, emails = argv[0], argv[1:]
    password = "demo-pass-2023!"
    bad = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for locale in ("en-GB", "id-ID"):
            for email in [None, *emails]:
                context = browser.new_context(base_url=base_url, locale=locale)
                page = context.new_page()
                if email:
                    _sign_in(page, base_url, email, password)
                start = ("/", "/admin/") if email and email.startswith("staff") else ("/",)
                report = crawl(page, base_url, start=start, label=f"[{locale} {email}] ")
                print(f"{locale} {email}: {len(report.visited)} pages")
                for key, value in {**report.too_wide}.items():
                    print(f"  TOO WIDE +{value}px {key}")
                for key, found in report.problems.items():
                    print(f"  AXE {key}: {found}")
                for key, status in report.errors.items():
                    print(f"  HTTP {status} {key}")
                bad += len(report.too_wide) + len(report.problems) + len(report.errors)
                context.close()
        browser.close()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
