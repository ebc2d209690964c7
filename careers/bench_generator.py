"""Synthetic careers data at scale for ``manage.py careers_bench`` (a data generator).

Members (user, career profile, employments, skills, preferences, consent for candidate
discovery and job recommendations, search row and postings) and employers with jobs, written
with COPY on PostgreSQL and batched INSERTs elsewhere, one transaction per batch of
``CHUNK`` rows, with tqdm progress on stderr. Synthetic data is recognisable (``@bench.invalid``
e-mails and domains) and reused: running again only adds what is missing.

The generator writes the consent tables directly: granting consent through
``consent.services.consent_grant`` a million times would take hours. Only here.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, cast

from django.core.management.base import CommandError
from django.db import connection, models, transaction
from django.utils import timezone
from tqdm import tqdm

from careers.search_parameters import ProfileFacts
from careers.search_query import POSTING_COLUMNS, search_keys
from careers.services.search_index import search_postings, static_rank

# Education by member number, not from the random stream (the rest of the data stays as it was):
# a quarter secondary school only, then diploma, bachelor (the most), master and doctorate.
DEGREES = ["SMA"] * 5 + ["D3"] * 3 + ["S1"] * 8 + ["S2"] * 3 + ["S3"]
FIELDS = ["Computer Science", "Information Systems", "Accounting", "Management", "Nursing",
          "Communication", "Electrical Engineering", "English Literature", "Hospitality",
          "Economics", "Industrial Engineering"]  # fmt: skip
INSTITUTIONS = ["Universitas Indonesia", "Institut Teknologi Bandung", "Universitas Gadjah Mada",
                "Universitas Airlangga", "Universitas Brawijaya", "Politeknik Negeri Jakarta",
                "Universitas Bina Nusantara", "Universitas Diponegoro"]  # fmt: skip


def education_of(n: int) -> list[tuple[str, str, str]]:
    """Return member ``n``'s education history: (institution, degree, field) rows."""
    degree = DEGREES[n % len(DEGREES)]
    if degree == "SMA":
        return [(f"SMA Negeri {n % 90 + 1}", degree, "")]
    return [(INSTITUTIONS[n % len(INSTITUTIONS)], degree, FIELDS[(n // 7) % len(FIELDS)])]


BENCH_EMAIL = "@bench.invalid"
BENCH_DOMAIN = ".bench.invalid"
CHUNK = 50_000
BATCH = 5_000  # postings per INSERT when rebuilding them from search rows

CITIES = [
    ("Jakarta", 28), ("Surabaya", 10), ("Bandung", 10), ("Medan", 6), ("Semarang", 5),
    ("Yogyakarta", 5), ("Tangerang", 6), ("Bekasi", 6), ("Depok", 4), ("Denpasar", 4),
    ("Makassar", 3), ("Malang", 3), ("Palembang", 3), ("Batam", 2), ("Balikpapan", 2),
    ("Bogor", 3),
]  # fmt: skip

# Archetypes: titles and the skill pool people in that line of work list.
ARCHETYPES: list[tuple[int, list[str], list[str]]] = [
    (10, ["Backend Engineer", "Software Engineer", "Python Developer", "Senior Software Engineer"],
     ["Python", "Django", "PostgreSQL", "Docker", "REST APIs", "Redis", "Go", "Java",
      "Kubernetes", "Amazon Web Services", "Git", "Linux", "SQL", "FastAPI", "Flask",
      "Microservices", "Node.js", "Apache Kafka", "Unit Testing"]),
    (7, ["Frontend Engineer", "Web Developer", "Frontend Developer", "UI Engineer"],
     ["JavaScript", "TypeScript", "React", "Vue.js", "HTML", "CSS", "Next.js", "Angular",
      "Tailwind CSS", "Git", "Figma", "Node.js", "Web Performance", "Sass"]),
    (4, ["Mobile Developer", "Android Developer", "iOS Engineer", "Flutter Developer"],
     ["Kotlin", "Swift", "Flutter", "Dart", "Android Development", "iOS Development",
      "React Native", "Firebase", "Git", "REST APIs", "Java"]),
    (5, ["Data Analyst", "Data Scientist", "Data Engineer", "Machine Learning Engineer"],
     ["Python", "SQL", "pandas", "Machine Learning", "Statistics", "Tableau", "Power BI",
      "Apache Spark", "BigQuery", "Data Visualization", "Deep Learning", "TensorFlow",
      "PyTorch", "Microsoft Excel", "Apache Airflow", "dbt", "Data Analysis"]),
    (3, ["DevOps Engineer", "Site Reliability Engineer", "Cloud Engineer"],
     ["Kubernetes", "Docker", "Terraform", "Amazon Web Services", "Google Cloud Platform",
      "Linux", "CI/CD", "Prometheus", "Grafana", "Ansible", "Bash", "Python", "Nginx"]),
    (4, ["UI/UX Designer", "Product Designer", "Graphic Designer"],
     ["Figma", "UI Design", "UX Design", "UX Research", "Adobe Photoshop", "Adobe Illustrator",
      "Graphic Design", "Typography", "Branding", "Canva", "Sketch", "Interaction Design"]),
    (8, ["Digital Marketing Specialist", "Marketing Manager", "Content Writer", "SEO Specialist"],
     ["Digital Marketing", "Search Engine Optimization", "Social Media Marketing",
      "Content Marketing", "Copywriting", "Google Analytics", "Meta Ads", "Email Marketing",
      "Brand Management", "Market Research", "TikTok Ads", "Canva"]),
    (9, ["Sales Executive", "Account Manager", "Business Development Manager"],
     ["Sales", "B2B Sales", "Business Development", "Negotiation", "Account Management",
      "Lead Generation", "Customer Relationship Management", "Salesforce",
      "Microsoft Excel", "Retail Sales"]),
    (8, ["Accountant", "Finance Staff", "Tax Officer", "Financial Analyst", "Auditor"],
     ["Accounting", "Bookkeeping", "Taxation", "Indonesian Tax (PPh/PPN)", "Financial Reporting",
      "Microsoft Excel", "Auditing", "Budgeting", "Financial Analysis", "IFRS", "SAP FICO",
      "Accurate Accounting Software", "Payroll", "Accounts Payable", "Accounts Receivable"]),
    (6, ["Nurse", "Staff Nurse", "Midwife", "Pharmacist"],
     ["Nursing", "Patient Care", "Emergency Care", "Basic Life Support", "Midwifery",
      "Pharmacy", "Hospital Administration", "BPJS Claims", "Public Health"]),
    (7, ["Barista", "Chef", "Front Office Agent", "Hotel Manager", "Waiter"],
     ["Barista", "Culinary Arts", "Food and Beverage Service", "Front Office Operations",
      "Housekeeping", "Hotel Management", "Food Safety", "Customer Service", "Pastry and Baking",
      "Restaurant Management"]),
    (8, ["Warehouse Supervisor", "Logistics Staff", "Procurement Officer", "Admin Staff"],
     ["Logistics", "Warehouse Management", "Inventory Management", "Procurement",
      "Supply Chain Management", "Microsoft Excel", "Data Entry", "Office Administration",
      "Forklift Operation", "Export and Import", "Quality Control", "Vendor Management"]),
    (5, ["HR Generalist", "Recruiter", "HR Manager"],
     ["Recruitment", "Human Resources Management", "Employee Relations", "Payroll",
      "Indonesian Labour Law", "Training and Development", "HRIS", "Microsoft Excel"]),
    (4, ["Customer Service Officer", "Call Centre Agent", "Customer Success Manager"],
     ["Customer Service", "Call Centre Operations", "Customer Success", "Communication",
      "Technical Support", "Microsoft Office", "Problem Solving"]),
    (3, ["Teacher", "English Teacher", "Tutor"],
     ["Teaching", "Curriculum Development", "English", "Tutoring", "E-learning",
      "Early Childhood Education", "Public Speaking"]),
]  # fmt: skip
SOFT = ["Communication", "Teamwork", "Leadership", "Problem Solving", "Time Management",
        "Attention to Detail", "Adaptability", "Critical Thinking"]  # fmt: skip
FIRST = ["Budi", "Siti", "Agus", "Dewi", "Rizky", "Putri", "Andi", "Ayu", "Dimas", "Intan",
         "Fajar", "Nur", "Yoga", "Rina", "Hendra", "Bayu", "Wulan", "Eko", "Maya"]  # fmt: skip
LAST = ["Santoso", "Wijaya", "Saputra", "Lestari", "Pratama", "Hidayat", "Kusuma", "Nugroho",
        "Sari", "Siregar", "Harahap", "Putra", "Halim", "Tanjung", "Gunawan"]  # fmt: skip


class Writer:
    """Insert many rows fast: COPY on PostgreSQL, batched executemany elsewhere."""

    def __init__(self) -> None:
        self.pg = connection.vendor == "postgresql"

    def write(self, model: type[models.Model], fields: list[str], rows: Iterable[tuple]) -> int:
        meta = model._meta
        columns = [str(cast(models.Field, meta.get_field(name)).column) for name in fields]
        table = connection.ops.quote_name(str(meta.db_table))
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        count = 0
        with connection.cursor() as cursor:
            if self.pg:
                with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
                return count
            prep = [cast(models.Field, meta.get_field(name)) for name in fields]
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"  # noqa: S608 (model metadata)
            batch: list[list[Any]] = []
            for row in rows:
                batch.append(
                    [
                        f.get_db_prep_save(
                            json.loads(v) if isinstance(f, models.JSONField) else v, connection
                        )
                        for f, v in zip(prep, row, strict=True)
                    ]  # fmt: skip
                )
                count += 1
                if len(batch) >= 5000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
        return count


class BenchGenerator:
    """Writes the synthetic members and jobs; mixed into the ``careers_bench`` command."""

    rng: random.Random
    writer: Writer
    stderr: Any

    def _fast_load(self) -> None:
        """Skip per-row foreign-key triggers while loading (superuser only; rows are consistent).

        Deferred FK checks at COMMIT dominate a 1M-row load; without the privilege the load is
        just slower.
        """
        with connection.cursor() as cursor:
            try:
                with transaction.atomic():
                    cursor.execute("SET session_replication_role = replica")
            except Exception:  # noqa: BLE001 - not a superuser: load with the checks
                self.stderr.write("  (foreign-key checks stay on: not a superuser)")

    @contextmanager
    def _posting_indexes_deferred(self) -> Iterator[None]:
        """On PostgreSQL, build the postings' secondary index once after a big load."""
        from careers.models import CandidateSearchKey

        table = CandidateSearchKey._meta.db_table
        definitions: list[tuple[str, str]] = []
        if connection.vendor == "postgresql" and not CandidateSearchKey.objects.exists():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                    "AND indexname NOT LIKE %s",
                    [table, "%pkey"],
                )
                definitions = cursor.fetchall()
                for name, _definition in definitions:
                    cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")
        try:
            yield
        finally:
            if definitions:
                self.stderr.write("  building the postings index")
                with connection.cursor() as cursor:
                    cursor.execute("SET maintenance_work_mem = '512MB'")
                    for _name, definition in definitions:
                        cursor.execute(
                            definition.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS")
                        )

    def _postings_backfill(self) -> None:
        """Create postings for search rows that have none (data from before the postings)."""
        from careers.models import CandidateSearchIndex, CandidateSearchKey

        if CandidateSearchKey.objects.exists() or not CandidateSearchIndex.objects.exists():
            return
        rows = CandidateSearchIndex.objects.filter(discoverable=True)
        bar = tqdm(total=rows.count(), desc="postings", unit="row")
        batch: list[Any] = []
        for row in rows.iterator(chunk_size=BATCH):
            batch.extend(
                search_postings(
                    profile_id=row.profile_id,
                    keys=row.keys,
                    rank=row.rank,
                    years=row.years,
                    verified=row.verified,
                    active_on=row.active_on,
                )
            )
            bar.update()
            if len(batch) >= BATCH:
                CandidateSearchKey.objects.bulk_create(batch)
                batch = []
        CandidateSearchKey.objects.bulk_create(batch)
        bar.close()

    def _bench_profiles(self) -> models.QuerySet:
        from careers.models import CareerProfile

        return CareerProfile.objects.filter(user__email__endswith=BENCH_EMAIL)

    def _reset(self) -> None:
        """Delete synthetic rows with set-based SQL (a Django cascade over 1M rows is too slow)."""
        from accounts.models import Employer, User
        from careers.models import (
            CandidateSearchIndex,
            CandidateSearchKey,
            CareerProfile,
            Education,
            Employment,
            Job,
            JobPreference,
            JobSkill,
            ProfileSkill,
        )
        from consent.models import AccessLogEntry, ConsentEvent, ConsentState

        def table(model: type[models.Model]) -> str:
            return connection.ops.quote_name(model._meta.db_table)

        # Table names come from model metadata, values are parameters: no injection vector.
        users = f"SELECT id FROM {table(User)} WHERE email LIKE %s"  # noqa: S608
        subqueries = {
            "user": (users, f"%{BENCH_EMAIL}"),
            "profile": (
                f"SELECT id FROM {table(CareerProfile)} WHERE user_id IN ({users})",  # noqa: S608
                f"%{BENCH_EMAIL}",
            ),
            "employer": (
                f"SELECT id FROM {table(Employer)} WHERE domain LIKE %s",  # noqa: S608
                f"%{BENCH_DOMAIN}",
            ),
        }
        subqueries["job"] = (
            f"SELECT id FROM {table(Job)} WHERE employer_id IN ({subqueries['employer'][0]})",  # noqa: S608
            f"%{BENCH_DOMAIN}",
        )
        plan = [
            (JobSkill, "job_id", "job"),
            (Job, "id", "job"),
            (Employer, "id", "employer"),
            (CandidateSearchKey, "profile_id", "profile"),
            (CandidateSearchIndex, "profile_id", "profile"),
            (ProfileSkill, "profile_id", "profile"),
            (Employment, "profile_id", "profile"),
            (Education, "profile_id", "profile"),
            (JobPreference, "profile_id", "profile"),
            (CareerProfile, "id", "profile"),
            (ConsentState, "user_id", "user"),
            (ConsentEvent, "user_id", "user"),
            (AccessLogEntry, "subject_id", "user"),
            (User, "id", "user"),
        ]
        # The ledger is never deleted from, even for synthetic members (on PostgreSQL a trigger
        # refuses it: consent migration 0004): their events are erased like any member's, the
        # pseudonymous rows stay.
        blank = ConsentEvent._meta.get_field("signature").get_db_prep_save("", connection)
        user_subquery, user_param = subqueries["user"]
        erase = (
            f"UPDATE {table(ConsentEvent)} SET user_id = NULL, ip_address = NULL, "  # noqa: S608
            f"user_agent = '', signature = %s, erased = %s WHERE user_id IN ({user_subquery})"
        )
        with transaction.atomic(), connection.cursor() as cursor:
            for model, column, kind in plan:
                subquery, param = subqueries[kind]
                if model is ConsentEvent:
                    cursor.execute(erase, [blank, True, user_param])
                    continue
                sql = f"DELETE FROM {table(model)} WHERE {column} IN ({subquery})"  # noqa: S608
                cursor.execute(sql, [param])

    def _skill_ids(self) -> tuple[dict[str, int], list[int]]:
        from careers.models import Skill

        by_name = dict(Skill.objects.values_list("name", "pk"))
        return by_name, list(by_name.values())

    def _candidates(self, wanted: int) -> int:
        """Add bench members until there are ``wanted``; return how many were added."""
        have = self._bench_profiles().count()
        if have >= wanted:
            return 0
        by_name, all_ids = self._skill_ids()
        pools = [
            (weight, titles, [by_name[n] for n in skills if n in by_name])
            for weight, titles, skills in ARCHETYPES
        ]
        weights = [p[0] for p in pools]
        soft = [by_name[n] for n in SOFT if n in by_name]
        indonesian, english = by_name.get("Bahasa Indonesia"), by_name.get("English")
        cities = [c for c, _w in CITIES]
        city_w = [w for _c, w in CITIES]
        companies = self._companies()
        bar = tqdm(total=wanted, initial=have, desc="candidates", unit="member")
        for start in range(have, wanted, CHUNK):
            end = min(wanted, start + CHUNK)
            people = [
                self._person(n, pools, weights, soft, indonesian, english, all_ids, cities,
                             city_w, companies)
                for n in range(start, end)
            ]  # fmt: skip
            with transaction.atomic():
                self._write_people(people)
            bar.update(end - start)
        bar.close()
        return wanted - have

    def _companies(self) -> list[tuple[str, str]]:
        return [(f"PT Bench Company {i}", f"company{i}{BENCH_DOMAIN}") for i in range(500)]

    def _person(
        self,
        n: int,
        pools: list,
        weights: list[int],
        soft: list[int],
        indonesian: int | None,
        english: int | None,
        all_ids: list[int],
        cities: list[str],
        city_w: list[int],
        companies: list[tuple[str, str]],
    ) -> dict[str, Any]:
        rng = self.rng
        _w, titles, pool = rng.choices(pools, weights)[0]
        skills: dict[int, int] = {}
        for skill_id in rng.sample(pool, k=min(len(pool), rng.randint(3, 9))):
            skills[skill_id] = rng.choices([1, 2, 3, 4, 5], [1, 3, 4, 3, 2])[0]
        for skill_id in rng.sample(soft, k=rng.randint(0, 2)):
            skills.setdefault(skill_id, rng.randint(2, 5))
        if rng.random() < 0.08:
            skills.setdefault(rng.choice(all_ids), rng.randint(1, 4))
        if indonesian and rng.random() < 0.9:
            skills.setdefault(indonesian, 5)
        if english and rng.random() < 0.55:
            skills.setdefault(english, rng.randint(2, 5))
        years = min(30, int(rng.expovariate(1 / 6)))
        title = rng.choice(titles)
        jobs = []
        if years > 0:
            company = rng.choice(companies)
            current = rng.random() < 0.65
            jobs.append((company, title, current))
            if years > 3 and rng.random() < 0.6:
                jobs.append((rng.choice(companies), rng.choice(titles), False))
        visibility = rng.choices(["private", "recruiters", "everyone"], [3, 5, 2])[0]
        city = rng.choices(cities, city_w)[0]
        wanted = [city, *([rng.choices(cities, city_w)[0]] if rng.random() < 0.3 else [])]
        return {
            "n": n,
            "city": city,
            "wanted": list(dict.fromkeys(wanted)),
            "active_on": timezone.localdate() - timedelta(days=int(rng.expovariate(1 / 60))),
            "title": title,
            "years": years,
            "skills": skills,
            "jobs": jobs,
            "visibility": visibility,
            "hide": rng.random() < 0.5,
            "remote": rng.sample(["onsite", "hybrid", "remote"], k=rng.randint(0, 3)),
            "discovery": rng.random() < (0.85 if visibility != "private" else 0.2),
            "recommend": rng.random() < 0.7,
            "verified": rng.random() < 0.15,
            "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        }

    def _write_people(self, people: list[dict[str, Any]]) -> None:

        from accounts.employer_keys import domain_key, employer_name_key
        from accounts.models import User
        from careers.models import (
            CandidateSearchIndex,
            CandidateSearchKey,
            CareerProfile,
            Education,
            Employment,
            JobPreference,
            ProfileSkill,
        )
        from config.encryption import lookup_hash
        from consent.models import ConsentEvent, ConsentState
        from consent.purposes import PurposeCode

        now = timezone.now()
        empty_secret = CareerProfile._meta.get_field("summary").get_db_prep_save("", connection)
        policy_id, texts = self._consent_fixtures()
        for person in people:
            person["user_id"] = uuid.uuid4()
            person["profile_id"] = uuid.uuid4()
            person["public_id"] = uuid.uuid4()
            person["educations"] = education_of(person["n"])
            # The index reads the same object (ProfileFacts), so rows and stored preferences agree.
            person["preference"] = JobPreference(
                profile_id=person["profile_id"],
                titles=[person["title"]],
                locations=person["wanted"],
                remote_modes=person["remote"],
                job_types=["full_time"],
                min_salary=5_000_000 + 1_000_000 * min(person["years"], 20),
                currency="IDR",
                # By number, not the random stream: the rest of the data stays as it was.
                share_salary=person["n"] % 3 == 0,
                open_to_relocation=person["n"] % 4 == 0,
            )
        self.writer.write(
            User,
            ["id", "password", "is_superuser", "email", "display_name", "is_staff", "is_active",
             "date_joined", "preferred_language"],
            ((p["user_id"], "!bench", False, f"bench-{p['n']}{BENCH_EMAIL}", p["name"], False,
              True, now, "id") for p in people),
        )  # fmt: skip
        self.writer.write(
            CareerProfile,
            ["id", "user_id", "public_id", "headline", "summary", "location_city",
             "location_country", "visibility", "hide_from_current_employer", "years_experience",
             "created_at", "updated_at"],
            ((p["profile_id"], p["user_id"], p["public_id"], p["title"], empty_secret, p["city"],
              "ID", p["visibility"], p["hide"], p["years"], now, now) for p in people),
        )  # fmt: skip
        today = now.date()
        self.writer.write(
            Employment,
            ["id", "profile_id", "employer_name", "employer_domain", "employer_name_key",
             "employer_domain_key", "title", "start_date", "end_date", "is_current",
             "description", "location"],
            ((uuid.uuid4(), p["profile_id"], company[0], company[1], employer_name_key(company[0]),
              domain_key(company[1]), title, today - timedelta(days=365 * (i + 1) + 30),
              None if current else today - timedelta(days=365 * i + 1), current, empty_secret,
              p["city"])
             for p in people for i, (company, title, current) in enumerate(p["jobs"])),
        )  # fmt: skip
        self.writer.write(
            Education,
            ["id", "profile_id", "institution", "degree", "field", "start_date", "end_date"],
            ((uuid.uuid4(), p["profile_id"], institution, degree, field_of_study,
              today - timedelta(days=365 * (p["years"] + 4)),
              today - timedelta(days=365 * p["years"] + 1))
             for p in people for institution, degree, field_of_study in p["educations"]),
        )  # fmt: skip
        self.writer.write(
            ProfileSkill,
            ["profile_id", "skill_id", "proficiency", "years"],
            ((p["profile_id"], s, level, min(p["years"], level * 2))
             for p in people for s, level in p["skills"].items()),
        )  # fmt: skip
        self.writer.write(
            JobPreference,
            ["profile_id", "titles", "locations", "remote_modes", "job_types", "min_salary",
             "currency", "share_salary", "open_to_relocation"],
            ((p["profile_id"], json.dumps(p["preference"].titles),
              json.dumps(p["preference"].locations), json.dumps(p["preference"].remote_modes),
              json.dumps(p["preference"].job_types), p["preference"].min_salary,
              p["preference"].currency, p["preference"].share_salary,
              p["preference"].open_to_relocation) for p in people),
        )  # fmt: skip
        grants = [
            (p["user_id"], purpose)
            for p in people
            for purpose, wanted in (
                (PurposeCode.CANDIDATE_DISCOVERY, p["discovery"]),
                (PurposeCode.JOB_RECOMMENDATIONS, p["recommend"]),
            )
            if wanted
        ]
        events = [(uuid.uuid4(), user_id, purpose) for user_id, purpose in grants]
        # The signature column holds ciphertext even when empty (COPY writes values as given).
        no_signature = ConsentEvent._meta.get_field("signature").get_db_prep_save("", connection)
        self.writer.write(
            ConsentEvent,
            ["id", "user_id", "subject_ref", "purpose_id", "policy_version_id", "action",
             "created_at", "method", "text_id", "language", "signature", "user_agent", "erased"],
            ((event_id, user_id, lookup_hash(str(user_id), namespace="consent-subject"), purpose,
              policy_id, "grant", now, "system", texts[purpose], "en", no_signature,
              "careers_bench", False)
             for event_id, user_id, purpose in events),
        )  # fmt: skip
        self.writer.write(
            ConsentState,
            ["user_id", "purpose_id", "granted", "policy_version_id", "granted_at",
             "last_event_id", "updated_at"],
            ((user_id, purpose, True, policy_id, now, event_id, now)
             for event_id, user_id, purpose in events),
        )  # fmt: skip
        for p in people:
            p["keys"] = search_keys(
                ProfileFacts(
                    skills=list(p["skills"].items()),
                    titles=[p["title"], *(t for _c, t, _cur in p["jobs"])],
                    current_titles=[p["title"], *(t for _c, t, cur in p["jobs"] if cur)],
                    home=p["city"],
                    places=p["wanted"],
                    remote_modes=p["remote"],
                    educations=[(degree, field) for _i, degree, field in p["educations"]],
                    preference=p["preference"],
                )
            )
        self.writer.write(
            CandidateSearchIndex,
            ["profile_id", "public_id", "user_id", "discoverable", "years", "verified",
             "verified_on", "rank", "active_on", "keys", "updated_at"],
            ((p["profile_id"], p["public_id"], p["user_id"], p["visibility"] != "private",
              p["years"], p["verified"], today if p["verified"] else None,
              static_rank(years=p["years"], verified=p["verified"]), p["active_on"],
              json.dumps(p["keys"]), now)
             for p in people),
        )  # fmt: skip
        postings = (
            posting
            for p in people
            if p["visibility"] != "private"
            for posting in search_postings(
                profile_id=p["profile_id"],
                keys=p["keys"],
                rank=static_rank(years=p["years"], verified=p["verified"]),
                years=p["years"],
                verified=p["verified"],
                active_on=p["active_on"],
            )
        )
        # The posting columns come from the filter declarations (careers.candidate_filters).
        self.writer.write(
            CandidateSearchKey,
            list(POSTING_COLUMNS),
            (tuple(getattr(k, column) for column in POSTING_COLUMNS) for k in postings),
        )

    def _consent_fixtures(self) -> tuple[int, dict[str, str]]:
        """Return the policy version consent must be under, and one stored text per purpose."""
        from consent.models import ConsentText, Purpose
        from consent.selectors import policy_current, policy_required_for
        from consent.services import consent_text_render

        policy = policy_current()
        if policy is None:
            raise CommandError("No privacy policy is in effect: run migrate first.")
        texts = {}
        for purpose in Purpose.objects.all():
            required = policy_required_for(purpose=purpose.code)
            if required is not None and required.effective_at > policy.effective_at:
                raise CommandError("Policy data is inconsistent.")
            text = consent_text_render(purpose=purpose, policy=policy, language="en")
            digest = hashlib.sha256(text.encode()).hexdigest()
            ConsentText.objects.get_or_create(
                sha256=digest, defaults={"text": text, "language": "en"}
            )
            texts[purpose.code] = digest
        return policy.pk, texts

    def _jobs(self, wanted: int) -> int:
        from accounts.employer_keys import employer_name_key
        from accounts.models import Employer
        from careers.models import Job, JobSkill

        have = Job.objects.filter(employer__domain__endswith=BENCH_DOMAIN).count()
        if have >= wanted:
            return 0
        employers = list(
            Employer.objects.filter(domain__endswith=BENCH_DOMAIN).values_list("pk", flat=True)
        )
        if not employers:
            self.writer.write(
                Employer,
                ["id", "name", "domain", "name_key", "created_at"],
                ((uuid.uuid4(), name, domain, employer_name_key(name), timezone.now())
                 for name, domain in self._companies()),
            )  # fmt: skip
            employers = list(
                Employer.objects.filter(domain__endswith=BENCH_DOMAIN).values_list("pk", flat=True)
            )
        by_name, _ids = self._skill_ids()
        rng = self.rng
        now = timezone.now()
        cities = [c for c, _w in CITIES]
        city_w = [w for _c, w in CITIES]
        bar = tqdm(total=wanted, initial=have, desc="jobs", unit="job")
        for start in range(have, wanted, CHUNK):
            end = min(wanted, start + CHUNK)
            jobs: list[dict[str, Any]] = []
            for _n in range(start, end):
                _w, titles, pool = rng.choices(ARCHETYPES, [a[0] for a in ARCHETYPES])[0]
                ids = [by_name[s] for s in pool if s in by_name]
                status = rng.choices(["open", "closed", "draft"], [85, 10, 5])[0]
                salary = rng.randrange(4_000_000, 40_000_000, 500_000)
                jobs.append(
                    {
                        "id": uuid.uuid4(),
                        "employer": rng.choice(employers),
                        "title": rng.choice(titles),
                        "city": rng.choices(cities, city_w)[0],
                        "remote": rng.choice(["onsite", "hybrid", "remote"]),
                        "seniority": rng.choice(["junior", "mid", "senior", "lead"]),
                        "status": status,
                        "salary": salary,
                        "published": now - timedelta(minutes=rng.randint(0, 60 * 24 * 60)),
                        "skills": [
                            (s, i < 3, rng.randint(1, 5))
                            for i, s in enumerate(rng.sample(ids, k=min(len(ids), 6)))
                        ],
                    }
                )
            with transaction.atomic():
                self.writer.write(
                    Job,
                    ["id", "employer_id", "title", "description", "location_city", "remote_mode",
                     "job_type", "salary_min", "salary_max", "currency", "seniority", "status",
                     "created_at", "updated_at", "published_at"],
                    ((j["id"], j["employer"], j["title"], "Synthetic benchmark job.", j["city"],
                      j["remote"], "full_time", j["salary"], j["salary"] + 3_000_000, "IDR",
                      j["seniority"], j["status"], now, now,
                      None if j["status"] == "draft" else j["published"]) for j in jobs),
                )  # fmt: skip
                self.writer.write(
                    JobSkill,
                    ["job_id", "skill_id", "required", "weight", "job_open"],
                    ((j["id"], s, required, weight, j["status"] == "open")
                     for j in jobs for s, required, weight in j["skills"]),
                )  # fmt: skip
            bar.update(end - start)
        bar.close()
        return wanted - have
