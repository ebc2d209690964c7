"""How other apps tell the consent app what to do on withdrawal, erasure and export.

The consent app never imports other apps' models. Each app registers plain functions here from
its ``AppConfig.ready()`` (by importing its ``<app>/privacy.py``):

    from consent.registry import on_withdrawal, on_erasure, export_section
    from consent.purposes import PurposeCode

    @on_withdrawal(PurposeCode.CANDIDATE_DISCOVERY)
    def hide_from_search(user: User) -> list[str]: ...  # lines to tell the member, may be []

    @on_erasure
    def erase_careers(user: User) -> None: ...

    @export_section("careers")
    def export_careers(user: User) -> dict: ...      # JSON-serialisable

    @on_retention
    def expire_activity(now) -> int: ...            # returns how many records it removed

Withdrawal and erasure handlers run inside the transaction that records the event (and on
erasure, inside the one that deletes the account: ``accounts.services.account_erase``): if a
handler raises, nothing is recorded and nothing is deleted. So anything irreversible outside
the database (deleting files) must go through ``transaction.on_commit``, or a rolled-back
withdrawal would leave a consent "granted" whose files are already gone. Handlers must be
idempotent: erasure runs every purpose's withdrawal handlers again, whatever the member's
current state.

Retention handlers run daily (``consent.tasks.retention_sweep_task``, beat entry
``retention-sweep``) and on ``manage.py retention_sweep``, each in its own transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    from accounts.models import User

WithdrawalHandler = Callable[["User"], list[str] | None]
ErasureHandler = Callable[["User"], None]
ExportHandler = Callable[["User"], Any]
RetentionHandler = Callable[[datetime], int]

_withdrawal: dict[str, list[WithdrawalHandler]] = defaultdict(list)
_erasure: list[ErasureHandler] = []
_export: dict[str, ExportHandler] = {}
_retention: dict[str, RetentionHandler] = {}


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


def _handler_name(fn: Callable[..., Any]) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


@overload
def on_retention(name_or_fn: str) -> Callable[[RetentionHandler], RetentionHandler]: ...
@overload
def on_retention(name_or_fn: RetentionHandler) -> RetentionHandler: ...
def on_retention(
    name_or_fn: str | RetentionHandler,
) -> RetentionHandler | Callable[[RetentionHandler], RetentionHandler]:
    """Register ``fn(now) -> int`` (records removed) for the periodic retention sweep.

    Use bare (``@on_retention``; named after the function) or named (``@on_retention("x")``).
    """
    if isinstance(name_or_fn, str):
        name = name_or_fn

        def register(fn: RetentionHandler) -> RetentionHandler:
            _retention[name] = fn
            return fn

        return register
    _retention[_handler_name(name_or_fn)] = name_or_fn
    return name_or_fn


def withdrawal_handlers(purpose: str) -> list[WithdrawalHandler]:
    return list(_withdrawal.get(purpose, []))


def erasure_handlers() -> list[ErasureHandler]:
    return list(_erasure)


def export_handlers() -> dict[str, ExportHandler]:
    return dict(_export)


def retention_handlers() -> dict[str, RetentionHandler]:
    return dict(_retention)
