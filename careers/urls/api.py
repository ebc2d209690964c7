"""Careers API routes under /api/v1/ (namespace ``api``; names prefixed ``careers-``)."""

from django.urls import include, path

from careers.api import member, outreach

urlpatterns = [
    path("me/profile/", member.ProfileView.as_view(), name="careers-profile"),
    path("me/applications/", member.MyApplicationsView.as_view(), name="careers-applications"),
    path(
        "me/applications/<uuid:application_id>/",
        member.MyApplicationDetailView.as_view(),
        name="careers-application",
    ),
    path("me/activity/", member.MyActivityView.as_view(), name="careers-activity"),
    path(
        "me/activity/<int:event_id>/",
        member.MyActivityDetailView.as_view(),
        name="careers-activity-event",
    ),
    path("me/saved-jobs/", member.MySavedJobsView.as_view(), name="careers-saved-jobs"),
    path("me/dismissed-jobs/", member.MyDismissedJobsView.as_view(), name="careers-dismissed-jobs"),
    path("skills/suggest/", member.SkillSuggestView.as_view(), name="careers-skill-suggest"),
    path("me/news/", outreach.MyNewsView.as_view(), name="careers-news"),
    path("me/invitations/", outreach.MyInvitationsView.as_view(), name="careers-invitations"),
    path(
        "me/invitations/choices/",
        outreach.MyInvitationChoicesView.as_view(),
        name="careers-invitation-choices",
    ),
    path(
        "me/invitations/<uuid:invitation_id>/decline/",
        outreach.MyInvitationDeclineView.as_view(),
        name="careers-invitation-decline",
    ),
    path("jobs/", member.JobListView.as_view(), name="careers-jobs"),
    path("jobs/recommended/", member.RecommendedJobsView.as_view(), name="careers-recommended"),
    path("jobs/<uuid:job_id>/", member.JobDetailView.as_view(), name="careers-job"),
    path("jobs/<uuid:job_id>/apply/", member.JobApplyView.as_view(), name="careers-job-apply"),
    path("jobs/<uuid:job_id>/save/", member.JobSaveView.as_view(), name="careers-job-save"),
    path(
        "jobs/<uuid:job_id>/dismiss/", member.JobDismissView.as_view(), name="careers-job-dismiss"
    ),
    path("recruiter/", include("careers.urls.recruiter_api")),
]
