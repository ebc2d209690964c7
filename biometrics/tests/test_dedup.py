import numpy as np
import pytest

from biometrics.dedup import TemplateGallery


def brute_force(keys, vectors, query, threshold, limit=10):
    distances = np.linalg.norm(vectors.astype(np.float64) - query.astype(np.float64), axis=1)
    hits = sorted((float(d), k) for k, d in zip(keys, distances, strict=True) if d <= threshold)
    return [(k, d) for d, k in hits[:limit]]


@pytest.fixture
def rng():
    return np.random.default_rng(7)


def random_vectors(rng, count):
    vectors = rng.standard_normal((count, 128)).astype(np.float32)
    return vectors * (1.4 / np.linalg.norm(vectors, axis=1, keepdims=True))


def test_search_returns_exactly_what_brute_force_returns(rng):
    # given: 5000 templates, and queries that are near-copies of some of them
    keys = [f"k{i}" for i in range(5000)]
    vectors = random_vectors(rng, 5000)
    gallery = TemplateGallery()
    gallery.add(keys, vectors)
    for i in range(20):
        query = vectors[i * 97] + rng.normal(0, 0.03, 128).astype(np.float32)
        # when
        got = gallery.search(query, threshold=1.2, limit=10)
        # then
        want = brute_force(keys, vectors, query, 1.2)
        assert [k for k, _ in got] == [k for k, _ in want]
        assert [d for _, d in got] == pytest.approx([d for _, d in want], abs=1e-12)


def test_a_template_exactly_at_the_threshold_is_a_hit_and_just_beyond_is_not(rng):
    # given
    query = random_vectors(rng, 1)[0]
    direction = rng.standard_normal(128)
    direction /= np.linalg.norm(direction)
    inside = (query + 0.4999999 * direction).astype(np.float32)
    outside = (query + 0.5001 * direction).astype(np.float32)
    gallery = TemplateGallery()
    gallery.add(["far"], random_vectors(rng, 1))
    gallery.add(["inside", "outside"], np.stack([inside, outside]))
    # when
    hits = gallery.search(query, threshold=0.5)
    # then
    assert [key for key, _ in hits] == ["inside"]


def test_hits_are_nearest_first_and_capped_at_the_limit(rng):
    # given
    query = random_vectors(rng, 1)[0]
    gallery = TemplateGallery()
    for i, distance in enumerate([0.3, 0.1, 0.2, 0.4]):
        direction = rng.standard_normal(128)
        gallery.add([f"d{distance}"], query + distance * direction / np.linalg.norm(direction))
        assert len(gallery) == i + 1
    # when
    hits = gallery.search(query, threshold=0.5, limit=3)
    # then
    assert [key for key, _ in hits] == ["d0.1", "d0.2", "d0.3"]


def test_excluded_keys_such_as_the_members_own_template_are_skipped(rng):
    # given
    vectors = random_vectors(rng, 3)
    gallery = TemplateGallery()
    gallery.add(["mine", "other", "third"], vectors)
    gallery.add(["twin"], vectors[0] + 0.01)
    # when
    hits = gallery.search(vectors[0], threshold=0.5, exclude={"mine"})
    # then
    assert [key for key, _ in hits] == ["twin"]


def test_removing_a_template_moves_the_last_one_without_losing_it(rng):
    # given
    keys = [f"k{i}" for i in range(10)]
    vectors = random_vectors(rng, 10)
    gallery = TemplateGallery()
    gallery.add(keys, vectors)
    # when
    gallery.remove(["k2", "k9", "not-there"])
    # then
    assert len(gallery) == 8 and "k2" not in gallery
    assert gallery.search(vectors[2], threshold=0.01) == []
    for i in (0, 1, 3, 4, 5, 6, 7, 8):
        assert gallery.search(vectors[i], threshold=0.01)[0][0] == f"k{i}"


def test_adding_an_existing_key_replaces_its_template(rng):
    # given
    old, new = random_vectors(rng, 2)
    gallery = TemplateGallery()
    gallery.add(["a"], old[np.newaxis])
    # when
    gallery.add(["a"], new[np.newaxis])
    # then
    assert len(gallery) == 1
    assert gallery.search(old, threshold=0.01) == []
    assert gallery.search(new, threshold=0.01)[0][0] == "a"


def test_the_gallery_grows_past_its_initial_capacity(rng):
    # given
    gallery = TemplateGallery(capacity=1024)
    vectors = random_vectors(rng, 3000)
    # when
    for start in range(0, 3000, 700):
        gallery.add(
            [f"k{i}" for i in range(start, min(start + 700, 3000))], vectors[start : start + 700]
        )
    # then
    assert len(gallery) == 3000
    assert gallery.search(vectors[2999], threshold=0.01)[0][0] == "k2999"


def test_a_loose_threshold_still_returns_only_the_nearest_few(rng):
    # given: every template is within the threshold
    keys = [f"k{i}" for i in range(2000)]
    vectors = random_vectors(rng, 2000)
    gallery = TemplateGallery()
    gallery.add(keys, vectors)
    query = random_vectors(rng, 1)[0]
    # when
    hits = gallery.search(query, threshold=10.0, limit=5)
    # then
    want = brute_force(keys, vectors, query, 10.0, limit=5)
    assert [key for key, _ in hits] == [key for key, _ in want]


def test_wrong_shapes_are_refused():
    gallery = TemplateGallery()
    with pytest.raises(ValueError):
        gallery.add(["a", "b"], np.zeros((1, 128), np.float32))
    with pytest.raises(ValueError):
        gallery.search(np.zeros(64, np.float32), threshold=0.5)
    assert gallery.search(np.zeros(128, np.float32), threshold=0.5) == []
