"""Demo accounts: a free member, a premium member, an employer with two recruiters, staff."""

from __future__ import annotations

from typing import TextIO

from django.db import transaction

from accounts.models import Employer, EmployerMembership, User
from accounts.selectors import user_is_premium
from accounts.services import premium_grant

DEMO_PASSWORD = "demo-pass-2023!"  # noqa: S105 demo data only, printed for the newcomer

DEMO_USERS = [
    # email, display name, staff
    ("member@demo.test", "Siti Rahmawati", False),
    ("premium@demo.test", "Budi Santoso", False),
    ("owner@acme.demo", "Dewi Lestari", False),
    ("recruiter1@acme.demo", "Agus Wijaya", False),
    ("recruiter2@acme.demo", "Rina Kurniawan", False),
    ("staff@demo.test", "Staff Reviewer", True),
]


@transaction.atomic
def seed(stdout: TextIO) -> list[str]:
    """Create (or refresh) the demo cast; return the login lines to print."""
    users: dict[str, User] = {}
    for email, name, staff in DEMO_USERS:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, display_name=name)
        user.display_name = name
        user.is_staff = staff
        user.is_superuser = staff
        user.set_password(DEMO_PASSWORD)
        user.save()
        users[email] = user

    premium = users["premium@demo.test"]
    if not user_is_premium(user=premium):
        premium_grant(user=premium, days=365, source="staff")

    acme, _created = Employer.objects.get_or_create(
        domain="acme.co.id", defaults={"name": "Acme Indonesia"}
    )
    roles = [
        ("owner@acme.demo", EmployerMembership.Role.OWNER),
        ("recruiter1@acme.demo", EmployerMembership.Role.RECRUITER),
        ("recruiter2@acme.demo", EmployerMembership.Role.RECRUITER),
    ]
    for email, role in roles:
        EmployerMembership.objects.update_or_create(
            employer=acme, user=users[email], defaults={"role": role}
        )
    return [
        f"  {email:<24} {DEMO_PASSWORD}   ({label})"
        for email, label in [
            ("member@demo.test", "free member"),
            ("premium@demo.test", "premium member"),
            ("owner@acme.demo", "employer owner, Acme Indonesia"),
            ("recruiter1@acme.demo", "recruiter, Acme Indonesia"),
            ("recruiter2@acme.demo", "recruiter, Acme Indonesia"),
            ("staff@demo.test", "staff: admin and verification review"),
        ]
    ]
