"""Key rotation across apps: every encrypted column of every app, and every private file.

biometrics/tests/test_key_rotation.py covers the biometric data; this suite checks the command
covers the other apps' encrypted fields too (careers' profile summary, employment description,
application note and shared-profile snapshot), read back through raw SQL with the new key
alone, and that a wrong key fails loudly everywhere instead of handing out ciphertext.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection

from config.encryption import DecryptionError
from tests.hardening.conftest import private_files

pytestmark = pytest.mark.django_db

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()
EXPECTED_FIELDS = {
    "careers.CareerProfile.summary",
    "careers.Employment.description",
    "careers.Application.note",
    "careers.Application.profile_snapshot_json",
    "biometrics.Verification.id_number",
    "biometrics.Verification.full_name",
    "biometrics.Verification.date_of_birth",
    "biometrics.Verification.sex",
    "biometrics.Verification.selfie_vector",
    "biometrics.FaceTemplate.vector",
    "consent.ConsentEvent.signature",
}


def _encrypted_fields() -> list[tuple[type, object]]:
    from biometrics.management.commands.rotate_encryption_keys import encrypted_fields

    return list(encrypted_fields())


def _raw_values() -> list[tuple[str, bytes]]:
    """(field label, stored token) of every encrypted value in the database."""
    quote = connection.ops.quote_name
    values = []
    for model, field in _encrypted_fields():
        sql = f"SELECT {quote(field.column)} FROM {quote(model._meta.db_table)}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql + f" WHERE {quote(field.column)} IS NOT NULL")
            for (raw,) in cursor.fetchall():
                if raw:
                    label = f"{model._meta.label}.{field.name}"
                    values.append((label, raw.encode() if isinstance(raw, str) else bytes(raw)))
    return values


@pytest.fixture
def data_under_the_old_key(
    settings, member, employer_a, premium_member, django_capture_on_commit_callbacks
):
    """Careers data with every encrypted field set, and a biometric case with files."""
    from biometrics import services as biometric_services
    from biometrics.tests.factories import submission
    from careers import services as careers_services
    from careers.tests.factories import job_with_skills, profile_with_skills
    from consent.purposes import PurposeCode
    from tests.hardening.conftest import grant

    settings.FIELD_ENCRYPTION_KEY = [OLD]
    grant(member, PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS)
    profile_with_skills(user=member, skills={"Python": 4}, summary="Quiet payments engineer")
    careers_services.employment_add(
        user=member,
        employer_name="Bank Satu",
        title="Engineer",
        start_date=date(2019, 1, 1),
        description="Built the ledger",
    )
    job = job_with_skills(skills=["Python"], employer=employer_a)
    careers_services.application_submit(user=member, job_id=job.pk, note="Please consider me")
    grant(premium_member, PurposeCode.BIOMETRIC_VERIFICATION)
    with django_capture_on_commit_callbacks(execute=False):
        biometric_services.verification_submit(user=premium_member, **submission())
    return member


def test_the_command_finds_the_encrypted_fields_of_every_app():
    # when
    found = {f"{model._meta.label}.{field.name}" for model, field in _encrypted_fields()}
    # then
    assert EXPECTED_FIELDS <= found


def test_rotation_moves_every_app_to_the_new_key_and_the_old_key_can_go(
    data_under_the_old_key, settings
):
    # given
    member = data_under_the_old_key
    before = _raw_values()
    labels = {label for label, _ in before}
    assert {"careers.CareerProfile.summary", "careers.Application.profile_snapshot_json"} <= labels
    files = private_files()
    assert len(files) == 2
    # when: the new key first, then the command
    settings.FIELD_ENCRYPTION_KEY = [NEW, OLD]
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    # then: every stored value and file opens with the new key alone
    new = Fernet(NEW.encode())
    for label, token in _raw_values():
        try:
            new.decrypt(token)  # an empty value (a blank signature) decrypts to b""
        except InvalidToken:
            pytest.fail(f"{label} is not under the new key")
    for path in files:
        assert new.decrypt(path.read_bytes())
    # and with the old key removed, everything still reads through the ORM
    settings.FIELD_ENCRYPTION_KEY = [NEW]
    from careers.models import Application, CareerProfile, Employment

    assert CareerProfile.objects.get(user=member).summary == "Quiet payments engineer"
    assert Employment.objects.get(profile__user=member).description == "Built the ledger"
    application = Application.objects.get(applicant=member)
    assert application.note == "Please consider me"
    assert "Python" in application.profile_snapshot_json


def test_a_wrong_key_fails_loudly_in_every_app_never_returning_ciphertext(
    data_under_the_old_key, settings
):
    # given
    member = data_under_the_old_key
    settings.FIELD_ENCRYPTION_KEY = [NEW]
    from careers.models import Application, CareerProfile

    # when / then
    with pytest.raises(DecryptionError):
        CareerProfile.objects.get(user=member)
    with pytest.raises(DecryptionError):
        Application.objects.get(applicant=member)
    old = Fernet(OLD.encode())
    with pytest.raises(InvalidToken):
        Fernet(NEW.encode()).decrypt(private_files()[0].read_bytes())
    assert old.decrypt(private_files()[0].read_bytes())
