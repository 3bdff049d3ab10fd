async def test_health_reports_the_database_backend(client):
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["database"]["backend"] in {"sqlite", "postgresql"}


async def test_openapi_document_is_served(client):
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["info"]["title"] == "Langso API"
    assert "/health" in spec["paths"]
    assert (await client.get("/schema")).status_code == 200


async def test_liveness_answers_without_the_database(client):
    response = await client.get("/health/live")
    assert response.status_code == 200
    assert response.text == "ok"
