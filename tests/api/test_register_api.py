"""The register's API as SPEC.md describes it: answers, error format and refusals."""

from __future__ import annotations

import pytest

from tests.conftest import bearer


@pytest.fixture
def admin(api_token):
    return bearer(api_token("admin"))


@pytest.fixture
def observer(api_token):
    return bearer(api_token("observer"))


def post_municipality(client, headers, **body):
    payload = {"code": "1860", "name": "Laxå", "county": "Örebro län", **body}
    return client.post("/api/v1/municipalities", json=payload, headers=headers)


def test_create_then_read_a_municipality(client, admin, observer):
    response = post_municipality(client, admin, status="member", joined_on="2015-01-01")
    assert response.status_code == 201
    assert response.headers["Location"].endswith("/api/v1/municipalities/1860")
    assert response.json["status"] == "member" and response.json["joined_on"] == "2015-01-01"
    one = client.get("/api/v1/municipalities/1860", headers=observer).json
    assert one["name"] == "Laxå" and one["country"] == "SE"
    assert one["population_history"] == [] and one["population"] is None
    assert one["membership_periods"] == [{"joined_on": "2015-01-01", "left_on": None}]


def test_create_refuses_a_bad_code_with_field_errors(client, admin):
    response = post_municipality(client, admin, code="186")
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "invalid" and "four digits" in error["fields"]["code"]


def test_create_refuses_missing_fields_and_unknown_fields(client, admin):
    response = client.post("/api/v1/municipalities", json={"code": "1860", "colour": "red"},
                           headers=admin)
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"name", "county", "colour"}


def test_create_refuses_a_body_that_is_not_json(client, admin):
    response = client.post("/api/v1/municipalities", data="code=1860", headers=admin)
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_request"


def test_duplicate_code_is_409(client, admin):
    post_municipality(client, admin)
    response = post_municipality(client, admin, name="Dubbel")
    assert response.status_code == 409 and response.json["error"]["code"] == "conflict"


def test_writes_need_an_admin(client, observer, api_token):
    assert post_municipality(client, observer).status_code == 403
    assert post_municipality(client, bearer(api_token("finance"))).status_code == 403
    assert post_municipality(client, {}).status_code == 401


def test_list_filters_by_status_county_and_q(client, admin, observer):
    post_municipality(client, admin, status="member", joined_on="2015-01-01")
    post_municipality(client, admin, code="0180", name="Stockholm", county="Stockholms län")
    post_municipality(client, admin, code="1280", name="Malmö", county="Skåne län",
                      status="applicant")

    def codes(query):
        response = client.get(f"/api/v1/municipalities{query}", headers=observer)
        assert response.status_code == 200
        return [m["code"] for m in response.json]

    assert codes("") == ["0180", "1280", "1860"]
    assert codes("?status=member") == ["1860"]
    assert codes("?status=applicant") == ["1280"]
    assert codes("?status=none") == ["0180"]
    assert codes("?county=Skåne län") == ["1280"]
    assert codes("?q=stock") == ["0180"]
    assert codes("?q=18") == ["1860"]
    bad = client.get("/api/v1/municipalities?status=king", headers=observer)
    assert bad.status_code == 422 and "status" in bad.json["error"]["fields"]


def test_unknown_municipality_is_404(client, observer):
    response = client.get("/api/v1/municipalities/9999", headers=observer)
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_patch_corrects_fields_and_changes_membership(client, admin):
    post_municipality(client, admin)
    response = client.patch("/api/v1/municipalities/1860", headers=admin,
                            json={"invoice_reference": "LAX 1", "org_number": "2120001884"})
    assert response.status_code == 200
    assert response.json["org_number"] == "212000-1884"
    refused = client.patch("/api/v1/municipalities/1860", headers=admin,
                           json={"status": "member"})
    assert refused.status_code == 422 and "joined_on" in refused.json["error"]["fields"]
    admitted = client.patch("/api/v1/municipalities/1860", headers=admin,
                            json={"status": "member", "joined_on": "2020-01-01"})
    assert admitted.json["status"] == "member"
    resigned = client.patch("/api/v1/municipalities/1860", headers=admin,
                            json={"status": "resigned", "left_on": "2024-12-31"})
    assert resigned.json["membership_periods"] == [
        {"joined_on": "2020-01-01", "left_on": "2024-12-31"}]


def test_patch_cannot_change_the_code(client, admin):
    post_municipality(client, admin)
    response = client.patch("/api/v1/municipalities/1860", headers=admin, json={"code": "1861"})
    assert response.status_code == 422


