"""Member career API (the recruiter API lives in careers.api_recruiter)."""
