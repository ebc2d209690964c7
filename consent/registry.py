"""How other apps tell the consent app what to do on withdrawal, erasure and export.

The consent app never imports other apps' models. Each app registers plain functions here from
its ``AppConfig.ready()`` (by importing its ``<app>/privacy.py``):

    from consent.registry import on_withdrawal, on_erasure, export_section
    from consent.purposes import PurposeCode

    @on_withdrawal(PurposeCode.CANDIDATE_DISCOVERY)
    def hide_from_search(user) -> list[str]: ...   # returns lines to tell the member, may be []

    @on_erasure
    def erase_careers(user) -> None: ...

    @export_section("careers")
    def export_careers(user) -> dict: ...           # JSON-serialisable

Withdrawal and erasure handlers run inside the transaction that records the event; anything
irreversible outside the database (deleting files) must go through
``transaction.on_commit``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

WithdrawalHandler = Callable[[Any], list[str] | None]
ErasureHandler = Callable[[Any], None]
ExportHandler = Callable[[Any], Any]

_withdrawal: dict[str, list[WithdrawalHandler]] = defaultdict(list)
_erasure: list[ErasureHandler] = []
_export: dict[str, ExportHandler] = {}


def on_withdrawal(purpose: str) -> Callable[[WithdrawalHandler], WithdrawalHandler]:
    """Register ``fn(user)`` to run when ``purpose`` is withdrawn (or lapses on erasure)."""

    def register(fn: WithdrawalHandler) -> WithdrawalHandler:
        if fn not in _withdrawal[purpose]:
            _withdrawal[purpose].append(fn)
        return fn

    return register


def on_erasure(fn: ErasureHandler) -> ErasureHandler:
    """Register ``fn(user)`` to delete the app's personal data when an account is erased."""
    if fn not in _erasure:
        _erasure.append(fn)
    return fn


def export_section(name: str) -> Callable[[ExportHandler], ExportHandler]:
    """Register ``fn(user)`` returning the app's section of the member's data export."""

    def register(fn: ExportHandler) -> ExportHandler:
        _export[name] = fn
        return fn

    return register


def withdrawal_handlers(purpose: str) -> list[WithdrawalHandler]:
    return list(_withdrawal.get(purpose, []))


def erasure_handlers() -> list[ErasureHandler]:
    return list(_erasure)


def export_handlers() -> dict[str, ExportHandler]:
    return dict(_export)
