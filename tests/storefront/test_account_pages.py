"""Accounts as a seller meets them: sign up, log in and out, reset codes, API tokens."""

from marketplace.accounts.service import sign_up
from marketplace.accounts.tables import User
from tests.support import csrf_token, sign_up_and_log_in, submit


async def test_sign_up_stores_e164_phone_argon2_hash_and_logs_in(client):
    response = await submit(
        client,
        "/signup",
        {"phone": "0912 345 678", "password": "mat-khau-1", "display_name": "Lê Văn Tám"},
    )
    assert response.status_code == 200  # followed the redirect to /account
    assert "Xin chào, Lê Văn Tám" in response.text
    row = await User.select(User.phone, User.password_hash).first()
    assert row["phone"] == "+84912345678"
    assert row["password_hash"].startswith("$argon2id$")


async def test_invalid_phone_is_refused_with_a_clear_message_and_nothing_saved(client):
    response = await submit(
        client, "/signup", {"phone": "12345", "password": "mat-khau-1", "display_name": "Tám"}
    )
    assert response.status_code == 422
    assert "Số điện thoại không hợp lệ" in response.text
    assert await User.count() == 0


async def test_short_password_is_refused(client):
    response = await submit(
        client, "/signup", {"phone": "0912345678", "password": "123", "display_name": "Tám"}
    )
    assert response.status_code == 422
    assert "Mật khẩu quá ngắn" in response.text


async def test_a_phone_number_registers_once(client):
    await sign_up("0912345678", "mat-khau-1", "Tám")
    response = await submit(
        client,
        "/signup",
        {"phone": "+84 912 345 678", "password": "mat-khau-2", "display_name": "Khác"},
    )
    assert response.status_code == 409
    assert "đã được đăng ký" in response.text
    assert await User.count() == 1


async def test_wrong_password_is_refused_and_right_one_logs_in(client):
    await sign_up("0912345678", "mat-khau-1", "Tám")
    wrong = await submit(client, "/login", {"phone": "0912345678", "password": "sai-mat-khau"})
    assert wrong.status_code == 401
    assert "Số điện thoại hoặc mật khẩu không đúng." in wrong.text
    right = await submit(client, "/login", {"phone": "0912 345 678", "password": "mat-khau-1"})
    assert right.status_code == 200
    assert "Xin chào, Tám" in right.text


async def test_login_gives_a_new_session_id_and_the_old_one_dies(client):
    await sign_up_and_log_in(client)
    first_id = client.cookies.get("ls_sid")
    await submit(client, "/login", {"phone": "0912345678", "password": "mat-khau-1"})
    second_id = client.cookies.get("ls_sid")
    assert second_id and second_id != first_id
    client.cookies.set("ls_sid", first_id, domain="testserver.local")
    response = await client.get("/account", follow_redirects=False)
    assert response.status_code in (302, 303)


async def test_logout_ends_the_session(client):
    await sign_up_and_log_in(client)
    token = await csrf_token(client, "/account")
    await client.post("/logout", data={"_csrf_token": token})
    response = await client.get("/account", follow_redirects=False)
    assert response.status_code in (302, 303)
    assert response.headers["location"].startswith("/login")


async def test_logout_everywhere_ends_sessions_on_other_devices(app, client):
    from tests.conftest import make_client

    await sign_up_and_log_in(client)
    async with make_client(app) as phone:
        await submit(phone, "/login", {"phone": "0912345678", "password": "mat-khau-1"})
        assert (await phone.get("/account")).status_code == 200
        token = await csrf_token(client, "/account")
        await client.post("/logout-everywhere", data={"_csrf_token": token})
        response = await phone.get("/account", follow_redirects=False)
        assert response.status_code in (302, 303)


async def test_login_is_rate_limited_per_phone(client):
    await sign_up("0912345678", "mat-khau-1", "Tám")
    statuses = [
        (
            await submit(client, "/login", {"phone": "0912345678", "password": f"sai-{i}"})
        ).status_code
        for i in range(6)
    ]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    blocked = await submit(client, "/login", {"phone": "0912345678", "password": "mat-khau-1"})
    assert blocked.status_code == 429


async def test_form_without_csrf_token_is_refused(client):
    await sign_up("0912345678", "mat-khau-1", "Tám")
    await client.get("/login")
    response = await client.post("/login", data={"phone": "0912345678", "password": "mat-khau-1"})
    assert response.status_code == 403
    assert "tải lại trang" in response.text


async def test_officer_issues_reset_code_and_person_sets_new_password(client):
    await sign_up("0988000111", "can-bo-123", "Cán bộ", is_officer=True)
    await sign_up("0912345678", "mat-khau-cu", "Tám")
    await submit(client, "/login", {"phone": "0988000111", "password": "can-bo-123"})
    page = await submit(client, "/account/reset-codes", {"phone": "0912345678"}, page="/account")
    assert page.status_code == 200
    code = page.text.split('class="code">')[1].split("<")[0]
    await client.post("/logout", data={"_csrf_token": await csrf_token(client, "/account")})

    reset = await submit(
        client,
        "/reset",
        {"phone": "0912345678", "code": code.lower(), "new_password": "mat-khau-moi"},
    )
    assert reset.status_code == 200
    assert "Đã đặt lại mật khẩu" in reset.text
    assert (
        await submit(client, "/login", {"phone": "0912345678", "password": "mat-khau-cu"})
    ).status_code == 401
    assert (
        await submit(client, "/login", {"phone": "0912345678", "password": "mat-khau-moi"})
    ).status_code == 200
    again = await submit(
        client, "/reset", {"phone": "0912345678", "code": code, "new_password": "lan-nua-123"}
    )
    assert again.status_code == 422


async def test_a_seller_cannot_issue_reset_codes_for_strangers(client):
    await sign_up("0912345678", "mat-khau-1", "Tám")
    await sign_up("0912000222", "mat-khau-2", "Người lạ")
    await submit(client, "/login", {"phone": "0912345678", "password": "mat-khau-1"})
    page = await submit(client, "/account/reset-codes", {"phone": "0912000222"}, page="/account")
    assert page.status_code == 403
    assert "Chỉ cán bộ hoặc chủ cơ sở" in page.text