def test_patch_refuses_a_bad_organisation_number(client, admin):
    post_municipality(client, admin)
    response = client.patch("/api/v1/municipalities/1860", headers=admin,
                            json={"org_number": "2120001885"})
    assert response.status_code == 422 and "org_number" in response.json["error"]["fields"]


def test_put_population_creates_then_updates(client, admin, observer):
    post_municipality(client, admin)
    url = "/api/v1/municipalities/1860/population/2024"
    created = client.put(url, json={"population": 5631}, headers=admin)
    assert created.status_code == 201
    assert created.json == {"code": "1860", "year": 2024, "population": 5631}
    updated = client.put(url, json={"population": 5640}, headers=admin)
    assert updated.status_code == 200 and updated.json["population"] == 5640
    one = client.get("/api/v1/municipalities/1860", headers=observer).json
    assert one["population"] == 5640 and one["population_year"] == 2024
    assert one["population_history"] == [{"year": 2024, "population": 5640, "source": None,
                                          "import_id": None}]


@pytest.mark.parametrize("value", [-1, "5631", 56.5, True, None])
def test_put_population_refuses_bad_values(client, admin, value):
    post_municipality(client, admin)
    response = client.put("/api/v1/municipalities/1860/population/2024",
                          json={"population": value}, headers=admin)
    assert response.status_code == 422
    assert "population" in response.json["error"]["fields"]


def test_put_population_of_an_unknown_municipality_is_404(client, admin):
    response = client.put("/api/v1/municipalities/9999/population/2024",
                          json={"population": 1}, headers=admin)
    assert response.status_code == 404


def test_tools_crud(client, admin, observer):
    created = client.post("/api/v1/tools", headers=admin, json={
        "slug": "provisum", "name": "Provisum", "status": "operation",
        "origin": "A gift from Västerås and Stockholm", "owner_since": "2019-01-01"})
    assert created.status_code == 201
    assert created.json["origin"] == "A gift from Västerås and Stockholm"
    listed = client.get("/api/v1/tools", headers=observer).json
    assert [t["slug"] for t in listed] == ["provisum"]
    patched = client.patch("/api/v1/tools/provisum", headers=admin, json={"status": "retired"})
    assert patched.status_code == 200 and patched.json["status"] == "retired"
    assert client.post("/api/v1/tools", headers=admin, json={
        "slug": "provisum", "name": "Again"}).status_code == 409
    assert client.post("/api/v1/tools", headers=admin, json={
        "slug": "Bad Slug", "name": "X"}).status_code == 422
    assert client.patch("/api/v1/tools/provisum", headers=admin,
                        json={"status": "asleep"}).status_code == 422
    assert client.get("/api/v1/tools/nothing", headers=observer).status_code == 404


def test_participants_and_usage(client, admin, observer):
    post_municipality(client, admin)
    client.post("/api/v1/tools", headers=admin, json={"slug": "egil", "name": "Egil",
                                                      "open_to_non_members": True})
    url = "/api/v1/tools/egil/participants/1860"
    first = client.put(url, headers=admin, json={"joined_on": "2024-07-01"})
    assert first.status_code == 201
    assert first.json == {"tool": "egil", "code": "1860", "name": "Laxå",
                          "periods": [{"joined_on": "2024-07-01", "left_on": None}]}
    overlap = client.put(url, headers=admin, json={"joined_on": "2025-01-01"})
    assert overlap.status_code == 409
    ended = client.put(url, headers=admin, json={"joined_on": "2024-07-01",
                                                 "left_on": "2025-06-30"})
    assert ended.status_code == 200 and ended.json["periods"][0]["left_on"] == "2025-06-30"
    backwards = client.put(url, headers=admin, json={"joined_on": "2026-01-01",
                                                     "left_on": "2025-01-01"})
    assert backwards.status_code == 422
    assert client.put("/api/v1/tools/egil/participants/9999", headers=admin,
                      json={"joined_on": "2024-01-01"}).status_code == 404
    tool = client.get("/api/v1/tools/egil", headers=observer).json
    assert tool["participations"][0]["code"] == "1860"

    usage = client.put("/api/v1/tools/egil/usage/2024/1860", headers=admin, json={"units": 412})
    assert usage.status_code == 201
    assert usage.json == {"tool": "egil", "code": "1860", "name": "Laxå", "year": 2024,
                          "units": 412}
    assert client.put("/api/v1/tools/egil/usage/2024/1860", headers=admin,
                      json={"units": 420}).status_code == 200
    assert client.put("/api/v1/tools/egil/usage/2023/1860", headers=admin,
                      json={"units": 1}).status_code == 422
    assert client.put("/api/v1/tools/egil/usage/2024/1860", headers=admin,
                      json={"units": -1}).status_code == 422
    assert client.get("/api/v1/tools/egil/usage/2024", headers=observer).json[0]["units"] == 420
    assert client.put("/api/v1/tools/egil/usage/2024/1860", headers=observer,
                      json={"units": 1}).status_code == 403


