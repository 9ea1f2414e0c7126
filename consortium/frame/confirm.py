"""Confirmation before an irreversible action: the form posts once, the server answers with a
page that says what will happen (and what it leaves undone), and only a second post that
carries `confirmed=yes` acts. No script is needed, so the strict CSP stays as it is."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import render_template, request


def confirmation(title: str, question: str, button: str, cancel: str, *,
                 details: Sequence[str] = (), warning: str | None = None) -> Any | None:
    """None once the user has confirmed; else the confirmation page for this POST, which
    posts the same fields again to the same address."""
    if request.form.get("confirmed") == "yes":
        return None
    fields = [(name, value) for name, value in request.form.items(multi=True)
              if name not in ("csrf_token", "confirmed")]
    return render_template("confirm.html", title=title, question=question, button=button,
                           cancel=cancel, details=list(details), warning=warning,
                           action=request.path, fields=fields)
