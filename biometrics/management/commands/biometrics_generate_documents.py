"""Write photographed synthetic documents and non-documents plus a labels CSV.

    manage.py biometrics_generate_documents --out var/documents --count 60 --seed 1
    manage.py biometrics_generate_documents --out var/documents-heldout --count 60 \\
        --seed 9001 --profile heldout
    manage.py biometrics_generate_documents --out var/documents-wild --count 20 \\
        --non-documents 28 --seed 4242 --profile wild --letters
    manage.py biometrics_generate_documents --out var/documents-handheld --count 20 \\
        --non-documents 10 --seed 70701 --profile handheld

The CSV has the header ``file,kind,id_number,name,birth_date,sex,expiry`` that
``biometrics_evaluate_documents`` reads (kind ``none`` for a non-document). Never commit the
images: they are generated on demand (``var/`` is git-ignored).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from biometrics.documents import generator

KINDS = ("ktp", "passport", "driving_licence")


class Command(BaseCommand):
    help = "Generate photographed synthetic ID documents and non-documents with labels."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="folder for the images and labels.csv")
        parser.add_argument("--count", type=int, default=60, help="documents per kind")
        parser.add_argument("--non-documents", type=int, default=25)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--profile", choices=generator.PROFILES, default="standard")
        parser.add_argument(
            "--letters",
            action="store_true",
            help="non-documents include letters and card-sized slips quoting a KTP's details",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with generator.system_fonts():  # the machine's fonts too: more variety than the tests'
            self._generate(options)

    def _generate(self, options: dict[str, Any]) -> None:
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        rng = random.Random(options["seed"])
        today = timezone.localdate()
        profile = options["profile"]
        faces = len(generator.faces())
        rows = []
        for index in range(options["count"] * len(KINDS)):
            kind = KINDS[index % len(KINDS)]
            who = generator.identity_random(rng, kind, today=today, faces_count=faces)
            photo = generator.photograph(
                generator.render(who, rng=rng, profile=profile), rng=rng, profile=profile
            )
            name = f"{kind}_{index:04d}.jpg"
            (out / name).write_bytes(photo)
            rows.append(
                [
                    name,
                    kind,
                    who.id_number,
                    who.name,
                    who.birth_date.isoformat(),
                    who.sex,
                    who.expiry.isoformat() if who.expiry else "",
                ]
            )
        for index, (label, data) in enumerate(
            generator.non_documents(rng, options["non_documents"], letters=options["letters"])
        ):
            name = f"none_{label}_{index:04d}.jpg"
            (out / name).write_bytes(data)
            rows.append([name, "none", "", "", "", "", ""])
        with (out / "labels.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["file", "kind", "id_number", "name", "birth_date", "sex", "expiry"])
            writer.writerows(rows)
        self.stdout.write(f"{len(rows)} images and labels.csv written to {out}")
