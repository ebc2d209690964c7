"""Bring the purpose rows in line with their declaration in ``consent.purposes``.

0002 seeded the four purposes from its own copy of the texts (kept as it was, as history). From
here on the declaration is the one source: a migration that adds or changes a purpose calls
``purposes_sync`` the same way.
"""

from django.db import migrations

from consent.purposes import purposes_sync


def sync(apps, schema_editor):
    purposes_sync(apps.get_model("consent", "Purpose"))


class Migration(migrations.Migration):
    dependencies = [("consent", "0005_access_log_collapse_and_keys")]
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
