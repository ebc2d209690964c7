from django.urls import path

from accounts import api

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="auth-token"),
    path("auth/tokens/", api.TokenListView.as_view(), name="auth-tokens"),
    path("auth/tokens/<uuid:token_id>/", api.TokenDetailView.as_view(), name="auth-token-detail"),
    path("me/", api.MeView.as_view(), name="me"),
    path("employers/", api.EmployerListView.as_view(), name="employers"),
]
