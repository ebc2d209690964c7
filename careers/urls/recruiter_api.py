"""Recruiter API URLs, included at /api/v1/recruiter/ in the ``api`` namespace."""

from django.urls import path

from accounts import api_team as team
from careers.api import outreach
from careers.api import recruiter as api

urlpatterns = [
    path("candidates/", api.CandidateListView.as_view(), name="recruiter-candidates"),
    path(
        "candidates/<uuid:public_id>/",
        api.CandidateDetailView.as_view(),
        name="recruiter-candidate",
    ),
    path(
        "candidates/<uuid:public_id>/save/",
        outreach.CandidateSaveView.as_view(),
        name="recruiter-candidate-save",
    ),
    path(
        "candidates/<uuid:public_id>/invite/",
        outreach.CandidateInviteView.as_view(),
        name="recruiter-candidate-invite",
    ),
    path("pools/", outreach.PoolListView.as_view(), name="recruiter-pools"),
    path("pools/<uuid:pool_id>/", outreach.PoolDetailView.as_view(), name="recruiter-pool"),
    path(
        "jobs/<uuid:job_id>/sourced/",
        outreach.JobSourcedView.as_view(),
        name="recruiter-job-sourced",
    ),
    path("jobs/<uuid:job_id>/board/", outreach.JobBoardView.as_view(), name="recruiter-job-board"),
    path(
        "applications/<uuid:application_id>/notes/",
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
    path("jobs/<uuid:job_id>/", api.JobDetailView.as_view(), name="recruiter-job"),
    path(
        "jobs/<uuid:job_id>/applications/",
        api.JobApplicationsView.as_view(),
        name="recruiter-job-applications",
    ),
    path(
        "applications/<uuid:application_id>/",
        api.ApplicationDetailView.as_view(),
        name="recruiter-application",
    ),
    path(
        "applications/<uuid:application_id>/stage/",
        api.ApplicationStageView.as_view(),
        name="recruiter-application-stage",
    ),
    path("searches/", api.SavedSearchListView.as_view(), name="recruiter-searches"),
    path(
        "searches/<uuid:saved_search_id>/",
        api.SavedSearchDetailView.as_view(),
        name="recruiter-search",
    ),
]
