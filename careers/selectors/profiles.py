"""Read the skill catalogue and career profiles."""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.utils.text import slugify

from careers.models import (
    CareerProfile,
    Education,
    Employment,
    JobPreference,
    ProfileSkill,
    Skill,
    SkillAlias,
)

if TYPE_CHECKING:
    from accounts.models import User


def skill_normalise(name: str) -> str:
    """Return a skill name as aliases are stored: trimmed, single-spaced, lower case."""
    return re.sub(r"\s+", " ", str(name)).strip().lower()


def skill_lookup(names: list[str]) -> dict[str, Skill | None]:
    """Map each given name to its catalogue skill (by name, slug or alias), or None if unknown.

    Two queries whatever the number of names.
    """
    norms = {name: skill_normalise(name) for name in names if skill_normalise(name)}
    wanted = set(norms.values())
    if not wanted:
        return {}
    by_key: dict[str, Skill] = {}
    slugs = {slugify(n) for n in wanted if re.fullmatch(r"[a-z0-9 ._-]+", n)} - {""}
    for skill in Skill.objects.annotate(lname=Lower("name")).filter(
        Q(lname__in=wanted) | Q(slug__in=slugs)
    ):
        by_key[skill.name.lower()] = skill
        by_key[skill.slug] = skill
    for alias in SkillAlias.objects.select_related("skill").filter(alias__in=wanted):
        by_key.setdefault(alias.alias, alias.skill)
    return {name: by_key.get(norm) or by_key.get(slugify(norm)) for name, norm in norms.items()}


def skill_resolve(names: list[str]) -> list[Skill]:
    """Return the catalogue skills for ``names`` (aliases understood), in order, without repeats.

    Unknown names are skipped: ``skill_resolve(["JS", "javascript", "nope"])`` gives
    ``[JavaScript]``.
    """
    seen: set[int] = set()
    skills: list[Skill] = []
    for skill in skill_lookup(names).values():
        if skill is not None and skill.pk not in seen:
            seen.add(skill.pk)
            skills.append(skill)
    return skills


def skill_suggestions(*, prefix: str = "", limit: int = 500) -> QuerySet[Skill]:
    """Return catalogue skills (for a datalist), optionally those starting with ``prefix``."""
    skills = Skill.objects.order_by("name")
    if prefix:
        skills = skills.filter(name__istartswith=prefix.strip())
    return skills[:limit]


SUGGEST_LIMIT = 10


def skill_suggest(*, query: str, limit: int = SUGGEST_LIMIT) -> list[dict[str, str]]:
    """Catalogue skills for what the member is typing: names, then aliases, that start with it.

    ``[{"name": "JavaScript", "matched": "js"}]``; ``matched`` is the alias typed ("" when the
    name itself matched). Names that merely contain the text come last. Three small queries.
    """
    text = skill_normalise(query)[:100]
    if not text:
        return []
    limit = max(1, min(int(limit), 25))
    found: dict[int, dict[str, str]] = {}
    for skill in Skill.objects.filter(name__istartswith=text).order_by("name")[:limit]:
        found.setdefault(skill.pk, {"name": skill.name, "matched": ""})
    if len(found) < limit:
        aliases = (
            SkillAlias.objects.select_related("skill")
            .filter(alias__startswith=text)
            .order_by("alias")[: limit * 2]
        )
        for alias in aliases:
            found.setdefault(alias.skill_id, {"name": alias.skill.name, "matched": alias.alias})
    if len(found) < limit:
        for skill in Skill.objects.filter(name__icontains=text).order_by("name")[:limit]:
            found.setdefault(skill.pk, {"name": skill.name, "matched": ""})
    return list(found.values())[:limit]


def skill_did_you_mean(name: str) -> str | None:
    """The catalogue skill closest to a misspelt name ("Pyhton" gives "Python"), or None.

    Compares with every name and alias (two queries; the catalogue is a few hundred rows).
    """
    text = skill_normalise(name)[:100]
    if len(text) < 2:
        return None
    choices: dict[str, str] = {}
    for skill_name in Skill.objects.values_list("name", flat=True):
        choices.setdefault(skill_name.lower(), skill_name)
    for alias, skill_name in SkillAlias.objects.values_list("alias", "skill__name"):
        choices.setdefault(alias, skill_name)
    close = difflib.get_close_matches(text, list(choices), n=1, cutoff=0.75)
    return choices[close[0]] if close else None


