"""Careers API: the member's (member.py) and the recruiter's (recruiter.py, outreach.py)."""
