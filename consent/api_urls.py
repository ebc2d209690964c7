"""Consent API routes under /api/v1/ (namespace ``api``)."""

from django.urls import path

from consent import api

urlpatterns = [
    path("me/consents/", api.ConsentListView.as_view(), name="consent-list"),
    path("me/consents/<str:purpose>/", api.ConsentDetailView.as_view(), name="consent-detail"),
    path(
        "me/consents/<str:purpose>/receipt/",
        api.ConsentReceiptView.as_view(),
        name="consent-receipt",
    ),
    path(
        "me/consent-receipts/<uuid:event_id>/",
        api.ConsentReceiptByIdView.as_view(),
        name="consent-receipt-by-id",
    ),
    path("me/access-log/", api.AccessLogView.as_view(), name="consent-access-log"),
    path("me/export/", api.ExportView.as_view(), name="consent-export"),
]