def test_openapi_document_describes_every_register_endpoint(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    expected = {
        "/municipalities": {"get", "post"},
        "/municipalities/{code}": {"get", "patch"},
        "/municipalities/{code}/population/{year}": {"put"},
        "/tools": {"get", "post"},
        "/tools/{slug}": {"get", "patch"},
        "/tools/{slug}/participants/{code}": {"put"},
        "/tools/{slug}/usage/{year}/{code}": {"put"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
    body = paths["/municipalities"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["$ref"].endswith("/MunicipalityCreate")
    create = document["components"]["schemas"]["MunicipalityCreate"]
    assert set(create["required"]) == {"code", "name", "county"}
    assert paths["/municipalities"]["post"]["security"] == [{"bearer": []}]


def test_the_api_reference_page_renders_the_document(client_as):
    html = client_as("observer").get("/help/api", headers={"Accept-Language": "en"}) \
        .get_data(as_text=True)
    assert "/municipalities/{code}/population/{year}" in html
    assert "MunicipalityCreate" in html


def test_openapi_document_covers_every_endpoint_of_the_spec(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    spec = {
        "/municipalities/{code}/statements/{year}": {"get"},
        "/tools/{slug}/budgets/{year}": {"put"},
        "/tools/{slug}/budgets/{year}/allocation": {"get"},
        "/tools/{slug}/budgets/{year}/adopt": {"post"},
        "/fees/{year}": {"get", "put"},
        "/councils": {"get", "post"},
        "/councils/{council_id}/meetings": {"post"},
        "/meetings/{meeting_id}": {"get"},
        "/councils/{council_id}/motions": {"post"},
        "/motions/{motion_id}": {"get"},
        "/motions/{motion_id}/open": {"post"},
        "/motions/{motion_id}/close": {"post"},
        "/motions/{motion_id}/ballots": {"post"},
        "/motions/{motion_id}/result": {"get"},
        "/meetings/{meeting_id}/protocol.pdf": {"get"},
        "/tools/{slug}/budgets/{year}/allocation.pdf": {"get"},
        "/municipalities/{code}/statements/{year}.pdf": {"get"},
    }
    for path, methods in spec.items():
        assert path in paths, path
        assert methods <= set(paths[path]), path
    pdf = paths["/meetings/{meeting_id}/protocol.pdf"]["get"]["responses"]["200"]["content"]
    assert "application/pdf" in pdf


@pytest.mark.parametrize(("method", "url", "body"), [
    ("put", "/api/v1/municipalities/1860/population/2024", {"population": 10**12}),
    ("get", "/api/v1/councils/99999999999999", None),
    ("get", "/api/v1/motions/99999999999999/result", None),
    ("put", "/api/v1/tools/egil/budgets/2026", {"amount": "9" * 30, "key": {"method": "equal"}}),
    ("put", "/api/v1/fees/2026", {"bands": [{"up_to": 10**12, "annual": "1", "entry": "1"},
                                            {"up_to": None, "annual": "1", "entry": "1"}]}),
])
def test_huge_numbers_are_refused_not_crashed(client, admin, method, url, body):
    post_municipality(client, admin)
    client.post("/api/v1/tools", headers=admin, json={"slug": "egil", "name": "Egil"})
    response = getattr(client, method)(url, headers=admin, json=body)
    assert response.status_code in (404, 422), (url, response.status_code)
    assert response.json["error"]["message"]


def test_a_body_nested_a_thousand_deep_is_refused_clearly(client, api_token):
    from tests.conftest import bearer

    deep = '{"name": ' + "[" * 1000 + "]" * 1000 + "}"
    response = client.patch("/api/v1/tools/egil", data=deep, content_type="application/json",
                            headers=bearer(api_token("admin")))
    assert response.status_code == 400
    assert "nested 1001 levels deep" in response.json["error"]["message"]
