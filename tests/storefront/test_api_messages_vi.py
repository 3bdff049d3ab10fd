"""A 422 from the API says what is wrong in Vietnamese too, not in the decoder's English
(QA: `?page_size=abc` answered "Giá trị không hợp lệ: Expected `int`, got `str`")."""

import pytest

from tests.storefront.test_catalogue_api import PRODUCER, token_for


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("page_size=abc", "cần số nguyên, không phải chuỗi chữ"),
        ("sort=bogus", "'bogus' không nằm trong danh sách"),
        ("page_size=1000", "cần số nguyên không quá 100"),
        ("page=0", "cần số nguyên từ 1 trở lên"),
    ],
)
async def test_a_bad_query_parameter_is_explained_in_vietnamese(client, query, said):
    response = await client.get(f"/api/v1/products?{query}")
    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert said in problem["message_vi"]
    assert "`" not in problem["message_vi"] and "Expected" not in problem["message_vi"]
    assert problem["message_en"]  # the decoder's own words stay for developers


async def test_a_bad_json_body_is_explained_in_vietnamese(client):
    seller = await token_for(client)
    missing = await client.post("/api/v1/producers", json={"name": "HTX"}, headers=seller)
    unknown = await client.post(
        "/api/v1/producers", json={**PRODUCER, "bí_danh": "x"}, headers=seller
    )
    for response in (missing, unknown):
        assert response.status_code in (400, 422)
        messages = [e["message_vi"] for e in response.json().get("errors", [])] or [
            response.json()["message_vi"]
        ]
        assert all("Expected" not in m and "Object" not in m for m in messages), messages
