"""The project URLs plus two gated test endpoints (HTML and API) that call the guard exactly
as any biometrics or careers view does."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as project_urlpatterns
from consent.selectors import require_consent


def gated_page(request: HttpRequest, purpose: str) -> HttpResponse:
    require_consent(request.user, purpose)
    return HttpResponse("processed")


class GatedApi(APIView):
    def get(self, request: Request, purpose: str) -> Response:
        require_consent(request.user, purpose)
        return Response({"processed": True})


urlpatterns = [
    path("test-gated/<str:purpose>/", gated_page),
    path("api/v1/test-gated/<str:purpose>/", GatedApi.as_view()),
    *project_urlpatterns,
]
