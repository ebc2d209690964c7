"""Demo photos drawn from a portrait shipped with matplotlib: an ID card and a selfie.

The card is a synthetic KTP from the document generator, printing the demo member's details;
the two images show the same person (Grace Hopper, matplotlib's sample portrait), so
submitting them with those details verifies. Nothing here is a real ID.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from PIL import Image, ImageEnhance


def _portrait() -> Image.Image:
    from matplotlib import cbook

    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    with Image.open(os.fspath(path)) as img:
        return img.convert("RGB")


def id_card_jpeg(*, name: str, nik: str, birth: str, sex_label: str, seed: int = 3) -> bytes:
    """A photographed synthetic KTP printing these details, with the portrait, as JPEG bytes.

    ``birth`` is DD-MM-YYYY as printed on a KTP; ``sex_label`` LAKI-LAKI or PEREMPUAN. The
    card is drawn by the document generator (biometrics/documents/generator/) and put on a
    plain table, so the document check finds, flattens and reads it like a member's photo.
    """
    from datetime import datetime

    import numpy as np

    from biometrics.documents.generator import sample_document

    born = datetime.strptime(birth, "%d-%m-%Y").date()  # noqa: DTZ007 (a calendar date)
    return sample_document(
        kind="ktp",
        id_number=nik,
        name=name,
        birth_date=born,
        sex="F" if sex_label.upper().startswith("P") else "M",
        portrait=np.asarray(_portrait().crop((60, 40, 460, 460))),
        seed=seed,
    )


def selfie_jpeg() -> bytes:
    """A second 'photo' of the same person: larger, slightly turned and brighter."""
    img = _portrait()
    img = img.resize((round(img.width * 1.3), round(img.height * 1.3)), Image.Resampling.BICUBIC)
    img = img.rotate(6, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=(235, 235, 235))
    img = ImageEnhance.Brightness(img).enhance(1.12)
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=90)
    return out.getvalue()


def write_demo_images(
    folder: Path, *, name: str, nik: str, birth: str, sex_label: str
) -> list[Path]:
    """Write id-card.jpg and selfie.jpg into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    card, selfie = folder / "id-card.jpg", folder / "selfie.jpg"
    card.write_bytes(id_card_jpeg(name=name, nik=nik, birth=birth, sex_label=sex_label))
    selfie.write_bytes(selfie_jpeg())
    return [card, selfie]


# A fixed draw of the simulation that passes the liveness check in every order of the poses.
DEMO_POSE_SEED = 7


def demo_pose_frames() -> dict[str, bytes]:
    """One JPEG per pose (straight, left, right): simulated head turns of the portrait.

    Drawn once in a fixed order with a fixed seed, then picked by pose, so any challenge order
    gets the same three frames (checked in all 6 orders by biometrics/tests/test_demo.py).
    Drawing afresh in each challenge's order would change the turns, and Grace Hopper's glasses
    make some simulated turns too small (docs/liveness.md, BPCER). Needs the dlib landmark
    model, loaded here.
    """
    import numpy as np

    from biometrics.liveness_simulation import Subject, bona_fide, subject_load

    subject = subject_load("grace_hopper", np.asarray(_portrait()))
    if not isinstance(subject, Subject):
        raise RuntimeError(f"demo portrait unusable for liveness: {subject}")
    poses = ["left", "straight", "right"]
    frames = bona_fide(subject, poses, np.random.default_rng(DEMO_POSE_SEED))
    encoded = {}
    for pose, frame in zip(poses, frames, strict=True):
        out = io.BytesIO()
        Image.fromarray(frame).save(out, format="JPEG", quality=92)
        encoded[pose] = out.getvalue()
    return encoded


def write_demo_pose_frames(folder: Path) -> dict[str, Path]:
    """Write pose-straight.jpg, pose-left.jpg and pose-right.jpg; return their paths.

    The challenge's order is random, so the member uploads, for each step, the file named after
    the pose it asks for.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for pose, data in demo_pose_frames().items():
        path = folder / f"pose-{pose}.jpg"
        path.write_bytes(data)
        written[pose] = path
    return written
