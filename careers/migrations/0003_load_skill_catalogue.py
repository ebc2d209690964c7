"""Load the skill catalogue (careers/skills_catalogue.py); idempotent, safe to re-run."""

from django.db import migrations


def load(apps, schema_editor):
    from careers.skills_catalogue import catalogue_load

    catalogue_load(
        skill_model=apps.get_model("careers", "Skill"),
        alias_model=apps.get_model("careers", "SkillAlias"),
    )


class Migration(migrations.Migration):
    dependencies = [("careers", "0002_candidate_search")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
