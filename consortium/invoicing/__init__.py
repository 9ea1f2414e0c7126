"""Invoicing (fakturering) of a closed year's statements, and the ledger (SPEC "Invoicing and
the ledger"). So far: the identifiers an invoice carries, checked as the banks and the tax
agencies check them (identifiers.py)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Nothing to register yet: the identifiers are pure rules that other code calls."""
    del app
