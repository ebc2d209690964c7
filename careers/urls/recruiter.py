"""Recruiter portal URLs, included at /recruiter/ inside the careers namespace."""

from django.urls import path

from careers.views import outreach
from careers.views import recruiter as views

urlpatterns = [
    path("", views.dashboard, name="recruiter-dashboard"),
    path("employer/", views.employer_switch, name="recruiter-employer"),
    path("jobs/new/", views.job_new, name="recruiter-job-new"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="recruiter-job"),
    path("jobs/<uuid:job_id>/board/", outreach.job_board, name="recruiter-job-board"),
    path("jobs/<uuid:job_id>/status/", views.job_status, name="recruiter-job-status"),
    path(
        "applications/<uuid:application_id>/",
        views.application_detail,
        name="recruiter-application",
    ),
    path(
        "applications/<uuid:application_id>/stage/",
        views.application_stage,
        name="recruiter-application-stage",
    ),
    path(
        "applications/<uuid:application_id>/notes/",
        outreach.application_note,
        name="recruiter-application-note",
    ),
    path("candidates/", views.candidates, name="recruiter-candidates"),
    path("candidates/<uuid:public_id>/", views.candidate_detail, name="recruiter-candidate"),
    path(
        "candidates/<uuid:public_id>/save/",
        outreach.candidate_save,
        name="recruiter-candidate-save",
    ),
    path(
        "candidates/<uuid:public_id>/invite/",
        outreach.candidate_invite,
        name="recruiter-candidate-invite",
    ),
    path("pools/", outreach.pools, name="recruiter-pools"),
    path("pools/<uuid:pool_id>/", outreach.pool_detail, name="recruiter-pool"),
    path(
        "sourced/<uuid:entry_id>/remove/", outreach.sourced_remove, name="recruiter-sourced-remove"
    ),
    path("searches/", views.saved_searches, name="recruiter-searches"),
    path(
        "searches/<uuid:saved_search_id>/alert/",
        views.saved_search_alert,
        name="recruiter-search-alert",
    ),
    path(
        "searches/<uuid:saved_search_id>/delete/",
        views.saved_search_delete,
        name="recruiter-search-delete",
    ),
]
