"""Issue 11, "also": the typed biometric signature is encrypted, and on PostgreSQL the ledger is
append-only in the database itself, not only in the ORM.

A trigger refuses every DELETE and every UPDATE except the two the platform makes: erasure
(clearing the personal columns of a member's rows) and key rotation (re-encrypting the typed
signature). The proof columns (who, pseudonymously; what; under which policy; when; how; which
text) can never change. Tests of the trigger need PostgreSQL; CI runs them in its PostgreSQL
pass.
"""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from accounts.services import account_erase
from consent.models import ConsentEvent
from consent.purposes import PurposeCode
from consent.services import consent_grant

pytestmark = pytest.mark.django_db

SIGNATURE = "Siti Rahayu Lestari"
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger exists on PostgreSQL only (CI's PostgreSQL pass runs this)",
)


@pytest.fixture
def signed(member):
    return consent_grant(
        user=member,
        purpose=PurposeCode.BIOMETRIC_VERIFICATION,
        method="web",
        signature=SIGNATURE,
        ip_address="203.0.113.7",
        user_agent="Browser/1",
    )


def _raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _stored_signature(event_id) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT signature FROM consent_consentevent WHERE id = %s",
            [event_id.hex if connection.vendor == "sqlite" else event_id],
        )
        return cursor.fetchone()[0]


def test_the_typed_signature_is_stored_encrypted(signed):
    # when: the column as a database dump shows it
    stored = _stored_signature(signed.pk)
    # then
    assert SIGNATURE not in stored and "Siti" not in stored
    assert ConsentEvent.objects.get(pk=signed.pk).signature == SIGNATURE


def test_the_member_still_reads_the_signature_in_the_receipt_and_export(signed, member):
    # given
    from consent.selectors import consent_receipt_get, member_export

    # when
    export = member_export(user=member)
    receipt = consent_receipt_get(user=member, event_id=signed.pk)
    # then
    assert export["consents"]["events"][0]["signature"] == SIGNATURE
    assert receipt["consentReceiptID"] == str(signed.pk)


@postgres_only
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE consent_consentevent SET action = 'withdraw' WHERE id = %s",
        "UPDATE consent_consentevent SET created_at = created_at - interval '1 day' WHERE id = %s",
        "UPDATE consent_consentevent SET purpose_id = 'job_recommendations' WHERE id = %s",
        "UPDATE consent_consentevent SET subject_ref = 'someone-else' WHERE id = %s",
        "UPDATE consent_consentevent SET ip_address = '198.51.100.1' WHERE id = %s",
        "UPDATE consent_consentevent SET erased = true WHERE id = %s",
        "DELETE FROM consent_consentevent WHERE id = %s",
    ],
)
def test_raw_sql_cannot_rewrite_or_delete_a_ledger_row(sql, signed):
    # when / then
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(sql, [signed.pk])
    event = ConsentEvent.objects.get(pk=signed.pk)
    assert (event.action, event.signature, event.erased) == ("grant", SIGNATURE, False)


@postgres_only
def test_erasure_still_clears_the_personal_columns_and_keeps_the_proof(signed, member):
    # when
    account_erase(user=member, method="web")
    # then
    event = ConsentEvent.objects.get(pk=signed.pk)
    assert (event.user_id, event.signature, event.ip_address, event.user_agent) == (
        None,
        "",
        None,
        "",
    )
    assert (event.erased, event.action, event.purpose_id) == (
        True,
        "grant",
        "biometric_verification",
    )


@postgres_only
def test_key_rotation_still_re_encrypts_the_signature(signed, settings):
    # given: a new key first, the old one still there
    old_ciphertext = _stored_signature(signed.pk)
    settings.FIELD_ENCRYPTION_KEY = [Fernet.generate_key().decode(), *settings.FIELD_ENCRYPTION_KEY]
    # when
    call_command("rotate_encryption_keys", stdout=StringIO())
    # then
    assert _stored_signature(signed.pk) != old_ciphertext
    settings.FIELD_ENCRYPTION_KEY = settings.FIELD_ENCRYPTION_KEY[:1]
    assert ConsentEvent.objects.get(pk=signed.pk).signature == SIGNATURE
