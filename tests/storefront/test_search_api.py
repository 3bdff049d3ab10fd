"""GET /api/v1/search and the search part of /health."""

import pytest


async def test_search_answers_hits_facets_total_and_time(client, indexed):
    response = await client.get("/api/v1/search", params={"q": "buoi ngoc lu"})
    assert response.status_code == 200
    body = response.json()
    assert body["items"][0]["name"] == "Bưởi Ngọc Lũ"
    assert body["items"][0]["name_html"] == "<mark>Bưởi</mark> <mark>Ngọc</mark> <mark>Lũ</mark>"
    assert body["total"] == 1 and body["page"] == 1 and body["page_size"] == 20
    assert set(body["facets"]) == {"province", "ocop_group", "ocop_stars", "certification"}
    assert body["facets"]["province"] == [{"value": "37", "count": 1}]
    assert body["took_ms"] >= 0 and body["backend"] in {"fts5", "postgresql", "memory"}


async def test_repeated_filters_are_alternatives(client, indexed):
    response = await client.get(
        "/api/v1/search",
        params=[("province", "37"), ("province", "38"), ("stars", "4"), ("page_size", "100")],
    )
    items = response.json()["items"]
    assert items and {i["province_code"] for i in items} == {"37", "38"}
    assert all(i["ocop_stars"] >= 4 for i in items)


async def test_suggestions_for_as_you_type(client, indexed):
    body = (await client.get("/api/v1/search", params={"q": "mật o", "page_size": 4})).json()
    assert body["suggestions"][0] == "mật ong"
    assert len(body["items"]) <= 4


@pytest.mark.parametrize(
    "params",
    [{"page_size": "101"}, {"page": "0"}, {"stars": "9"}, {"sort": "cheapest"}, {"q": "x" * 201}],
)
async def test_out_of_range_parameters_answer_a_problem(client, indexed, params):
    response = await client.get("/api/v1/search", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "invalid_input"


async def test_search_is_in_the_openapi_document(client):
    spec = (await client.get("/schema/openapi.json")).json()
    assert spec["paths"]["/api/v1/search"]["get"]["operationId"] == "SearchProducts"


async def test_health_reports_the_search_backend_and_outbox(client, indexed):
    body = (await client.get("/health")).json()
    assert body["search"]["status"] == "ok"
    assert body["search"]["backend"] in {"fts5", "postgresql", "memory"}
    assert body["search"]["outbox_backlog"] == 0
