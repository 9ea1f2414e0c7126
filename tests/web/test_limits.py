"""Requests have a size limit: an oversized upload or API body gets a clear 413 and writes
nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from consortium import db
from consortium.members.models import Municipality
from tests.conftest import csrf_token


def test_an_oversized_upload_gets_a_clear_page(client_as):
    admin = client_as("admin")
    limit = admin.application.config["MAX_CONTENT_LENGTH"]
    page = "/municipalities/import"
    # A multipart body written out by hand: the test client then keeps no temporary file
    boundary = "grans"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
            f"{csrf_token(admin, page)}\r\n--{boundary}\r\nContent-Disposition: form-data; "
            f"name=\"file\"; filename=\"kommuner.csv\"\r\nContent-Type: text/csv\r\n\r\n"
            ).encode() + b"x" * (limit + 1) + f"\r\n--{boundary}--\r\n".encode()
    response = admin.post(page, headers={"Accept-Language": "en"}, data=body,
                          content_type=f"multipart/form-data; boundary={boundary}")
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "The file is too large" in html and "at most 4 MB" in html
    assert db.session.scalar(select(func.count()).select_from(Municipality)) == 0


def test_an_oversized_api_body_gets_a_json_413(client, api_token):
    from tests.conftest import bearer

    limit = client.application.config["MAX_CONTENT_LENGTH"]
    response = client.post("/api/v1/municipalities", headers=bearer(api_token("admin")),
                           data=b'{"name": "' + b"a" * limit + b'"}',
                           content_type="application/json")
    assert response.status_code == 413
    assert response.json["error"]["code"] == "too_large"
    assert "4 MB" in response.json["error"]["message"]
