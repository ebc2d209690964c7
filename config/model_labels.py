"""Translatable labels for model fields and plural model names declared without one.

Django shows these in the admin (column headers, "6 verifications") and in forms. Rather than
a migration per app that only renames labels, ``apply()`` (called once from the admin app's
``ready``) wraps every untranslated field label and plural name in ``gettext_lazy``; the
strings below put them in the catalogue. ``tests/test_model_labels.py`` fails when a model
gains a label that is neither declared translatable nor listed here.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as _

APPS = ("accounts", "consent", "careers", "biometrics")

LABELS = frozenset(
    [
        _("band 0"),
        _("band 1"),
        _("band 2"),
        _("band 3"),
        _("band 4"),
        _("band 5"),
        _("band 6"),
        _("band 7"),
        _("value"),
        _("active on"),
        _("added by"),
        _("alert seen"),
        _("alerted at"),
        _("author"),
        _("date of birth"),
        _("deleted at"),
        _("document file"),
        _("document sha256"),
        _("document size"),
        _("full name"),
        _("id number"),
        _("id type"),
        _("message"),
        _("pool"),
        _("read at"),
        _("responded at"),
        _("sex"),
        _("stage"),
        _("ID"),
        _("accepted at"),
        _("accepted by"),
        _("accessor"),
        _("action"),
        _("actor"),
        _("actor label"),
        _("applicant"),
        _("application"),
        _("application access grants"),
        _("application stage changes"),
        _("applications"),
        _("at"),
        _("attempts"),
        _("by"),
        _("candidate search postings"),
        _("candidate search rows"),
        _("career profiles"),
        _("changed purposes"),
        _("code"),
        _("consecutive mismatches"),
        _("consent events"),
        _("consent states"),
        _("consent texts"),
        _("content object"),
        _("content type"),
        _("created at"),
        _("created by"),
        _("data destroyed at"),
        _("decided at"),
        _("decided by"),
        _("dedup threshold"),
        _("detector"),
        _("discoverable"),
        _("document check"),
        _("document read"),
        _("duplicate candidates"),
        _("educations"),
        _("employer"),
        _("employer domain key"),
        _("employer invitations"),
        _("employer memberships"),
        _("employer name key"),
        _("employers"),
        _("employments"),
        _("erased"),
        _("expires at"),
        _("face templates"),
        _("file name"),
        _("finished at"),
        _("from stage"),
        _("granted"),
        _("granted at"),
        _("granted by"),
        _("human review requested"),
        _("hybrid"),
        _("id"),
        _("id number hash"),
        _("identity assertions"),
        _("invited by"),
        _("ip address"),
        _("issued at"),
        _("job"),
        _("job open"),
        _("job preferences"),
        _("job published at"),
        _("job skills"),
        _("jobs"),
        _("key"),
        _("key hash"),
        _("keys"),
        _("kind"),
        _("language"),
        _("last event"),
        _("level"),
        _("lifted by"),
        _("liveness"),
        _("liveness challenges"),
        _("max expires at"),
        _("method"),
        _("model name"),
        _("name key"),
        _("nonce hash"),
        _("note"),
        _("onsite"),
        _("ordering"),
        _("password stamp"),
        _("permission"),
        _("points"),
        _("policy version"),
        _("policy versions"),
        _("poses"),
        _("premium memberships"),
        _("processing started at"),
        _("profile"),
        _("profile skills"),
        _("profile snapshot json"),
        _("public id"),
        _("purpose"),
        _("purposes"),
        _("rank"),
        _("reason code"),
        _("remote"),
        _("review actions"),
        _("review margin"),
        _("role"),
        _("selfie vector"),
        _("sha256"),
        _("size"),
        _("skill"),
        _("skills"),
        _("subject"),
        _("subject ref"),
        _("text"),
        _("to stage"),
        _("token hash"),
        _("updated at"),
        _("used at"),
        _("user"),
        _("user agent"),
        _("vector"),
        _("verification"),
        _("verification id"),
        _("verification images"),
        _("verification locks"),
        _("verifications"),
        _("verified"),
        _("verified on"),
        _("withdrawn at"),
        _("years"),
    ]
)


def apply() -> None:
    """Make the admin and forms show every field label and plural name in the active language."""
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            meta = model._meta
            if not isinstance(meta.original_attrs.get("verbose_name_plural"), Promise):
                plural = str(meta.verbose_name_plural)
                if plural in LABELS:
                    meta.verbose_name_plural = gettext_lazy(plural)
            for field in meta.get_fields(include_hidden=True):
                if not isinstance(field, models.Field):
                    continue  # reverse relations (ForeignObjectRel) are never concrete
                label = getattr(field, "verbose_name", None)
                if field.concrete and isinstance(label, str) and label in LABELS:
                    field.verbose_name = gettext_lazy(label)
