"""Two requests claiming the same phone, GTIN or name at the same instant: one wins, the other
gets the same clear 409 a later request would, never a database error (a 500 to the user).

On PostgreSQL both transactions used to find the value free and both insert it; the unique
index then failed the second with `UniqueViolationError`.
"""

import asyncio
from collections.abc import Sequence

from marketplace.accounts.service import sign_up
from marketplace.accounts.tables import User
from marketplace.catalogue.tables import Producer as ProducerRow
from marketplace.catalogue.tables import Product as ProductRow
from marketplace.errors import Conflict
from tests.catalogue_factories import PASSWORD, new_producer, new_product, new_seller
from tests.heritage_sites import new_officer, site_input
from traceability.heritage import service as heritage
from traceability.heritage.tables import Site

GTIN = "08931234567897"
ROUNDS = 8


def _outcomes(results: Sequence[object]) -> tuple[list[object], list[Conflict]]:
    unexpected = [
        r for r in results if isinstance(r, BaseException) and not isinstance(r, Conflict)
    ]
    assert not unexpected, unexpected  # a database error here is what the user saw as a 500
    return (
        [r for r in results if not isinstance(r, BaseException)],
        [r for r in results if isinstance(r, Conflict)],
    )


async def test_two_sign_ups_with_one_phone_make_one_account(db):
    results = await asyncio.gather(
        *(sign_up("0987 654 321", PASSWORD, f"Người {n}") for n in range(ROUNDS)),
        return_exceptions=True,
    )
    made, refused = _outcomes(results)
    assert len(made) == 1
    assert {error.code for error in refused} == {"phone_taken"}
    assert await User.count().where(User.phone == "+84987654321") == 1


async def test_two_products_given_one_gtin_at_once_leave_it_on_one(db):
    seller = await new_seller()
    producer = await new_producer(seller)
    results = await asyncio.gather(
        *(new_product(seller, producer, name=f"Bưởi lô {n}", gtin=GTIN) for n in range(ROUNDS)),
        return_exceptions=True,
    )
    made, refused = _outcomes(results)
    assert len(made) == 1
    assert {error.code for error in refused} == {"gtin_taken"}
    assert await ProductRow.count().where(ProductRow.gtin == GTIN) == 1


async def test_products_of_one_name_created_at_once_each_get_their_own_address(db):
    seller = await new_seller()
    producer = await new_producer(seller)
    results = await asyncio.gather(
        *(new_product(seller, producer, name="Bưởi Ngọc Lũ") for _ in range(ROUNDS)),
        return_exceptions=True,
    )
    made, refused = _outcomes(results)
    assert not refused
    slugs = [p.slug for p in made]  # type: ignore[attr-defined]
    assert len(set(slugs)) == ROUNDS
    assert "buoi-ngoc-lu" in slugs


async def test_producers_of_one_name_registered_at_once_each_get_their_own_address(db):
    sellers = [await new_seller(phone=f"09140000{n:02d}") for n in range(ROUNDS)]
    results = await asyncio.gather(
        *(new_producer(seller, name="HTX Mật ong Bình") for seller in sellers),
        return_exceptions=True,
    )
    made, _ = _outcomes(results)
    assert len(made) == ROUNDS
    rows = await ProducerRow.select(ProducerRow.slug)
    assert len({row["slug"] for row in rows}) == ROUNDS


async def test_two_officers_naming_sites_alike_at_once_get_one_and_a_clear_refusal(db):
    officer = await new_officer()
    results = await asyncio.gather(
        *(
            heritage.create_site(officer, site_input(f"Đình số {n}", slug="dinh-trieu-hoi"))
            for n in range(ROUNDS)
        ),
        return_exceptions=True,
    )
    made, refused = _outcomes(results)
    assert len(made) == 1
    assert {error.code for error in refused} == {"slug_taken"}
    assert await Site.count().where(Site.slug == "dinh-trieu-hoi") == 1
