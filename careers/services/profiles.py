"""Write the member's career profile: basics, history, skills, preferences."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import employer_get
from careers.models import (
    CareerProfile,
    Education,
    Employment,
    JobPreference,
    JobType,
    ProfileSkill,
    RemoteMode,
)
from careers.selectors.profiles import skill_did_you_mean, skill_lookup
from careers.services.employer_link import employment_employer_link

if TYPE_CHECKING:
    from accounts.models import User

PROFILE_FIELDS = (
    "headline",
    "summary",
    "location_city",
    "location_country",
    "visibility",
    "hide_from_current_employer",
)
EMPLOYMENT_FIELDS = (
    "employer_id",
    "employer_name",
    "employer_domain",
    "title",
    "start_date",
    "end_date",
    "is_current",
    "description",
    "location",
)
EDUCATION_FIELDS = ("institution", "degree", "field", "start_date", "end_date")


def _search_refresh(profile_id: uuid.UUID) -> None:
    """Tell candidate search (careers-search) that a profile changed, after commit."""
    from careers.services.search_index import candidate_index_refresh

    transaction.on_commit(lambda: candidate_index_refresh(profile_id))


def _touch(profile: CareerProfile) -> None:
    profile.save(update_fields=["updated_at"])
    _search_refresh(profile.pk)


@transaction.atomic
def profile_get_or_create(*, user: User) -> CareerProfile:
    """Return the member's career profile, creating an empty private one on first use."""
    profile, _created = CareerProfile.objects.get_or_create(user=user)
    return profile


def _full_clean(obj: Any, *, exclude: list[str] | None = None) -> None:
    # Model validation gives per-field messages and catches constraint violations before the DB.
    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


@transaction.atomic
def profile_update(*, user: User, **fields: Any) -> CareerProfile:
    """Update the profile's basics (headline, summary, location, visibility)."""
    profile = profile_get_or_create(user=user)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be set here.")] for name in unknown})
    for name, value in fields.items():
        setattr(profile, name, value)
    if "location_country" in fields:
        profile.location_country = (profile.location_country or "").upper()
    _full_clean(profile, exclude=["user"])
    profile.save(update_fields=[*fields.keys(), "updated_at"])
    _search_refresh(profile.pk)
    return profile


def _period_errors(
    start: dt.date | None, end: dt.date | None, *, is_current: bool = False
) -> dict[str, list[str]]:
    """Return field errors for a start/end period (end before start, future dates)."""
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if start and start > today:
        errors["start_date"] = [_("The start date cannot be in the future.")]
    if end and end > today:
        errors["end_date"] = [_("The end date cannot be in the future.")]
    if start and end and end < start:
        errors.setdefault("end_date", []).append(_("The end date cannot be before the start date."))
    if is_current and end:
        errors.setdefault("end_date", []).append(
            _("Leave the end date empty for a job you have now, or untick “I work here now”.")
        )
    return errors


def _years_between(start: dt.date, end: dt.date) -> Decimal:
    return Decimal(max(0, (end - start).days)) / Decimal("365.25")


def profile_years_recompute(*, profile: CareerProfile) -> Decimal:
    """Recompute ``years_experience`` from employment, counting overlapping jobs once."""
    today = timezone.localdate()
    periods = sorted(
        (e.start_date, e.end_date or today)
        for e in Employment.objects.filter(profile=profile).only("start_date", "end_date")
    )
    total = Decimal(0)
    current_start: dt.date | None = None
    current_end: dt.date | None = None
    for start, end in periods:
        if current_end is None or start > current_end:
            if current_start is not None and current_end is not None:
                total += _years_between(current_start, current_end)
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_start is not None and current_end is not None:
        total += _years_between(current_start, current_end)
    years = min(total, Decimal("99.9")).quantize(Decimal("0.1"))
    if profile.years_experience != years:
        profile.years_experience = years
        profile.save(update_fields=["years_experience", "updated_at"])
    return years


