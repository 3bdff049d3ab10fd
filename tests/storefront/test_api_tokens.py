"""A seller's own tools use bearer tokens; a revoked token stops working at once."""

from tests.support import sign_up_and_log_in


async def test_token_created_in_api_authenticates_and_revocation_stops_it(client):
    await sign_up_and_log_in(client)
    csrf = client.cookies.get("csrftoken")
    created = await client.post(
        "/api/v1/tokens", json={"name": "Máy ở kho"}, headers={"x-csrftoken": csrf}
    )
    assert created.status_code == 201
    secret = created.json()["secret"]
    assert secret.startswith("lsk_")

    client.cookies.clear()
    bearer = {"authorization": f"Bearer {secret}"}
    me = await client.get("/api/v1/me", headers=bearer)
    assert me.status_code == 200
    assert me.json()["phone"] == "+84912345678"

    # A bearer request needs no CSRF token: it carries no cookie to ride on.
    token_id = created.json()["token"]["id"]
    revoked = await client.delete(f"/api/v1/tokens/{token_id}", headers=bearer)
    assert revoked.status_code == 204
    after = await client.get("/api/v1/me", headers=bearer)
    assert after.status_code == 401
    assert after.json()["code"] == "token_invalid"


async def test_api_write_with_session_cookie_needs_csrf_header(client):
    await sign_up_and_log_in(client)
    response = await client.post("/api/v1/tokens", json={"name": "x"})
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


async def test_token_list_shows_only_prefixes(client):
    await sign_up_and_log_in(client)
    csrf = client.cookies.get("csrftoken")
    created = await client.post("/api/v1/tokens", json={"name": "A"}, headers={"x-csrftoken": csrf})
    listed = await client.get("/api/v1/tokens")
    assert listed.status_code == 200
    assert created.json()["secret"] not in listed.text
    assert listed.json()[0]["prefix"] == created.json()["secret"][:10]
