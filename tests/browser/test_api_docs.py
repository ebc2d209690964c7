"""Issue 11, item 8: Swagger UI works under its own strict Content-Security-Policy.

Headless Chromium loads /api/docs/ with the policy the server sends; any script, style, image or
request the policy blocks is reported on the console. Nothing may be blocked, nothing may leave
the site (no CDN, no validator badge), and the operations must render.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_swagger_ui_renders_every_operation_with_nothing_blocked_and_nothing_external(
    page, live_server
):
    # given
    blocked: list[str] = []
    elsewhere: list[str] = []
    page.on(
        "console",
        lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((live_server.url, "data:"))
            else elsewhere.append(request.url)
        ),
    )
    # when
    response = page.goto("/api/docs/")
    page.wait_for_selector(".opblock", timeout=30_000)
    # then
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert page.locator(".opblock").count() > 20
    assert blocked == []
    assert elsewhere == []
