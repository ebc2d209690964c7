"""Form markup a screen reader relies on: every label and description points at a real element."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _dangling_references(html: str) -> list[str]:
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    refs = re.findall(r'\saria-describedby="([^"]+)"', html)
    refs += re.findall(r'<label[^>]*\sfor="([^"]+)"', html)
    return sorted({ref for value in refs for ref in value.split() if ref not in ids})


@pytest.mark.parametrize(
    "url_name",
    ["accounts:signup", "accounts:login", "careers:profile", "consent:erase", "biometrics:start"],
)
def test_form_labels_and_help_texts_point_at_existing_elements(client, premium_member, url_name):
    # given
    if not url_name.startswith("accounts:"):
        client.force_login(premium_member)
    # when
    response = client.get(reverse(url_name))
    html = response.content.decode()
    # then
    assert response.status_code == 200
    assert "<label" in html
    assert _dangling_references(html) == []
