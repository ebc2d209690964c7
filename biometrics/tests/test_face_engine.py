import threading
from pathlib import Path

import numpy as np
import pytest
from django.test import override_settings
from PIL import Image

from biometrics import face_engine
from biometrics.face_engine import FaceError
from biometrics.image_intake import image_intake
from biometrics.tests.faces import (
    astronaut,
    face_only,
    grace_hopper,
    id_card,
    retaken,
    selfie_holding_card,
    shared_faces_dir,
    two_people,
)


@pytest.fixture(scope="module")
def engine():
    face_engine.warm_up()


@pytest.fixture(scope="module")
def hopper_card(engine):
    return face_engine.document_face(id_card(face_only(grace_hopper())))


@pytest.fixture(scope="module")
def shared_faces() -> Path:
    folder = shared_faces_dir()
    if folder is None:
        pytest.skip("labelled photos not available (../shared/faces or $FACES_DIR)")
    return folder


def load(path: Path) -> np.ndarray:
    return image_intake(path.read_bytes(), max_bytes=10 << 20, max_pixels=40_000_000).to_array()


def error_code(extract, img) -> str:
    with pytest.raises(FaceError) as caught:
        extract(img)
    return caught.value.code


def test_an_id_card_photo_matches_a_retaken_selfie_of_the_same_person(hopper_card):
    # given
    selfie = retaken(grace_hopper())
    # when
    template = face_engine.selfie_face(selfie)
    distance = face_engine.face_distance(hopper_card.vector, template.vector)
    # then
    assert distance < face_engine.match_threshold() - face_engine.review_margin()
    assert face_engine.match_verdict(distance) == "match"


def test_a_different_person_does_not_match_the_id_card(hopper_card):
    # when
    template = face_engine.selfie_face(astronaut())
    distance = face_engine.face_distance(hopper_card.vector, template.vector)
    # then
    assert distance > face_engine.match_threshold() + face_engine.review_margin()
    assert face_engine.match_verdict(distance) == "no_match"


def test_templates_are_128_float32_with_a_review_crop_of_the_face(hopper_card):
    assert hopper_card.vector.dtype == np.float32 and hopper_card.vector.shape == (128,)
    assert hopper_card.crop.dtype == np.uint8 and hopper_card.crop.shape[2] == 3
    assert max(hopper_card.crop.shape[:2]) <= face_engine.REVIEW_CROP_SIDE
    # the photo sits at x 670-970 on the card
    assert 670 <= hopper_card.box.left < hopper_card.box.right <= 970


def test_a_face_embedded_from_its_box_later_is_the_selfie_template(engine):
    # given: the box found first (a burst finds faces, and embeds only the few it compares)
    selfie = retaken(grace_hopper())
    box = face_engine.selfie_box(selfie)
    # when
    later = face_engine.face_template(selfie, box)
    # then: the same template as finding and embedding in one go
    assert np.array_equal(later.vector, face_engine.selfie_face(selfie).vector)
    assert error_code(face_engine.selfie_box, two_people(grace_hopper(), astronaut())) == (
        "multiple_faces"
    )


def test_a_box_shifted_off_the_face_embeds_someone_less_alike(engine, hopper_card):
    # given: a box that missed the face (a track that drifted) is no way to borrow a match
    selfie = retaken(grace_hopper())
    box = face_engine.selfie_box(selfie)
    width = box.right - box.left
    shifted = face_engine.FaceBox(
        left=box.left + width, top=box.top, right=box.right + width, bottom=box.bottom
    )
    # when
    good = face_engine.face_distance(
        hopper_card.vector, face_engine.face_template(selfie, box).vector
    )
    off = face_engine.face_distance(
        hopper_card.vector, face_engine.face_template(selfie, shifted).vector
    )
    # then
    assert good < face_engine.match_threshold() - face_engine.review_margin() < off


