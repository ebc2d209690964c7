"""manage.py load_skills: create or update the skill catalogue (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from careers.models import Skill, SkillAlias
from careers.skills_catalogue import catalogue_load


class Command(BaseCommand):
    help = "Create or update the skill catalogue and its aliases (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        skills, aliases = catalogue_load(skill_model=Skill, alias_model=SkillAlias)
        self.stdout.write(
            f"Skill catalogue: {skills} skills and {aliases} aliases added; "
            f"{Skill.objects.count()} skills, {SkillAlias.objects.count()} aliases in total."
        )
