"""Signals accounts sends for other apps to react to (documented in docs/ARCHITECTURE.md).

``employer_membership_changed(sender, employer_id)``: someone joined or left an employer. Sent
after the transaction commits. Careers re-syncs recruiters' access to applications on it.
"""

from django.dispatch import Signal

employer_membership_changed = Signal()
