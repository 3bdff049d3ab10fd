"""Bodies built to crash the decoder are refused as unreadable (400), never answered with a 500."""

import pytest

JSON = {"content-type": "application/json"}


def _nested_lists(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _nested_objects(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


@pytest.mark.parametrize(
    "body",
    [_nested_lists(1000), _nested_objects(1000), _nested_lists(100)],
    ids=["lists", "objects", "hundred"],
)
async def test_deeply_nested_json_is_a_bad_request_not_a_crash(client, body):
    cart = (await client.post("/api/v1/carts")).json()["token"]
    for path in (
        f"/api/v1/carts/{cart}/items",
        f"/api/v1/carts/{cart}/checkout",
        "/api/v1/payment-intents",
    ):
        response = await client.post(path, content=body, headers=JSON)
        assert response.status_code == 400, (path, response.text)
        problem = response.json()
        assert problem["code"] == "bad_request"
        assert "nested too deeply" in problem["message_en"]
        assert "lồng nhau quá sâu" in problem["message_vi"]


async def test_a_lone_surrogate_in_a_json_body_is_a_bad_request(client):
    cart = (await client.post("/api/v1/carts")).json()["token"]
    body = b'{"buyer": {"name": "\\ud800", "phone": "0912345678"}, "address": "\\udc00x"}'
    for path in (f"/api/v1/carts/{cart}/items", f"/api/v1/carts/{cart}/checkout"):
        response = await client.post(path, content=body, headers=JSON)
        assert response.status_code == 400, (path, response.text)
        assert response.json()["code"] == "bad_request"


async def test_an_ordinary_body_still_reads(client):
    cart = (await client.post("/api/v1/carts")).json()["token"]
    response = await client.post(
        f"/api/v1/carts/{cart}/items", json={"product_id": 999999, "quantity": 1}
    )
    assert response.status_code in (404, 422), response.text
