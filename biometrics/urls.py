from django.urls import path

from biometrics import views

app_name = "biometrics"

urlpatterns = [
    path("", views.start, name="start"),
    path("<uuid:verification_id>/", views.status, name="status"),
    path("<uuid:verification_id>/status.json", views.status_json, name="status-json"),
]