def _employment_apply(employment: Employment, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EMPLOYMENT_FIELDS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be set here.")] for name in unknown})
    errors: dict[str, list[str]] = {}
    for name, value in fields.items():
        if name != "employer_id":
            setattr(employment, name, value)
    if "employer_id" in fields:
        employment.employer = None
        if fields["employer_id"] not in (None, ""):
            employment.employer = employer_get(employer_id=fields["employer_id"])
            if employment.employer is None:
                errors["employer_id"] = [_("Choose an employer from the list.")]
    employment_employer_link(employment=employment, errors=errors)
    if employment.is_current and "end_date" not in fields:
        employment.end_date = None
    try:
        _full_clean(employment, exclude=["profile"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, messages)
    for name, messages in _period_errors(
        employment.start_date if isinstance(employment.start_date, dt.date) else None,
        employment.end_date if isinstance(employment.end_date, dt.date) else None,
        is_current=employment.is_current,
    ).items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _own(model: type[models.Model], *, profile: CareerProfile, pk: Any) -> Any:
    from django.http import Http404

    try:
        obj = model._default_manager.filter(profile=profile, pk=uuid.UUID(str(pk))).first()
    except (ValueError, TypeError, AttributeError):
        obj = None
    if obj is None:
        raise Http404
    return obj


@transaction.atomic
def employment_add(*, user: User, **fields: Any) -> Employment:
    """Add a job to the member's history; validates dates and recomputes experience years."""
    profile = profile_get_or_create(user=user)
    employment = Employment(profile=profile)
    _employment_apply(employment, fields)
    employment.save()
    profile_years_recompute(profile=profile)
    _touch(profile)
    return employment


@transaction.atomic
def employment_update(*, user: User, employment_id: Any, **fields: Any) -> Employment:
    """Change a job in the member's history (404 for someone else's)."""
    profile = profile_get_or_create(user=user)
    employment = _own(Employment, profile=profile, pk=employment_id)
    _employment_apply(employment, fields)
    employment.save()
    profile_years_recompute(profile=profile)
    _touch(profile)
    return employment


@transaction.atomic
def employment_delete(*, user: User, employment_id: Any) -> None:
    """Remove a job from the member's history (404 for someone else's)."""
    profile = profile_get_or_create(user=user)
    _own(Employment, profile=profile, pk=employment_id).delete()
    profile_years_recompute(profile=profile)
    _touch(profile)


def _education_apply(education: Education, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDUCATION_FIELDS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be set here.")] for name in unknown})
    for name, value in fields.items():
        setattr(education, name, value)
    errors: dict[str, list[str]] = {}
    try:
        _full_clean(education, exclude=["profile"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    start = education.start_date if isinstance(education.start_date, dt.date) else None
    end = education.end_date if isinstance(education.end_date, dt.date) else None
    period = _period_errors(start, end)
    if end and end > timezone.localdate() and not (start and end < start):
        # A course may end in the future (expected graduation); only its start may not.
        period.pop("end_date", None)
    for name, messages in period.items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def education_add(*, user: User, **fields: Any) -> Education:
    """Add an education entry (start may not be in the future; end may, as expected)."""
    profile = profile_get_or_create(user=user)
    education = Education(profile=profile)
    _education_apply(education, fields)
    education.save()
    _touch(profile)
    return education


@transaction.atomic
def education_update(*, user: User, education_id: Any, **fields: Any) -> Education:
    """Change an education entry (404 for someone else's)."""
    profile = profile_get_or_create(user=user)
    education = _own(Education, profile=profile, pk=education_id)
    _education_apply(education, fields)
    education.save()
    _touch(profile)
    return education


@transaction.atomic
def education_delete(*, user: User, education_id: Any) -> None:
    """Remove an education entry (404 for someone else's)."""
    profile = profile_get_or_create(user=user)
    _own(Education, profile=profile, pk=education_id).delete()
    _touch(profile)


def _skill_rows(items: list[dict[str, Any]]) -> list[tuple[Any, int, Decimal]]:
    """Validate skill entries ``{"name", "proficiency", "years"}``; return (skill, prof, years).

    Errors name the entry: unknown skill, the same skill twice (also through an alias),
    proficiency outside 1-5, years outside 0-70.
    """
    lookup = skill_lookup([str(item.get("name", "")) for item in items])
    errors: list[str] = []
    rows: list[tuple[Any, int, Decimal]] = []
    seen: dict[int, str] = {}
    for item in items:
        name = str(item.get("name", "")).strip()
        skill = lookup.get(name)
        if not name:
            errors.append(_("Enter a skill name."))
            continue
        if skill is None:
            suggestion = skill_did_you_mean(name)
            errors.append(
                _("“%(name)s” is not in the skill catalogue. Did you mean “%(suggestion)s”?")
                % {"name": name, "suggestion": suggestion}
                if suggestion
                else _("“%(name)s” is not in the skill catalogue.") % {"name": name}
            )
            continue
        if skill.pk in seen:
            errors.append(
                _("“%(name)s” is the same skill as “%(other)s”: list it once.")
                % {"name": name, "other": seen[skill.pk]}
            )
            continue
        seen[skill.pk] = name
        try:
            proficiency = int(item.get("proficiency", 3))
        except (TypeError, ValueError):
            proficiency = 0
        if not 1 <= proficiency <= 5:
            errors.append(_("Proficiency for “%(name)s” must be from 1 to 5.") % {"name": name})
            continue
        try:
            years = Decimal(str(item.get("years", 0) or 0)).quantize(Decimal("0.1"))
        except ArithmeticError:
            years = Decimal(-1)
        if not Decimal(0) <= years <= Decimal(70):
            errors.append(_("Years for “%(name)s” must be from 0 to 70.") % {"name": name})
            continue
        rows.append((skill, proficiency, years))
    if errors:
        raise ValidationError({"skills": errors})
    return rows


@transaction.atomic
def profile_skill_add(
    *, user: User, name: str, proficiency: int = 3, years: Decimal | float | int = 0
) -> ProfileSkill:
    """Add a skill by name or alias; refuses one the member already listed."""
    profile = profile_get_or_create(user=user)
    ((skill, prof, yrs),) = _skill_rows(
        [{"name": name, "proficiency": proficiency, "years": years}]
    )
    if ProfileSkill.objects.filter(profile=profile, skill=skill).exists():
        raise ValidationError(
            {"name": [_("You already listed %(skill)s.") % {"skill": skill.name}]}
        )
    row = ProfileSkill.objects.create(profile=profile, skill=skill, proficiency=prof, years=yrs)
    _touch(profile)
    return row


@transaction.atomic
def profile_skill_update(
    *, user: User, skill_id: int, proficiency: int, years: Decimal | float | int
) -> ProfileSkill:
    """Change proficiency and years of one of the member's skills (404 if not theirs)."""
    from django.http import Http404

    profile = profile_get_or_create(user=user)
    row = ProfileSkill.objects.select_related("skill").filter(profile=profile, pk=skill_id).first()
    if row is None:
        raise Http404
    ((_skill, prof, yrs),) = _skill_rows(
        [{"name": row.skill.name, "proficiency": proficiency, "years": years}]
    )
    row.proficiency, row.years = prof, yrs
    row.save(update_fields=["proficiency", "years"])
    _touch(profile)
    return row


@transaction.atomic
def profile_skill_remove(*, user: User, skill_id: Any) -> None:
    """Remove one of the member's skills (404 if not theirs)."""
    from django.http import Http404

    profile = profile_get_or_create(user=user)
    try:
        deleted, _rows = ProfileSkill.objects.filter(profile=profile, pk=int(skill_id)).delete()
    except (TypeError, ValueError):
        deleted = 0
    if not deleted:
        raise Http404
    _touch(profile)


@transaction.atomic
def profile_skills_replace(*, user: User, items: list[dict[str, Any]]) -> list[ProfileSkill]:
    """Replace the member's skills with ``items`` (all or nothing)."""
    profile = profile_get_or_create(user=user)
    rows = _skill_rows(items)
    ProfileSkill.objects.filter(profile=profile).delete()
    created = ProfileSkill.objects.bulk_create(
        [ProfileSkill(profile=profile, skill=s, proficiency=p, years=y) for s, p, y in rows]
    )
    _touch(profile)
    return created


def _clean_list(value: Any, *, choices: list[str] | None, field: str, limit: int = 10) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        value = [v for v in (part.strip() for part in value.split(",")) if v]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValidationError({field: [_("Give a list of texts.")]})
    cleaned: list[str] = []
    for item in value:
        item = item.strip()[:100]
        if choices is not None and item not in choices:
            raise ValidationError(
                {field: [_("“%(value)s” is not a valid choice.") % {"value": item}]}
            )
        if item and item.lower() not in {c.lower() for c in cleaned}:
            cleaned.append(item)
    if len(cleaned) > limit:
        raise ValidationError({field: [_("List at most %(n)d.") % {"n": limit}]})
    return cleaned


@transaction.atomic
def preference_update(
    *,
    user: User,
    titles: Any = None,
    locations: Any = None,
    remote_modes: Any = None,
    job_types: Any = None,
    min_salary: Any = None,
    currency: str = "IDR",
    share_salary: bool = False,
    open_to_relocation: bool = False,
) -> JobPreference:
    """Set what the member is looking for (lists are replaced as given).

    ``share_salary`` and ``open_to_relocation`` are told to employers who may find the member
    (candidate search); both default to off.
    """
    profile = profile_get_or_create(user=user)
    preference, _created = JobPreference.objects.get_or_create(profile=profile)
    preference.titles = _clean_list(titles, choices=None, field="titles")
    preference.locations = _clean_list(locations, choices=None, field="locations")
    preference.remote_modes = _clean_list(
        remote_modes, choices=list(RemoteMode.values), field="remote_modes"
    )
    preference.job_types = _clean_list(job_types, choices=list(JobType.values), field="job_types")
    if min_salary in ("", None):
        preference.min_salary = None
    else:
        try:
            preference.min_salary = int(min_salary)
        except (TypeError, ValueError) as exc:
            raise ValidationError({"min_salary": [_("Enter a whole number.")]}) from exc
        if preference.min_salary < 0:
            raise ValidationError({"min_salary": [_("The salary cannot be negative.")]})
    currency = (currency or "IDR").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ValidationError({"currency": [_("Use a three-letter currency code, e.g. IDR.")]})
    preference.currency = currency
    preference.share_salary = bool(share_salary)
    preference.open_to_relocation = bool(open_to_relocation)
    preference.save()
    _touch(profile)
    return preference


@transaction.atomic
def profile_replace(*, user: User, data: dict[str, Any]) -> CareerProfile:
    """Replace the whole profile from nested data (the API's PUT); all or nothing.

    Keys: the basics, ``employment`` and ``education`` (lists of entries), ``skills`` (list of
    ``{"name", "proficiency", "years"}``), ``preferences`` (dict). Absent keys are left alone.
    """
    profile = profile_get_or_create(user=user)
    errors: dict[str, Any] = {}
    basics = {k: data[k] for k in PROFILE_FIELDS if k in data}
    try:
        if basics:
            profile_update(user=user, **basics)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if "employment" in data:
        Employment.objects.filter(profile=profile).delete()
        for index, entry in enumerate(data["employment"] or []):
            try:
                employment_add(user=user, **entry)
            except ValidationError as exc:
                errors.update({f"employment[{index}].{k}": v for k, v in exc.message_dict.items()})
    if "education" in data:
        Education.objects.filter(profile=profile).delete()
        for index, entry in enumerate(data["education"] or []):
            try:
                education_add(user=user, **entry)
            except ValidationError as exc:
                errors.update({f"education[{index}].{k}": v for k, v in exc.message_dict.items()})
    if "skills" in data:
        try:
            profile_skills_replace(user=user, items=list(data["skills"] or []))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "preferences" in data and data["preferences"] is not None:
        try:
            preference_update(user=user, **data["preferences"])
        except ValidationError as exc:
            errors.update({f"preferences.{k}": v for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    profile.refresh_from_db()
    return profile
