"""Careers HTML pages: the member's (member.py, profile.py) and the recruiter portal
(recruiter.py, outreach.py)."""
