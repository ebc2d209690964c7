"""Careers models, split by subdomain; import them from ``careers.models``."""

from careers.models.activity import ActivityEvent
from careers.models.applications import (
    Application,
    ApplicationStageChange,
    ApplicationUserObjectPermission,
)
from careers.models.jobs import Job, JobSkill
from careers.models.outreach import (
    JobInvitation,
    OutreachPreference,
    SourcedCandidate,
    TalentPool,
)
from careers.models.pipeline import ApplicationNote, CareerNotification
from careers.models.profiles import (
    CareerProfile,
    Education,
    Employment,
    JobPreference,
    JobType,
    ProfileSkill,
    RemoteMode,
    Skill,
    SkillAlias,
)
from careers.models.search import *  # noqa: F403  (candidate-search models, careers-search)

__all__ = [
    "ActivityEvent",
    "Application",
    "ApplicationNote",
    "ApplicationStageChange",
    "ApplicationUserObjectPermission",
    "CareerNotification",
    "CareerProfile",
    "Education",
    "Employment",
    "Job",
    "JobInvitation",
    "JobPreference",
    "JobSkill",
    "JobType",
    "OutreachPreference",
    "ProfileSkill",
    "RemoteMode",
    "Skill",
    "SkillAlias",
    "SourcedCandidate",
    "TalentPool",
]
