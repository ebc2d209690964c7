"""``manage.py retention_sweep``: run the retention sweep now, print what each rule removed.

A progress bar (on a terminal) counts the rules; consent's access-log rule deletes in batches,
one transaction each (``consent.services.access_log_expire``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm


class Command(BaseCommand):
    help = "Run every retention rule now (the same sweep Celery beat runs daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        from consent.services import retention_sweep

        results = retention_sweep(
            progress=lambda names: tqdm(
                names, desc="Retention rules", unit="rule", file=self.stderr, disable=None
            )
        )
        for name, count in sorted(results.items()):
            shown = "FAILED (see log)" if count < 0 else str(count)
            self.stdout.write(f"{name}: {shown}")
        failed = [name for name, count in results.items() if count < 0]
        if failed:
            raise CommandError(f"{len(failed)} retention rule(s) failed: {', '.join(failed)}")
        self.stdout.write(self.style.SUCCESS(f"Removed {sum(results.values())} record(s)."))
