"""Why a folder cannot be used as a result store."""

from __future__ import annotations


class StoreError(ValueError):
    """The folder cannot be used as a result store (the message says why and what to do)."""


class StoreMismatch(StoreError):
    """The folder holds results of a different batch or of different code."""


class StoreLocked(StoreError):
    """Another batch holds the folder's lock."""