def test_a_selfie_holding_the_id_card_is_refused_as_two_faces(engine):
    # given
    card = id_card(face_only(grace_hopper()))
    selfie = selfie_holding_card(astronaut(), card)
    # when / then
    assert error_code(face_engine.selfie_face, selfie) == "multiple_faces"


def test_the_document_side_takes_the_largest_face(engine):
    # given: the astronaut's face is far larger than Hopper's card photo
    picture = selfie_holding_card(astronaut(), id_card(face_only(grace_hopper())))
    own = face_engine.selfie_face(astronaut())
    # when
    largest = face_engine.document_face(picture)
    # then
    assert face_engine.face_distance(largest.vector, own.vector) < 0.3


def test_two_people_side_by_side_are_two_faces(engine):
    assert len(face_engine.detect_faces(two_people(grace_hopper(), astronaut()))) == 2


def test_a_photo_without_a_face_has_no_face(engine):
    assert error_code(face_engine.selfie_face, np.full((480, 640, 3), 128, np.uint8)) == "no_face"
    assert error_code(face_engine.document_face, np.full((480, 640, 3), 128, np.uint8)) == "no_face"


def test_a_face_cut_off_by_the_frame_is_not_used(engine):
    # given: the left quarter of Hopper's face is outside the picture
    box = face_engine.detect_faces(grace_hopper())[0]
    cut = np.ascontiguousarray(grace_hopper()[:, box.left + box.width // 4 :])
    assert face_engine.detect_faces(cut), "HOG still sees the three-quarter face"
    # when
    with pytest.raises(FaceError) as caught:
        face_engine.selfie_face(cut)
    # then
    assert caught.value.code == "no_face" and caught.value.reason == "face_cut_off"
    assert "cut off" in str(caught.value.message)


def test_a_tiny_face_is_too_small(engine):
    # given: Hopper shrunk so her face is about 40 px wide, in a 400 px frame
    small = np.asarray(Image.fromarray(grace_hopper()).resize((102, 120), Image.LANCZOS))
    canvas = np.full((400, 400, 3), 200, np.uint8)
    canvas[140:260, 150:252] = small
    faces = face_engine.detect_faces(canvas)
    assert faces and faces[0].width < face_engine.MIN_FACE_SIDE
    # when / then
    assert error_code(face_engine.selfie_face, canvas) == "face_too_small"


def test_faces_in_a_large_photo_are_reported_in_its_own_pixels(engine):
    # given: Hopper scaled up 5x (2560x3000), detection runs on a 400 px copy
    big = np.asarray(Image.fromarray(grace_hopper()).resize((2560, 3000), Image.BICUBIC))
    small_box = face_engine.detect_faces(grace_hopper())[0]
    # when
    box = face_engine.detect_faces(big)[0]
    # then
    assert box.left == pytest.approx(small_box.left * 5, abs=60)
    assert box.right == pytest.approx(small_box.right * 5, abs=60)
    assert box.width > 500


def test_a_12_megapixel_selfie_still_matches_the_small_one(engine):
    # given
    big = np.asarray(Image.fromarray(grace_hopper()).resize((3000, 3516), Image.BICUBIC))
    # when
    distance = face_engine.face_distance(
        face_engine.selfie_face(big).vector, face_engine.selfie_face(grace_hopper()).vector
    )
    # then
    assert distance < 0.2


def test_concurrent_threads_get_the_same_template(engine):
    # given
    photo = grace_hopper()
    results: list[np.ndarray] = []
    # when
    threads = [
        threading.Thread(target=lambda: results.append(face_engine.selfie_face(photo).vector))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert len(results) == 4
    assert all(np.array_equal(results[0], other) for other in results[1:])


def test_bgr_or_grey_arrays_are_refused_rather_than_guessed():
    with pytest.raises(ValueError):
        face_engine.selfie_face(np.zeros((300, 300), np.uint8))
    with pytest.raises(ValueError):
        face_engine.selfie_face(np.zeros((300, 300, 3), np.float32))


def test_thresholds_come_from_settings_when_present():
    with override_settings(
        BIOMETRICS={"MATCH_THRESHOLD": 0.55, "REVIEW_MARGIN": 0.02, "DEDUP_THRESHOLD": 0.4}
    ):
        assert face_engine.match_threshold() == 0.55
        assert face_engine.review_margin() == 0.02
        assert face_engine.dedup_threshold() == 0.4
        assert face_engine.match_verdict(0.56) == "review"


def test_the_default_1_to_n_threshold_is_stricter_than_1_to_1():
    assert face_engine.DEFAULT_DEDUP_THRESHOLD < (
        face_engine.DEFAULT_MATCH_THRESHOLD - face_engine.DEFAULT_REVIEW_MARGIN
    )


def test_ensure_weights_copies_dlibs_files_from_the_installed_package(tmp_path):
    # when
    weights = face_engine.ensure_weights(tmp_path)
    face_engine.ensure_weights(tmp_path)  # a second worker starting up
    # then
    assert weights == tmp_path / ".deepface" / "weights"
    for name in face_engine.WEIGHT_FILES:
        assert (weights / name).stat().st_size > 1_000_000
    assert sorted(p.name for p in weights.iterdir()) == sorted(face_engine.WEIGHT_FILES)


def test_deepface_builds_its_dlib_models_without_any_download(tmp_path, monkeypatch):
    # given: weights in a fresh home, and every download path booby-trapped
    from deepface.commons import weight_utils
    from deepface.models.face_detection.Dlib import DlibClient as DlibDetector
    from deepface.models.facial_recognition.dlib.Dlib import DlibClient

    def no_network(*args, **kwargs):
        raise AssertionError("deepface tried to download a file")

    face_engine.ensure_weights(tmp_path)
    monkeypatch.setenv("DEEPFACE_HOME", str(tmp_path))
    monkeypatch.setattr(weight_utils.gdown, "download", no_network)
    monkeypatch.setattr(weight_utils, "ensure_source_is_reachable", no_network)
    # when
    model = DlibClient()
    detector = DlibDetector()
    # then
    assert model.output_shape == 128 and "sp" in detector.model


def test_labelled_photos_reach_the_calibration_accuracy(shared_faces, engine):
    # given
    from biometrics.management.commands.biometrics_evaluate import load_pairs, score_pairs

    pairs = load_pairs(shared_faces / "pairs.csv")
    names = {p.file_x for p in pairs} | {p.file_y for p in pairs}
    templates = {n: face_engine.document_face(load(shared_faces / n)).vector for n in names}
    # when
    scores = score_pairs(pairs, templates, face_engine.match_threshold())
    # then
    assert scores["accuracy"] >= 0.995
    assert scores["fmr"] <= 0.001


@pytest.mark.parametrize("name", ["two_people.jpg", "obama_and_biden.jpg", "kit_with_rose.jpg"])
def test_shared_group_photos_are_refused_as_selfies(shared_faces, engine, name):
    assert error_code(face_engine.selfie_face, load(shared_faces / "edge_cases" / name)) == (
        "multiple_faces"
    )


@pytest.mark.parametrize("name", ["obama_partial_face.jpg", "obama_partial_face2.jpg"])
def test_shared_partial_faces_are_refused(shared_faces, engine, name):
    with pytest.raises(FaceError) as caught:
        face_engine.selfie_face(load(shared_faces / "edge_cases" / name))
    assert caught.value.code == "no_face"
    assert "cut off" in str(caught.value.message)


def test_the_shared_32_bit_png_matches_the_same_photo_as_jpeg(shared_faces, engine):
    # given
    rgba = face_engine.selfie_face(load(shared_faces / "edge_cases" / "32bit.png"))
    other = face_engine.selfie_face(load(shared_faces / "obama_1.jpg"))
    # then
    assert face_engine.face_distance(rgba.vector, other.vector) < face_engine.match_threshold()
