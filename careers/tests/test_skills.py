"""The skill catalogue: loaded by the migration, idempotent, aliases resolve."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from careers.models import Skill, SkillAlias
from careers.selectors import skill_resolve
from careers.skills_catalogue import catalogue_skills, skill_slug

pytestmark = pytest.mark.django_db


def test_the_migration_loads_a_few_hundred_skills_with_aliases():
    assert Skill.objects.count() >= 300
    assert SkillAlias.objects.count() >= 300
    assert {"Python", "Bahasa Indonesia", "Mandarin Chinese", "Japanese", "Nursing"} <= set(
        Skill.objects.values_list("name", flat=True)
    )


def test_load_skills_twice_adds_nothing_the_second_time(capsys):
    # given
    before = (Skill.objects.count(), SkillAlias.objects.count())
    # when
    call_command("load_skills")
    # then
    assert (Skill.objects.count(), SkillAlias.objects.count()) == before
    assert "0 skills and 0 aliases added" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("JS", "JavaScript"),
        ("postgres", "PostgreSQL"),
        ("k8s", "Kubernetes"),
        ("ML", "Machine Learning"),
        ("Akuntansi", "Accounting"),
        ("bahasa inggris", "English"),
        ("c#", "C#"),
        ("c++", "C++"),
    ],
)
def test_aliases_resolve_to_one_skill(alias, name):
    assert [s.name for s in skill_resolve([alias])] == [name]


def test_slugs_keep_c_family_apart():
    assert {skill_slug("C"), skill_slug("C++"), skill_slug("C#")} == {"c", "cpp", "csharp"}
    assert len({s.slug for s in catalogue_skills()}) == len(catalogue_skills())
