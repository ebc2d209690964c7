"""Active liveness: challenges, head pose signs, a genuine sequence, and each attack kind."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from biometrics import face_engine, liveness
from biometrics.liveness_simulation import (
    ATTACKS,
    Subject,
    bona_fide,
    camera_jitter,
    simulate_turn,
    subject_load,
    tilt_photo,
)
from biometrics.tests.faces import (
    astronaut,
    face_only,
    grace_hopper,
    id_card,
    shared_faces_dir,
    two_people,
)

SEQUENCE = ["left", "straight", "right"]


@pytest.fixture(scope="module")
def hopper() -> Subject:
    liveness.warm_up()
    subject = subject_load("grace_hopper", grace_hopper())
    assert isinstance(subject, Subject)
    return subject


@pytest.fixture(scope="module")
def collins() -> Subject:
    subject = subject_load("astronaut", astronaut())
    assert isinstance(subject, Subject)
    return subject


def rng(seed: int = 7) -> np.random.Generator:
    return np.random.default_rng(seed)


def yaw_of(img: np.ndarray) -> float:
    return liveness.analyse_frame(img).pose.yaw


# --- challenges -----------------------------------------------------------------------------


def test_a_challenge_never_repeats_a_pose_in_a_row_and_always_asks_for_a_turn():
    # given
    chooser = random.Random(1)
    # when
    challenges = [
        liveness.challenge_new(rng=chooser, length=length)
        for length in range(2, 7)
        for _ in range(200)
    ]
    # then
    for poses in challenges:
        assert set(poses) <= set(liveness.POSES)
        assert {"left", "right"} & set(poses)
        assert "straight" in poses
        assert all(a != b for a, b in zip(poses, poses[1:], strict=False))


def test_a_default_challenge_is_one_of_the_six_orders_of_the_three_poses_and_all_occur():
    # given
    chooser = random.Random(2)
    # when
    drawn = {tuple(liveness.challenge_new(rng=chooser)) for _ in range(300)}
    # then
    assert len(drawn) == 6
    assert all(sorted(poses) == ["left", "right", "straight"] for poses in drawn)


def test_challenges_drawn_without_a_seed_differ_and_carry_fresh_nonces():
    # when
    challenges = [liveness.challenge_issue() for _ in range(40)]
    # then
    assert len({c.poses for c in challenges}) > 1
    assert len({c.nonce for c in challenges}) == 40
    assert all(len(c.nonce) >= 20 for c in challenges)


def test_an_issued_challenge_expires_after_its_time_to_live():
    # given
    now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    challenge = liveness.challenge_issue(now=now, ttl=timedelta(minutes=3))
    # then
    assert not challenge.is_expired(now + timedelta(minutes=2, seconds=59))
    assert challenge.is_expired(now + timedelta(minutes=3))
    assert [str(text) for text in challenge.instructions()] == [
        str(liveness.POSE_INSTRUCTIONS[pose]) for pose in challenge.poses
    ]


def test_a_challenge_length_outside_two_to_six_is_refused():
    with pytest.raises(ValueError):
        liveness.challenge_new(length=1)
    with pytest.raises(ValueError):
        liveness.challenge_new(length=7)


# --- head pose ------------------------------------------------------------------------------


def test_a_frontal_photo_reads_as_straight(hopper, collins):
    # then
    assert liveness.pose_label(yaw_of(hopper.image)) == "straight"
    assert liveness.pose_label(yaw_of(collins.image)) == "straight"


@pytest.mark.parametrize("name", ["hopper", "collins"])
def test_a_turn_to_the_persons_left_reads_positive_and_to_their_right_negative(name, request):
    # given
    subject = request.getfixturevalue(name)
    frontal = yaw_of(subject.image)
    # when
    their_left = yaw_of(simulate_turn(subject.image, subject.points, 30))
    their_right = yaw_of(simulate_turn(subject.image, subject.points, -30))
    # then
    assert their_left > frontal > their_right
    assert liveness.pose_seen(their_left, frontal) == "left"
    assert liveness.pose_seen(their_right, frontal) == "right"


def test_a_mirrored_frame_reads_as_the_opposite_turn(collins):
    # given
    turned = simulate_turn(collins.image, collins.points, 30)
    # when
    mirrored = yaw_of(np.ascontiguousarray(turned[:, ::-1]))
    # then
    assert yaw_of(turned) > liveness.TURN_MIN_YAW
    assert mirrored < -liveness.TURN_MIN_YAW


def test_a_flat_photo_turned_in_front_of_the_camera_shows_no_depth_but_a_head_turn_does(
    hopper, collins
):
    for subject in (hopper, collins):
        # given
        frontal = liveness.analyse_frame(subject.image).landmarks
        # when
        flat = [
            liveness.parallax(
                frontal, liveness.analyse_frame(tilt_photo(subject.image, a)).landmarks
            )
            for a in (-35, 35)
        ]
        real = [
            liveness.parallax(
                frontal,
                liveness.analyse_frame(simulate_turn(subject.image, subject.points, a)).landmarks,
            )
            for a in (-30, 30)
        ]
        # then
        assert all(abs(moved) < liveness.PARALLAX_MIN for moved in flat), subject.name
        assert real[0] < -liveness.PARALLAX_MIN and real[1] > liveness.PARALLAX_MIN, subject.name


# --- the check ------------------------------------------------------------------------------


def test_a_genuine_sequence_passes_and_keeps_the_yaws_for_the_record(hopper):
    # given
    frames = bona_fide(hopper, SEQUENCE, rng())
    # when
    result = liveness.liveness_check(frames, SEQUENCE)
    # then
    assert result.passed, result.code
    assert result.code == "" and result.reason_code == ""
    assert [liveness.pose_label(y) for y in result.yaws] == SEQUENCE
    assert result.identity_distance < liveness.IDENTITY_MAX_DISTANCE
    assert result.template is not None and result.template.shape == (128,)
    record = json.loads(json.dumps(result.as_record()))
    assert record["labels"] == SEQUENCE and "template" not in record


def test_the_same_photo_for_every_pose_fails_at_the_first_turn(hopper):
    # given
    frames = ATTACKS["static_photo"](hopper, [], SEQUENCE, rng())
    # when
    result = liveness.liveness_check(frames, SEQUENCE)
    # then
    assert result.code == "liveness_pose_mismatch"
    assert result.reason_code == "liveness_failed"
    assert result.step == 1
    assert "step 1" in str(result.message)


def test_a_flat_photo_turned_for_the_turns_fails_on_pose_or_depth(hopper, collins):
    for subject in (hopper, collins):
        # given
        frames = ATTACKS["tilted_photo"](subject, [], SEQUENCE, rng())
        # when
        result = liveness.liveness_check(frames, SEQUENCE)
        # then
        assert result.code in ("liveness_pose_mismatch", "liveness_flat_face"), subject.name


def test_poses_in_the_wrong_order_fail_on_pose(collins):
    # given
    frames = bona_fide(collins, ["right", "straight", "left"], rng())
    # when
    result = liveness.liveness_check(frames, SEQUENCE)
    # then
    assert result.code == "liveness_pose_mismatch"
    assert result.step == 1


def test_a_frame_of_another_person_fails_as_a_change_of_identity(hopper, collins):
    # given
    frames = bona_fide(hopper, SEQUENCE, rng())
    frames[1] = camera_jitter(collins.image, rng(3))
    # when
    result = liveness.liveness_check(frames, SEQUENCE)
    # then
    assert result.code == "liveness_identity_changed"
    assert result.identity_distance > liveness.IDENTITY_MAX_DISTANCE


def test_a_mirrored_copy_of_the_left_turn_sent_as_the_right_turn_is_caught(hopper, collins):
    for subject in (hopper, collins):
        # given
        frames = ATTACKS["mirror_replay"](subject, [], SEQUENCE, rng())
        # when
        result = liveness.liveness_check(frames, SEQUENCE)
        # then
        assert result.code == "liveness_replayed_frame", subject.name
        assert result.step == 3


def test_a_resized_copy_of_an_earlier_frame_for_a_repeated_pose_is_caught(collins):
    # given
    poses = ["straight", "left", "straight", "right"]
    frames = ATTACKS["replayed_frame"](collins, [], poses, rng())
    # when
    result = liveness.liveness_check(frames, poses)
    # then
    assert result.code == "liveness_replayed_frame"
    assert result.step == 3


def test_two_people_in_a_frame_fail_with_their_own_code(hopper):
    # given
    frames = bona_fide(hopper, SEQUENCE, rng())
    frames[2] = two_people(face_only(grace_hopper()), face_only(astronaut()))
    # when
    result = liveness.liveness_check(frames, SEQUENCE)
    # then
    assert result.code == "liveness_multiple_faces"
    assert result.step == 3


def test_a_frame_without_a_face_fails_with_its_own_code_and_a_hint_for_turns(hopper):
    # given
    frames = bona_fide(hopper, SEQUENCE, rng())
    frames[0] = np.full((480, 640, 3), 128, dtype=np.uint8)
    # when
    result = liveness.liveness_check(frames, SEQUENCE)
    # then
    assert result.code == "liveness_no_face"
    assert result.step == 1
    assert "Turn a little less" in str(result.message)  # step 1 was a turn
    assert result.as_record()["code"] == "liveness_no_face"


def test_a_missing_frame_fails_as_incomplete_and_a_malformed_challenge_is_a_programming_error(
    hopper,
):
    # when
    result = liveness.liveness_check([hopper.image], SEQUENCE)
    # then
    assert result.code == "liveness_incomplete"
    with pytest.raises(ValueError):
        liveness.liveness_check([hopper.image], ["up"])
    with pytest.raises(ValueError):
        liveness.liveness_check([hopper.image, hopper.image], ["left", "right"])


def test_a_sequence_of_someone_else_than_the_id_document_fails_and_the_owner_passes(hopper):
    # given
    frames = bona_fide(hopper, SEQUENCE, rng())
    hoppers_card = face_engine.document_face(id_card(face_only(grace_hopper()))).vector
    collins_card = face_engine.document_face(id_card(face_only(astronaut()))).vector
    # when
    stranger = liveness.liveness_check(frames, SEQUENCE, reference=collins_card)
    owner = liveness.liveness_check(frames, SEQUENCE, reference=hoppers_card)
    # then
    assert stranger.code == "liveness_document_mismatch"
    assert stranger.document_distance > face_engine.match_threshold()
    assert owner.passed, owner.code


# --- held-out photos ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def obama_and_biden() -> tuple[Subject, Subject]:
    folder = shared_faces_dir()
    if folder is None:
        pytest.skip("labelled photos not available (../shared/faces or $FACES_DIR)")
    from biometrics.image_intake import image_intake

    loaded = []
    for name in ("obama_1.jpg", "biden_2.jpg"):
        raw = (folder / name).read_bytes()
        img = image_intake(raw, max_bytes=10 << 20, max_pixels=40_000_000).to_array()
        subject = subject_load(name, img)
        assert isinstance(subject, Subject), (name, subject)
        loaded.append(subject)
    return loaded[0], loaded[1]


def test_on_held_out_photos_a_genuine_sequence_passes_and_a_swapped_one_fails(obama_and_biden):
    # given
    obama, biden = obama_and_biden
    genuine = bona_fide(obama, SEQUENCE, rng())
    swapped = list(genuine)
    swapped[2] = bona_fide(biden, ["right"], rng(5))[0]
    # when
    accepted = liveness.liveness_check(genuine, SEQUENCE)
    rejected = liveness.liveness_check(swapped, SEQUENCE)
    # then
    assert accepted.passed, accepted.code
    assert rejected.code == "liveness_identity_changed"
