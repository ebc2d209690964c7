"""Careers forms: the member's pages (member.py) and the recruiter portal (recruiter.py)."""
