"""What the bench scripts share: a test client signed in as a demo user."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def signed_in(app: Flask, email: str, password: str = "sambruk-demo") -> Any:
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    response = client.post("/login", data={"email": email, "password": password,
                                           "csrf_token": token})
    assert response.status_code == 302, "could not sign in"
    return client
