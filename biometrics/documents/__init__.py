"""The ID document check (issue 12): find the document, read it offline, compare it.

A pipeline of pure checks (docs/documents.md):

- ``locate``: find and flatten the card or passport page (perspective transform);
- ``ocr``: PP-OCR detection and recognition from the rapidocr-onnxruntime wheel, one engine
  per process;
- ``parsing`` / ``mrz_reader`` / ``mrz``: KTP, SIM and passport (ICAO 9303 TD3) fields;
- ``reader.document_read(image)``: what the document says, with confidences (reusable to
  prefill a form);
- ``check.document_check(image, typed)``: the decision, reason code and per-field outcomes;
- ``generator``: synthetic documents and photos of them, for tests and evaluation.
"""

from biometrics.documents.check import document_check
from biometrics.documents.reader import document_read
from biometrics.documents.results import DocumentCheck, DocumentRead, FieldOutcome, Typed

__all__ = [
    "DocumentCheck",
    "DocumentRead",
    "FieldOutcome",
    "Typed",
    "document_check",
    "document_read",
]
