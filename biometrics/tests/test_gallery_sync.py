"""The process-wide gallery: loaded once, kept in step by pulls, never reloaded under the lock."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connection

from accounts.tests.factories import UserFactory
from biometrics import gallery as gallery_module
from biometrics.gallery import (
    dedup_serialised,
    gallery,
    gallery_search,
    gallery_warm_up,
    tombstones_purge,
)
from biometrics.models import FaceTemplate, FaceTemplateTombstone

pytestmark = pytest.mark.django_db


def _vector(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    vector = rng.normal(size=128)
    return (vector / np.linalg.norm(vector) * 0.6).astype(np.float64)


def _template(seed: int, user=None) -> FaceTemplate:
    return FaceTemplate.objects.create(
        user=user or UserFactory(), vector=_vector(seed), model_name="Dlib"
    )


def _as_if_another_process(monkeypatch) -> None:
    """Deletions made "elsewhere": this process's own on-commit removal does not run."""
    monkeypatch.setattr(gallery_module, "gallery_remove", lambda *, keys: None)


def test_a_template_deleted_by_another_process_leaves_this_gallery_without_a_reload(
    monkeypatch, django_capture_on_commit_callbacks
):
    # given: this worker loaded a gallery holding a template
    template = _template(1)
    gallery_warm_up()
    key = str(template.pk)
    assert key in gallery()
    loads = []
    real_load = gallery_module._full_load
    monkeypatch.setattr(gallery_module, "_full_load", lambda: loads.append(1) or real_load())
    # when: another process deletes it (withdrawal, erasure or retention)
    _as_if_another_process(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        FaceTemplate.objects.filter(pk=template.pk).delete()
    # then: the next search's pull drops it, and nothing was reloaded
    assert key not in gallery(fresh=True)
    assert loads == []


def test_deleting_a_member_leaves_a_tombstone_for_each_template_and_no_face_data():
    # given
    user = UserFactory()
    keys = {_template(2, user).pk, _template(3, user).pk}
    # when: the account goes (the templates go by cascade)
    user.delete()
    # then
    assert set(FaceTemplateTombstone.objects.values_list("key", flat=True)) == keys
    assert [f.name for f in FaceTemplateTombstone._meta.concrete_fields] == ["key", "deleted_at"]


def test_a_template_enrolled_by_another_process_is_searched_without_a_reload(monkeypatch):
    # given
    gallery_warm_up()
    monkeypatch.setattr(
        gallery_module, "_full_load", lambda: pytest.fail("the gallery was reloaded")
    )
    # when: another worker enrols a face after this one loaded
    template = _template(4)
    # then: it is found
    hits = gallery_search(vector=_vector(4), threshold=0.1, exclude_user_id=None)
    assert [hit.pk for hit, _distance in hits] == [template.pk]


def test_the_search_lock_is_never_held_while_the_gallery_loads(monkeypatch):
    # given: a worker whose gallery is not loaded yet
    _template(5)
    held_during_load = []
    real_load = gallery_module._full_load

    def watched_load():
        held_during_load.append(gallery_module._DEDUP_THREAD_LOCK.locked())
        return real_load()

    monkeypatch.setattr(gallery_module, "_full_load", watched_load)
    # when: a verification enters the serialised search
    with dedup_serialised():
        size = len(gallery(fresh=True))
    # then: the load happened first, outside the lock
    assert held_during_load == [False]
    assert size == 1


def test_old_tombstones_are_purged_recent_ones_kept(settings):
    # given
    from datetime import timedelta

    from django.utils import timezone

    _template(6).delete()
    old = FaceTemplateTombstone.objects.get()
    FaceTemplateTombstone.objects.filter(pk=old.pk).update(
        deleted_at=timezone.now() - timedelta(days=settings.BIOMETRICS_GALLERY_TOMBSTONE_DAYS + 1)
    )
    _template(7).delete()
    # when
    purged = tombstones_purge()
    # then
    assert purged == 1
    assert FaceTemplateTombstone.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL advisory locks")
@pytest.mark.django_db(transaction=True)
def test_the_search_lock_is_transaction_level_so_it_survives_pgbouncer_transaction_pooling():
    # given / when: inside the serialised block
    with dedup_serialised(), connection.cursor() as cursor:
        # then: it runs in a transaction, and a session-level unlock finds no session lock
        # (pg_advisory_unlock is false: the lock belongs to the transaction, not the session)
        assert connection.in_atomic_block
        cursor.execute(
            "SELECT pg_advisory_unlock(%s)", [gallery_module._DEDUP_LOCK_KEY]
        )  # PostgreSQL also logs a warning here
        assert cursor.fetchone() == (False,)
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        )
        assert cursor.fetchone() == (1,)
    # and it is gone with the transaction, without an unlock call
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        )
        assert cursor.fetchone() == (0,)


@pytest.mark.django_db(transaction=True)
def test_a_worker_starting_up_loads_every_committed_template_through_its_fetch_thread():
    # given: committed templates (a worker starts in autocommit, so a thread fetches them)
    templates = [_template(10 + i) for i in range(3)]
    # when
    gallery_warm_up()
    # then
    loaded = gallery()
    assert len(loaded) == 3
    assert all(str(t.pk) in loaded for t in templates)
    hits = gallery_search(vector=_vector(11), threshold=0.1, exclude_user_id=None)
    assert [hit.pk for hit, _distance in hits] == [templates[1].pk]


@pytest.mark.parametrize(
    ("queues", "loads"),
    [
        (None, True),  # no -Q: every queue, face matching included
        (["biometrics"], True),
        (["celery", "biometrics"], True),
        (["celery"], False),  # the worker for everything else never holds the gallery
    ],
)
def test_only_workers_that_may_match_faces_load_the_models_and_the_gallery(
    monkeypatch, queues, loads
):
    from biometrics import tasks
    from config.celery import app

    selected = None if queues is None else {name: object() for name in queues}
    monkeypatch.setattr(app.amqp.queues, "_consume_from", selected)
    assert tasks._consumes_face_matching() is loads
