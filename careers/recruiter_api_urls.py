"""Recruiter API URLs, included at /api/v1/recruiter/ in the ``api`` namespace."""

from django.urls import path

from accounts import api_team as team
from careers import api_outreach as outreach
from careers import api_recruiter as api

urlpatterns = [
    path("candidates/", api.CandidateListView.as_view(), name="recruiter-candidates"),
    path(
        "candidates/<str:public_id>/",
        api.CandidateDetailView.as_view(),
        name="recruiter-candidate",
    ),
    path(
        "candidates/<str:public_id>/save/",
        outreach.CandidateSaveView.as_view(),
        name="recruiter-candidate-save",
    ),
    path(
        "candidates/<str:public_id>/invite/",
        outreach.CandidateInviteView.as_view(),
        name="recruiter-candidate-invite",
    ),
    path("pools/", outreach.PoolListView.as_view(), name="recruiter-pools"),
    path("pools/<str:pool_id>/", outreach.PoolDetailView.as_view(), name="recruiter-pool"),
    path(
        "jobs/<str:job_id>/sourced/",
        outreach.JobSourcedView.as_view(),
        name="recruiter-job-sourced",
    ),
    path("jobs/<str:job_id>/board/", outreach.JobBoardView.as_view(), name="recruiter-job-board"),
    path(
        "applications/<str:application_id>/notes/",
        outreach.ApplicationNotesView.as_view(),
        name="recruiter-application-notes",
    ),
    path("team/", team.TeamView.as_view(), name="recruiter-team"),
    path(
        "team/invitations/", team.TeamInvitationsView.as_view(), name="recruiter-team-invitations"
    ),
    path(
        "team/invitations/<str:invitation_id>/",
        team.TeamInvitationView.as_view(),
        name="recruiter-team-invitation",
    ),
    path(
        "team/members/<str:membership_id>/",
        team.TeamMemberView.as_view(),
        name="recruiter-team-member",
    ),
    path("jobs/", api.JobListView.as_view(), name="recruiter-jobs"),
    path("jobs/<str:job_id>/", api.JobDetailView.as_view(), name="recruiter-job"),
    path(
        "jobs/<str:job_id>/applications/",
        api.JobApplicationsView.as_view(),
        name="recruiter-job-applications",
    ),
    path(
        "applications/<str:application_id>/",
        api.ApplicationDetailView.as_view(),
        name="recruiter-application",
    ),
    path(
        "applications/<str:application_id>/stage/",
        api.ApplicationStageView.as_view(),
        name="recruiter-application-stage",
    ),
    path("searches/", api.SavedSearchListView.as_view(), name="recruiter-searches"),
    path(
        "searches/<str:saved_search_id>/",
        api.SavedSearchDetailView.as_view(),
        name="recruiter-search",
    ),
]
