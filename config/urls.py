"""Root URL configuration: HTML pages per app, the API under /api/v1/, admin, health."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.admin_dashboard import dashboard_view
from config.health import healthz
from config.views import admin_view_on_site

api_v1 = [
    path("", include("accounts.api_urls")),
    path("", include("consent.api_urls")),
    path("", include("biometrics.api_urls")),
    path("", include("careers.urls.api")),
]

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("privacy/", include("consent.urls")),
    path("verification/", include("biometrics.urls")),
    path("", include("careers.urls")),
    path("admin/dashboard/", dashboard_view, name="admin-dashboard"),
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(admin_view_on_site),
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file (?script=), so the page needs no
    # inline script and keeps a strict Content-Security-Policy (API_DOCS_CONTENT_SECURITY_POLICY).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

handler400 = "config.views.bad_request"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"

admin.site.site_header = _("Platform staff")
admin.site.site_title = _("Platform staff")
