"""manage.py careers_index_rebuild: rebuild every candidate-search row and its postings.

Run it after a change to what profiles are indexed under (a new key filter in
``careers.candidate_filters``). Each profile is its own short transaction, ids are read in
batches, and a tqdm bar on stderr shows progress.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from careers.services.search_index import candidate_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the candidate-search rows of every career profile."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="ids read per query")

    def handle(self, *args: Any, **options: Any) -> None:
        count = candidate_index_rebuild(batch_size=options["batch_size"], progress=True)
        self.stdout.write(f"Rebuilt {count} search rows.")
