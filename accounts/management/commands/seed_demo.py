"""Create idempotent demo data for every app and print the demo logins."""

from __future__ import annotations

import importlib
from typing import Any

from django.core.management.base import BaseCommand

# Order matters: consent states need the accounts, careers may read verification badges.
DEMO_MODULES = ["accounts.demo", "consent.demo", "biometrics.demo", "careers.demo"]


class Command(BaseCommand):
    help = "Create demo data (idempotent) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        lines: list[str] = []
        for name in DEMO_MODULES:
            module = importlib.import_module(name)
            lines.extend(module.seed(self.stdout) or [])
        self.stdout.write(
            self.style.SUCCESS("Demo data is ready. Sign in at http://127.0.0.1:8000")
        )
        for line in lines:
            self.stdout.write(line)
