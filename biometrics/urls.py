from django.urls import path

from biometrics import views

app_name = "biometrics"

urlpatterns = [
    path("", views.start, name="start"),
    path("draft/", views.draft_save, name="draft-save"),
    path("draft/document/", views.draft_document, name="draft-document"),
    path("draft/delete/", views.draft_delete, name="draft-delete"),
    path("<uuid:verification_id>/", views.status, name="status"),
    path("<uuid:verification_id>/status.json", views.status_json, name="status-json"),
    path("<uuid:verification_id>/review/", views.review_request, name="review-request"),
]
