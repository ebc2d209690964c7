"""Issue 11, "also": the export, its API description and the export page agree on ID numbers.

Decision (GDPR Art. 15, right of access): the member's export holds the member's own ID number,
name, birth date and sex for as long as the platform holds them (a verified case keeps them
encrypted; a withdrawal or a final non-verified decision deletes them, and then the export says
so). It never holds photos or face templates. The schema text used to say "never ID numbers".
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from biometrics.tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_export_gives_the_member_their_own_id_number_and_says_so_everywhere(
    verifier, submit, api_as, client
):
    # given: a verified case (the encrypted ID number is kept)
    submit(verifier)
    # when
    export = api_as(verifier).get(reverse("api:consent-export")).json()
    schema = client.get("/api/schema/?format=json").json()
    client.force_login(verifier)
    page = client.get(reverse("consent:export")).content.decode()
    # then: the data, the API description and the page say the same
    case = export["identity_verification"]["verifications"][0]
    assert case["id_number"] == f.NIK
    description = schema["paths"]["/api/v1/me/export/"]["get"]["description"]
    assert "your ID number" in description
    assert "ID numbers." not in description.split("Never")[-1]
    assert "your ID number" in page
    assert "never your photos, face templates or ID number" not in page
    assert "base64" not in str(export) and "vector" not in str(export)
