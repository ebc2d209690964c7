"""Member HTML pages (the recruiter portal lives in careers.views_recruiter)."""
