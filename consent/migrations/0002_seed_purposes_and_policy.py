"""Seed the four purposes and the privacy policy effective 29 September 2023 (Asia/Jakarta)."""

from datetime import datetime, timedelta, timezone

from django.db import migrations

JAKARTA = timezone(timedelta(hours=7))
EFFECTIVE = datetime(2023, 9, 29, 0, 0, tzinfo=JAKARTA)

PURPOSES = [
    {
        "code": "biometric_verification",
        "ordering": 1,
        "name": "Identity verification with biometrics",
        "description": (
            "We compare the face on your ID document with your selfie, to link your account to a "
            "real person through a government-issued ID, fight fraud and impersonation, and make "
            "the platform safer. This is for safety, security and identification only. It is "
            "optional: the platform works fully without it."
        ),
        "data_categories": [
            "government ID number",
            "photo of your ID document",
            "selfie",
            "face templates (numbers computed from the face)",
            "name, date of birth and sex as on the ID",
        ],
        "retention": (
            "ID and selfie photos are deleted as soon as a decision is final (at most 30 days "
            "when a person reviews your case); face templates and your ID number are destroyed "
            "when you withdraw, when you close your account, or at the latest 3 years after your "
            "last interaction with us. Only the statement 'ID verified on DATE' may remain."
        ),
        "retention_days": 3 * 365,
        "special_category": True,
        "explicit": True,
        "profiling": False,
    },
    {
        "code": "job_recommendations",
        "ordering": 2,
        "name": "Job recommendations",
        "description": (
            "We use your career profile (employment and education history, skills, job "
            "preferences) and your job-search activity (jobs viewed, saved, dismissed, applied, "
            "searches) to recommend jobs, and show you why each was recommended. This is "
            "profiling: you can object at any time and still browse and search jobs."
        ),
        "data_categories": [
            "employment history",
            "education history",
            "skills",
            "job preferences",
            "job-search activity",
        ],
        "retention": (
            "Activity is kept for 1 year, and deleted at once when you withdraw this consent."
        ),
        "retention_days": 365,
        "special_category": False,
        "explicit": True,
        "profiling": True,
    },
    {
        "code": "share_profile_with_employers",
        "ordering": 3,
        "name": "Share my profile when I apply",
        "description": (
            "When you apply to a job, the employer's recruiters receive a copy of your career "
            "profile as it was when you applied. If you withdraw, they lose access at once and "
            "we tell you which employers had it."
        ),
        "data_categories": [
            "career profile",
            "application note",
            "identity verified badge (never your ID number or photos)",
        ],
        "retention": (
            "Shared until you withdraw the application or this consent, or 2 years after the "
            "application closes."
        ),
        "retention_days": 2 * 365,
        "special_category": False,
        "explicit": True,
        "profiling": False,
    },
    {
        "code": "candidate_discovery",
        "ordering": 4,
        "name": "Let employers find me",
        "description": (
            "Recruiters can find you in candidate search by your skills, titles, location and "
            "experience, and open your profile. Every profile view is shown in your access log. "
            "You can hide from your current employer."
        ),
        "data_categories": [
            "career profile",
            "skills",
            "location",
            "identity verified badge",
        ],
        "retention": "Visible until you withdraw this consent or change your visibility.",
        "retention_days": None,
        "special_category": False,
        "explicit": True,
        "profiling": False,
    },
]

POLICY_TEXT = """Privacy policy, version 2023-09-29

1. Who we are. The platform is the controller of your personal data.

2. Biometric information. With your explicit consent, given separately from everything else,
we collect and use biometric information from the photo of your government ID and from your
selfie, for safety, security and identification purposes: to link your account to a real person
through a government-issued ID (for Indonesia, the NIK on your KTP), to fight fraud and
impersonation, and to make the platform safer. This is offered to premium members and is
optional; it is never a condition of using the basic service.

3. Career information. With your consent we collect your employment history, education history,
job preferences, skills and abilities, and your job-search activity and engagement, to recommend
jobs to you, to share your profile with a prospective employer when you apply, and to let
employers find you as a potential candidate.

4. Your rights. You may see every consent you gave and withdraw it as easily as you gave it; see
who accessed your data; download all of it in a machine-readable file; and delete your account.
Processing stops when you withdraw consent, within 3 x 24 hours at the latest.

5. Retention. Each purpose states how long its data is kept. Biometric data is destroyed when
the purpose is met or at the latest 3 years after your last interaction, whichever comes first.
We never sell biometric data or disclose it without your consent.
"""


def seed(apps, schema_editor):
    Purpose = apps.get_model("consent", "Purpose")
    PolicyVersion = apps.get_model("consent", "PolicyVersion")
    for data in PURPOSES:
        Purpose.objects.update_or_create(code=data["code"], defaults=data)
    policy, _ = PolicyVersion.objects.update_or_create(
        version="2023-09-29",
        defaults={
            "effective_at": EFFECTIVE,
            "text": POLICY_TEXT,
            "summary": (
                "Adds biometric identity verification for premium members, and the use of career "
                "data for job recommendations, sharing with employers when you apply, and "
                "candidate discovery."
            ),
        },
    )
    policy.changed_purposes.set([p["code"] for p in PURPOSES])


def unseed(apps, schema_editor):
    apps.get_model("consent", "PolicyVersion").objects.filter(version="2023-09-29").delete()


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
