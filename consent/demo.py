"""Demo consent states for the demo cast (called by ``manage.py seed_demo``); idempotent."""

from __future__ import annotations

from typing import TextIO

from consent.purposes import PurposeCode

P = PurposeCode

# (e-mail, steps): each step is ("grant" | "withdraw", purpose). Members start with no consent.
CAST: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "premium@demo.test",
        [
            ("grant", P.BIOMETRIC_VERIFICATION),
            ("grant", P.JOB_RECOMMENDATIONS),
            ("grant", P.SHARE_PROFILE_WITH_EMPLOYERS),
            ("grant", P.CANDIDATE_DISCOVERY),
        ],
    ),
    (
        "member@demo.test",
        [
            ("grant", P.JOB_RECOMMENDATIONS),
            ("grant", P.SHARE_PROFILE_WITH_EMPLOYERS),
            ("withdraw", P.SHARE_PROFILE_WITH_EMPLOYERS),
            ("grant", P.CANDIDATE_DISCOVERY),
        ],
    ),
    # Recruiters are members too: one looks for a job quietly, without being findable.
    ("recruiter1@acme.demo", [("grant", P.JOB_RECOMMENDATIONS)]),
]


def seed(stdout: TextIO) -> None:
    """Give the demo members varied consent states; members who have any consent are skipped."""
    from accounts.selectors import user_get_by_email
    from consent.selectors import consent_history
    from consent.services import consent_grant, consent_withdraw

    for email, steps in CAST:
        user = user_get_by_email(email=email)
        if user is None:
            stdout.write(f"consent demo: {email} not found, skipped\n")
            continue
        if consent_history(user=user).exists():
            continue
        for action, purpose in steps:
            meta = {"method": "web", "language": "en", "user_agent": "seed_demo"}
            if action == "grant":
                signature = user.display_name if purpose == P.BIOMETRIC_VERIFICATION else ""
                consent_grant(user=user, purpose=purpose, signature=signature, **meta)
            else:
                consent_withdraw(user=user, purpose=purpose, **meta)
        stdout.write(f"consent demo: {email}: {', '.join(f'{a} {p}' for a, p in steps)}\n")
    stdout.write(
        "consent demo: owner@acme.demo and staff@demo.test have given no consent; "
        "see /privacy/ as each.\n"
    )
