async def test_unknown_api_path_answers_problem_details_with_a_code(client):
    response = await client.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "not_found"
    assert body["message_vi"] == "Không tìm thấy trang này."
    assert body["message_en"] == "This page does not exist."


async def test_unknown_page_is_a_friendly_vietnamese_page(client):
    response = await client.get("/khong-co", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "Không tìm thấy trang này." in response.text
    assert "Về trang chủ" in response.text


async def test_error_page_follows_the_chosen_language(client):
    response = await client.get("/khong-co?lang=en", headers={"accept": "text/html"})
    assert "This page does not exist." in response.text
    assert '<html lang="en">' in response.text


async def test_api_requires_login_with_401_problem(client):
    response = await client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "login_required"


async def test_malformed_json_body_is_a_422_with_code(client):
    from tests.support import sign_up_and_log_in

    await sign_up_and_log_in(client)
    token = client.cookies.get("csrftoken")
    response = await client.post(
        "/api/v1/tokens",
        content=b'{"name": 5}',
        headers={"content-type": "application/json", "x-csrftoken": token},
    )
    assert response.status_code in (400, 422)
    assert response.json()["code"] in ("invalid_input", "bad_request")


async def test_pages_carry_security_headers(client):
    response = await client.get("/login")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
