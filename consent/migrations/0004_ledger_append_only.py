"""On PostgreSQL, make the consent ledger append-only in the database itself.

A row-level trigger refuses DELETE, and refuses UPDATE unless the proof columns (id,
subject_ref, purpose, policy version, action, created_at, method, text, language) stay as they
are and the change is one of the two the platform makes:

- erasure (``consent.services.ledger_pseudonymise``): user, IP address and user agent cleared
  and ``erased`` set (the typed signature is Fernet ciphertext, cleared by the same service);
- key rotation (``manage.py rotate_encryption_keys``): only the signature's ciphertext changes.

TRUNCATE is not refused: test runners empty tables with it. SQLite keeps the ORM guard only.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION consent_ledger_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'The consent ledger is append-only: its rows are never deleted.';
    END IF;
    IF (NEW.id, NEW.subject_ref, NEW.purpose_id, NEW.policy_version_id, NEW.action,
        NEW.created_at, NEW.method, NEW.text_id, NEW.language)
       IS DISTINCT FROM
       (OLD.id, OLD.subject_ref, OLD.purpose_id, OLD.policy_version_id, OLD.action,
        OLD.created_at, OLD.method, OLD.text_id, OLD.language) THEN
        RAISE EXCEPTION 'The consent ledger is append-only: what was consented to, when and '
            'how never changes.';
    END IF;
    IF NEW.erased AND NEW.user_id IS NULL AND NEW.ip_address IS NULL AND NEW.user_agent = '' THEN
        RETURN NEW;  -- erasure: the personal columns are cleared
    END IF;
    IF (NEW.user_id, NEW.ip_address, NEW.user_agent, NEW.erased)
       IS NOT DISTINCT FROM (OLD.user_id, OLD.ip_address, OLD.user_agent, OLD.erased) THEN
        RETURN NEW;  -- key rotation: only the signature's ciphertext changes
    END IF;
    RAISE EXCEPTION 'The consent ledger is append-only: personal columns are only ever cleared, '
        'by erasure.';
END;
$$ LANGUAGE plpgsql;
"""
TRIGGER = """
CREATE TRIGGER consent_ledger_append_only
BEFORE UPDATE OR DELETE ON consent_consentevent
FOR EACH ROW EXECUTE FUNCTION consent_ledger_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS consent_ledger_append_only ON consent_consentevent;
DROP FUNCTION IF EXISTS consent_ledger_append_only();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)
        schema_editor.execute(FUNCTION)
        schema_editor.execute(TRIGGER)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("consent", "0003_signature_encrypted")]

    operations = [migrations.RunPython(install, uninstall)]
