"""Bearer tokens cannot mint tokens, die with "log out everywhere", and have named limits."""

from tests.support import sign_up_and_log_in, submit


async def _token(client, name="Máy ở kho"):
    csrf = client.cookies.get("csrftoken")
    created = await client.post(
        "/api/v1/tokens", json={"name": name}, headers={"x-csrftoken": csrf}
    )
    return created


async def test_a_bearer_token_cannot_create_more_tokens(client):
    await sign_up_and_log_in(client)
    secret = (await _token(client)).json()["secret"]
    client.cookies.clear()
    bearer = {"authorization": f"Bearer {secret}"}
    refused = await client.post("/api/v1/tokens", json={"name": "thêm"}, headers=bearer)
    assert refused.status_code == 403
    assert refused.json()["code"] == "session_required"
    assert "trình duyệt" in refused.json()["message_vi"]
    assert len((await client.get("/api/v1/tokens", headers=bearer)).json()) == 1


async def test_log_out_everywhere_revokes_the_accounts_tokens(client):
    await sign_up_and_log_in(client)
    secret = (await _token(client)).json()["secret"]
    bearer = {"authorization": f"Bearer {secret}"}
    assert (await client.get("/api/v1/me", headers=bearer)).status_code == 200
    done = await submit(client, "/logout-everywhere", {}, "/account")
    assert done.status_code == 200
    after = await client.get("/api/v1/me", headers=bearer)
    assert after.status_code == 401
    assert after.json()["code"] == "token_invalid"


async def test_a_token_name_too_long_or_with_nul_is_refused_with_its_reason(client):
    await sign_up_and_log_in(client)
    long = await _token(client, "x" * 10_000)
    assert long.status_code == 422
    assert long.json()["code"] == "token_name_too_long"
    assert "at most 100 characters" in long.json()["message_en"]
    assert "tối đa 100 ký tự" in long.json()["message_vi"]
    nul = await _token(client, "kho\x00hàng")
    assert nul.status_code == 422
    assert "control character" in nul.json()["message_en"]
    empty = await _token(client, "   ")
    assert empty.json()["message_en"] == "Name the token."
    assert (await client.get("/api/v1/tokens")).json() == []
