"""Careers read side; import selectors from here (``from careers.selectors import ...``)."""

from careers.job_matching import GOOD_MATCH, STRONG_MATCH, Recommendation
from careers.selectors.activity import (
    activity_for_user,
    job_marks_for_user,
    jobs_marked_by_user,
)
from careers.selectors.applications import (
    application_get_for_member,
    application_get_for_recruiter,
    application_granted_get,
    applications_for_job,
    applications_for_user,
    applications_granted_to,
)
from careers.selectors.jobs import (
    job_get_for_member,
    job_get_for_recruiter,
    job_queryset,
    job_search,
    jobs_for_employer,
    jobs_open,
)
from careers.selectors.profiles import (
    employers_hidden_from,
    preference_of,
    profile_for_user,
    profile_public_dict,
    profile_queryset,
    skill_did_you_mean,
    skill_lookup,
    skill_normalise,
    skill_resolve,
    skill_suggest,
    skill_suggestions,
)
from careers.selectors.recommendations import job_recommendation, jobs_recommended

__all__ = [
    "GOOD_MATCH",
    "STRONG_MATCH",
    "Recommendation",
    "activity_for_user",
    "application_get_for_member",
    "application_get_for_recruiter",
    "application_granted_get",
    "applications_for_job",
    "applications_for_user",
    "applications_granted_to",
    "employers_hidden_from",
    "job_get_for_member",
    "job_get_for_recruiter",
    "job_marks_for_user",
    "job_queryset",
    "job_search",
    "jobs_for_employer",
    "jobs_open",
    "job_recommendation",
    "jobs_marked_by_user",
    "jobs_recommended",
    "preference_of",
    "profile_for_user",
    "profile_public_dict",
    "profile_queryset",
    "skill_did_you_mean",
    "skill_lookup",
    "skill_normalise",
    "skill_resolve",
    "skill_suggest",
    "skill_suggestions",
]
