"""Privacy centre pages, mounted at /privacy/."""

from django.urls import path

from consent import views

app_name = "consent"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("welcome/", views.welcome, name="welcome"),
    path("consent/<str:purpose>/", views.prompt, name="prompt"),
    path("consent/<str:purpose>/withdraw/", views.withdraw, name="withdraw"),
    path("history/", views.history, name="history"),
    path("receipts/<uuid:event_id>/", views.receipt, name="receipt"),
    path("receipts/<uuid:event_id>/page/", views.receipt_page, name="receipt_page"),
    path("policies/", views.policies, name="policies"),
    path("access-log/", views.access_log, name="access_log"),
    path("export/", views.export, name="export"),
    path("erase/", views.erase, name="erase"),
]