def profile_queryset() -> QuerySet[CareerProfile]:
    """Return profiles with everything ``profile_public_dict`` reads, in five queries."""
    return CareerProfile.objects.select_related("user", "preference").prefetch_related(
        Prefetch("employments", queryset=Employment.objects.all()),
        Prefetch("educations", queryset=Education.objects.all()),
        Prefetch("skills", queryset=ProfileSkill.objects.select_related("skill")),
    )


def profile_for_user(*, user: User) -> CareerProfile | None:
    """Return the member's own profile with its parts, or None if they have none yet."""
    return profile_queryset().filter(user_id=user.pk).first()


def preference_of(profile: CareerProfile) -> JobPreference | None:
    """Return the profile's job preferences, or None when the member set none."""
    try:
        return profile.preference
    except JobPreference.DoesNotExist:
        return None


def _date(value: Any) -> str | None:
    return value.isoformat() if value else None


def profile_public_dict(profile: CareerProfile, *, include_contact: bool = False) -> dict:
    """Return the profile as recruiters and the member see it (JSON-serialisable).

    Never contains the account id; ``id`` is the public candidate id. ``include_contact`` adds
    the member's name and e-mail (only for applications, where the member chose to share them).
    """
    preference = preference_of(profile)
    data: dict[str, Any] = {
        "id": str(profile.public_id),
        "headline": profile.headline,
        "summary": profile.summary,
        "location_city": profile.location_city,
        "location_country": profile.location_country,
        "years_experience": float(profile.years_experience),
        "employment": [
            {
                "employer_name": e.employer_name,
                "title": e.title,
                "start_date": _date(e.start_date),
                "end_date": _date(e.end_date),
                "is_current": e.is_current,
                "location": e.location,
                "description": e.description,
            }
            for e in profile.employments.all()
        ],
        "education": [
            {
                "institution": e.institution,
                "degree": e.degree,
                "field": e.field,
                "start_date": _date(e.start_date),
                "end_date": _date(e.end_date),
            }
            for e in profile.educations.all()
        ],
        "skills": [
            {"name": s.skill.name, "proficiency": s.proficiency, "years": float(s.years)}
            for s in profile.skills.all()
        ],
        "preferences": {
            "titles": preference.titles if preference else [],
            "locations": preference.locations if preference else [],
            "remote_modes": preference.remote_modes if preference else [],
            "job_types": preference.job_types if preference else [],
            "min_salary": preference.min_salary if preference else None,
            "currency": preference.currency if preference else "IDR",
            "share_salary": preference.share_salary if preference else False,
            "open_to_relocation": preference.open_to_relocation if preference else False,
        },
        "updated_at": profile.updated_at.isoformat() if profile.updated_at else None,
    }
    if include_contact:
        data["name"] = profile.user.display_name
        data["email"] = profile.user.email
    return data


def employers_hidden_from(*, profile: CareerProfile) -> list[Any]:
    """Return every registered employer that cannot find or open this profile because of
    "hide me from my current employer" (empty when the member does not hide).

    The employers the current jobs point at (picked, or by website or name, compared in
    ``accounts.employer_keys`` form) and every employer sharing an owner or recruiter with
    them: exactly the set ``careers.discovery.discoverable_profiles`` refuses.
    """
    from accounts.selectors import employers_matching, employers_sharing_people

    if not profile.hide_from_current_employer:
        return []
    current = [e for e in profile.employments.all() if e.is_current]
    if not current:
        return []
    matched = employers_matching(
        employer_ids=[e.employer_id for e in current if e.employer_id],
        domains=[e.employer_domain_key for e in current],
        name_keys=[e.employer_name_key for e in current],
    )
    ids = list(matched.values_list("pk", flat=True))
    return list(employers_sharing_people(employer_ids=ids)) if ids else []
