"""Saved searches: an employer's named candidate searches, shared by its recruiters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from careers.models import SavedSearch
from careers.search_query import CandidateQuery
from careers.selectors.recruiters import saved_search_get, saved_searches_for
from config.errors import ApplicationError

if TYPE_CHECKING:
    from accounts.models import Employer, User

if TYPE_CHECKING:
    pass


@transaction.atomic
def saved_search_create(
    *, employer: Employer, actor: User, name: str, query: CandidateQuery
) -> Any:
    """Save ``query`` (without its page) under ``name`` for the employer's recruiters."""
    name = " ".join(str(name).split())[:120]
    if not name:
        raise ApplicationError(
            _("Give the search a name."), fields={"name": [_("This field is required.")]}
        )
    if saved_searches_for(employer=employer).filter(name__iexact=name).exists():
        raise ApplicationError(
            _("A saved search with this name already exists."),
            code="duplicate",
            fields={"name": [_("A saved search with this name already exists.")]},
        )
    return SavedSearch.objects.create(
        employer=employer, created_by=actor, name=name, params=query.as_params()
    )


@transaction.atomic
def saved_search_delete(*, employer: Employer, saved_search_id: Any) -> None:
    """Delete one of the employer's saved searches (404 if it is not theirs)."""
    saved_search_get(employer=employer, saved_search_id=saved_search_id).delete()
