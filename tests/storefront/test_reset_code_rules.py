"""Who may issue a password reset code: it hands the account over, so the rule is narrow."""

import pytest

from marketplace.accounts.service import issue_reset_code, sign_up
from marketplace.catalogue.members import STAFF, add_member
from marketplace.errors import PermissionDenied
from tests.shop import new_producer
from tests.support import submit

PASSWORD = "mat-khau-1"


def _officer(province):
    return {"is_officer": True, "officer_province_code": province}


async def _people():
    ninh_binh = await sign_up("0988000037", PASSWORD, "Cán bộ Ninh Bình", **_officer("37"))
    thanh_hoa = await sign_up("0988000038", PASSWORD, "Cán bộ Thanh Hóa", **_officer("38"))
    national = await sign_up("0988000001", PASSWORD, "Cán bộ trung ương", **_officer(None))
    owner = await sign_up("0912000101", PASSWORD, "Chủ HTX")
    worker = await sign_up("0912000102", PASSWORD, "Nhân viên HTX")
    producer = await new_producer(owner, "HTX Bưởi Ngọc Lũ", None, "37")
    await add_member(producer, worker.id, STAFF)
    return ninh_binh, thanh_hoa, national, owner, worker


async def _refused(issuer, phone):
    with pytest.raises(PermissionDenied) as refused:
        await issue_reset_code(issuer, phone)
    return refused.value.code


async def test_an_officer_of_another_province_cannot_take_over_a_seller_or_an_officer(db):
    ninh_binh, thanh_hoa, national, owner, worker = await _people()
    assert await _refused(thanh_hoa, owner.phone) == "officer_other_province"
    assert await _refused(thanh_hoa, worker.phone) == "officer_other_province"
    assert await _refused(thanh_hoa, ninh_binh.phone) == "reset_not_allowed"
    assert await _refused(ninh_binh, thanh_hoa.phone) == "reset_not_allowed"
    # The province's own officer and a national officer may help its sellers.
    assert len(await issue_reset_code(ninh_binh, owner.phone)) == 9
    assert len(await issue_reset_code(national, worker.phone)) == 9
    assert len(await issue_reset_code(national, thanh_hoa.phone)) == 9


async def test_an_owner_resets_only_people_who_work_for_nothing_but_the_owners_producers(db):
    _, _, _, owner, worker = await _people()
    assert len(await issue_reset_code(owner, worker.phone)) == 9
    # Once the worker also owns a producer of their own, the first owner's code would hand
    # that producer over too.
    await new_producer(worker, "Cơ sở Nem chua Hạc Thành", None, "38")
    assert await _refused(owner, worker.phone) == "reset_not_allowed"
    assert await _refused(worker, owner.phone) == "reset_not_allowed"


async def test_an_account_that_works_for_no_producer_is_helped_by_any_officer(db):
    # A farmer who signed up and forgot the password before registering a producer goes to
    # the officer nearby (the officer accounts themselves are kept for national officers).
    _, thanh_hoa, _, _, _ = await _people()
    newcomer = await sign_up("0966555444", PASSWORD, "Đỗ Văn Quý")
    assert len(await issue_reset_code(thanh_hoa, newcomer.phone)) == 9


async def test_the_page_refuses_a_cross_province_officer_in_vietnamese(client):
    _, _, _, owner, _ = await _people()
    await submit(client, "/login", {"phone": "0988000038", "password": PASSWORD})
    page = await submit(client, "/account/reset-codes", {"phone": owner.phone}, page="/account")
    assert page.status_code == 403
    assert "chỉ cán bộ tỉnh đó mới được cấp mã" in page.text
    assert 'class="code"' not in page.text
