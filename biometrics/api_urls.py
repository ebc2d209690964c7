"""Identity verification API routes under /api/v1/ (namespace ``api``)."""

from django.urls import path

from biometrics import api

urlpatterns = [
    path("me/verifications/", api.VerificationListView.as_view(), name="verification-list"),
    path("me/verifications/draft/", api.DraftView.as_view(), name="verification-draft"),
    path(
        "me/verifications/draft/submit/",
        api.DraftSubmitView.as_view(),
        name="verification-draft-submit",
    ),
    path(
        "me/verifications/challenge/",
        api.LivenessChallengeView.as_view(),
        name="verification-challenge",
    ),
    path(
        "me/verifications/<uuid:verification_id>/review-request/",
        api.ReviewRequestView.as_view(),
        name="verification-review-request",
    ),
    path(
        "me/verifications/<uuid:verification_id>/",
        api.VerificationDetailView.as_view(),
        name="verification-detail",
    ),
]
