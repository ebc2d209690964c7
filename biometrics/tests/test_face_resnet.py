"""The face ResNet on numpy's BLAS gives the descriptor dlib's own code gives.

Its speed is measured by `manage.py biometrics_bench_speed` and `biometrics_bench_verification`
(README, performance), not here."""

import dlib
import numpy as np
import pytest
from django.test import override_settings

from biometrics import face_engine, face_resnet
from biometrics.tests.faces import astronaut, face_only, grace_hopper, id_card, retaken


@pytest.fixture(scope="module")
def weights():
    return face_engine.packaged_models_dir() / face_engine.RECOGNITION_WEIGHTS


@pytest.fixture(scope="module")
def network(weights):
    return face_resnet.load(weights)


@pytest.fixture(scope="module")
def dlib_model(weights):
    return dlib.face_recognition_model_v1(str(weights))


def _chip(img: np.ndarray) -> np.ndarray:
    """dlib's aligned 150x150 chip of the photo's largest face, as the engine cuts it."""
    face_engine.warm_up()
    engine = face_engine._engine()
    box = face_engine.document_face(img).box
    rect = dlib.rectangle(box.left, box.top, box.right, box.bottom)
    shape = engine.landmarks(np.ascontiguousarray(img), rect)
    return dlib.get_face_chip(img, shape, size=150, padding=0.25)


def test_the_blas_network_gives_dlibs_descriptor(network, dlib_model):
    # given: aligned faces of two people, and pixels that are no face at all
    noise = np.random.default_rng(7).integers(0, 256, (150, 150, 3), dtype=np.uint8)
    chips = [_chip(grace_hopper()), _chip(astronaut()), _chip(retaken(grace_hopper())), noise]
    for chip in chips:
        # when
        ours = face_resnet.forward(network, chip)
        theirs = np.array(dlib_model.compute_face_descriptor(chip), np.float32)
        # then: the same 128 numbers, to float32 rounding
        assert ours.shape == (128,) and ours.dtype == np.float32
        assert np.abs(ours - theirs).max() < 1e-5


def test_the_engine_embeds_as_deepfaces_dlib_model_does():
    photo = id_card(face_only(grace_hopper()))
    face_engine.warm_up()
    blas = face_engine.document_face(photo).vector
    with override_settings(BIOMETRICS_EMBEDDER="deepface"):
        deepface = face_engine.document_face(photo).vector
    assert np.abs(blas - deepface).max() < 1e-5


def test_a_weights_file_that_is_not_the_face_resnet_is_refused(tmp_path):
    landmarks = face_engine.packaged_models_dir() / face_engine.LANDMARK_WEIGHTS
    with pytest.raises(face_resnet.ModelFormatError):
        face_resnet.load(landmarks)
    empty = tmp_path / "empty.dat"
    empty.write_bytes(b"")
    with pytest.raises(face_resnet.ModelFormatError):
        face_resnet.load(empty)


def test_only_an_aligned_150_pixel_rgb_chip_is_embedded(network):
    with pytest.raises(ValueError):
        face_resnet.forward(network, np.zeros((160, 150, 3), np.uint8))
    with pytest.raises(ValueError):
        face_resnet.forward(network, np.zeros((150, 150, 3), np.float32))
