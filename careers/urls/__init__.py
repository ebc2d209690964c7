"""Careers URLs, all in this package: member pages (here), the recruiter portal (recruiter.py),
the member API (api.py) and the recruiter API (recruiter_api.py).

Member pages: /profile/, /jobs/, /activity/, /applications/, /invitations/.
"""

from django.urls import include, path

from careers.views import member, outreach, profile

app_name = "careers"

urlpatterns = [
    path("profile/", profile.profile, name="profile"),
    path("profile/employment/add/", profile.employment_edit, name="employment_add"),
    path("profile/employment/<uuid:entry_id>/", profile.employment_edit, name="employment_edit"),
    path(
        "profile/employment/<uuid:entry_id>/delete/",
        profile.employment_delete,
        name="employment_delete",
    ),
    path("profile/education/add/", profile.education_edit, name="education_add"),
    path("profile/education/<uuid:entry_id>/", profile.education_edit, name="education_edit"),
    path(
        "profile/education/<uuid:entry_id>/delete/",
        profile.education_delete,
        name="education_delete",
    ),
    path("profile/skills/add/", profile.skill_add, name="skill_add"),
    path("profile/skills/<int:skill_id>/", profile.skill_update, name="skill_update"),
    path("profile/skills/<int:skill_id>/delete/", profile.skill_remove, name="skill_remove"),
    path("profile/preferences/", profile.preferences, name="preferences"),
    path("jobs/", member.job_list, name="jobs"),
    path("jobs/recommended/", member.recommended, name="recommended"),
    path("jobs/saved/", member.saved_jobs, name="saved_jobs"),
    path("jobs/<uuid:job_id>/", member.job_detail, name="job_detail"),
    path("jobs/<uuid:job_id>/save/", member.job_mark, {"kind": "saved"}, name="job_save"),
    path("jobs/<uuid:job_id>/dismiss/", member.job_mark, {"kind": "dismissed"}, name="job_dismiss"),
    path("jobs/<uuid:job_id>/apply/", member.job_apply, name="job_apply"),
    path("activity/", member.activity, name="activity"),
    path("applications/", member.applications, name="applications"),
    path(
        "applications/<uuid:application_id>/withdraw/",
        member.application_withdraw,
        name="application_withdraw",
    ),
    path("invitations/", outreach.invitations, name="invitations"),
    path(
        "invitations/<uuid:invitation_id>/decline/",
        outreach.invitation_decline,
        name="invitation_decline",
    ),
    path("recruiter/", include("careers.urls.recruiter")),
]
