"""The Django admin site, with the sign-in page under the same rate limit as the site's."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator

from config.throttling import rate_limited


class PlatformAdminSite(admin.AdminSite):
    """AdminSite whose login POSTs count against the ``sign_in`` rate (per client address)."""

    @method_decorator(rate_limited("sign_in"))
    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return super().login(request, extra_context)


class PlatformAdminConfig(AdminConfig):
    """``django.contrib.admin`` with ``PlatformAdminSite`` as ``admin.site``."""

    default_site = "config.admin_site.PlatformAdminSite"

    def ready(self) -> None:
        super().ready()
        from config import model_labels

        model_labels.apply()
