"""Careers API serializers: the member API (member.py) and the recruiter API (recruiter.py)."""
