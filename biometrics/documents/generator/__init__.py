"""Synthetic identity documents for tests, the demo and the evaluation: never real ones.

``render_ktp``, ``render_passport`` and ``render_sim`` draw a flat document (RGB array) from an
``Identity``; ``photograph`` puts it in a scene (background, clutter, perspective, rotation,
uneven light, blur, noise, JPEG). ``non_documents`` draws what must never pass as a document:
selfies, group photos, screenshots of text, a blank card, a card-shaped object with other text.

Variety is the point (the check is measured on renderings it has never seen): fonts come from
matplotlib's bundled DejaVu family, plus any system TrueType fonts inside ``system_fonts()``
(the generation command uses them; tests and the demo do not, so the same call draws the same
pixels on every machine, whatever fonts a browser package happened to install), and colours,
sizes, layouts' offsets, backgrounds, angles and lighting are drawn from
``random.Random(seed)``. The ``profile`` argument ("standard", "heldout", "wild", "handheld") shifts
every distribution (``CONDITIONS``), so a held-out set made with another seed *and* profile is
not just more of the same; "wild" adds what members' own photos bring: a hand holding the card,
glare spots, a print-out photographed again, a lamp's colour cast, other cards and papers;
"handheld" bends, curls and folds the document (``surface``) and holds it in a hand.

Faces: the portraits in ``FACES_DIR`` / ``../shared/faces`` when present, else the photos
shipped in installed packages (matplotlib's Grace Hopper, scikit-image's astronaut).
"""

from biometrics.documents.generator.cards import render, render_ktp, render_passport, render_sim
from biometrics.documents.generator.identities import (
    ID1_ASPECT,
    ID3_ASPECT,
    Identity,
    identity_random,
    nik_for,
)
from biometrics.documents.generator.resources import faces, font_files, portrait_crop, system_fonts
from biometrics.documents.generator.samples import (
    blank_card,
    blurred,
    group_photo,
    letter,
    non_documents,
    sample_document,
    selfie,
    text_screenshot,
    typed_variant,
)
from biometrics.documents.generator.scenes import (
    CONDITIONS,
    PROFILES,
    Conditions,
    _hand,
    photograph,
)

__all__ = [
    "CONDITIONS",
    "ID1_ASPECT",
    "ID3_ASPECT",
    "PROFILES",
    "Conditions",
    "Identity",
    "_hand",
    "blank_card",
    "blurred",
    "faces",
    "font_files",
    "group_photo",
    "identity_random",
    "letter",
    "nik_for",
    "non_documents",
    "photograph",
    "portrait_crop",
    "render",
    "render_ktp",
    "render_passport",
    "render_sim",
    "sample_document",
    "selfie",
    "system_fonts",
    "text_screenshot",
    "typed_variant",
]
