"""`langso payments simulate` sends the amount still due, and nothing when nothing is due."""

import asyncio
import os
import socket
import sys
from pathlib import Path

import httpx

from marketplace.orders.lifecycle import confirm_paid_by_hand
from marketplace.orders.queries import get_order
from marketplace.orders.schemas import PAID
from tests.shop import build_shop, checkout, connect

ROOT = Path(__file__).resolve().parents[3]


async def _langso(*args):
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "storefront.cli",
        *args,
        cwd=ROOT,
        env=dict(os.environ),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return process.returncode, out.decode(), err.decode()


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _serve():
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "storefront.cli",
        "serve",
        "--port",
        str(port),
        cwd=ROOT,
        env=dict(os.environ),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient() as client:
        for _ in range(150):
            try:
                if (await client.get(f"{url}/health")).status_code == 200:
                    return process, url
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    process.terminate()
    raise RuntimeError("the server did not start")


async def test_simulating_a_paid_order_again_is_refused_and_sends_nothing(db):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 2})
    await connect(shop, "ngoc_lu", "sepay")
    process, url = await _serve()
    try:
        first = await _langso("payments", "simulate", order.reference, "--url", url)
        again = await _langso("payments", "simulate", order.reference, "--url", url)
    finally:
        process.terminate()
        await process.wait()
    assert first[0] == 0 and first[1].startswith("200 "), first
    code, out, err = again
    assert code == 2 and out == ""
    assert "Lỗi (nothing_due)" in err
    assert f"Đơn {order.reference} đã được thanh toán đủ" in err and "--amount N" in err
    paid = await get_order(order.id)
    assert paid.state == PAID
    assert paid.intent.amount_received_vnd == order.intent.amount_vnd  # once, not twice
    assert paid.intent.overpaid is False


async def test_an_order_marked_paid_by_hand_has_nothing_due(db):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 1})
    await connect(shop, "ngoc_lu", "sepay")
    await confirm_paid_by_hand(shop.seller, shop.producer_ids["ngoc_lu"], order.id)
    unused = f"http://127.0.0.1:{_free_port()}"  # nothing listens: sending would crash
    code, _, err = await _langso("payments", "simulate", order.reference, "--url", unused)
    assert code == 2
    assert "Lỗi (nothing_due)" in err and "Traceback" not in err
    assert (await get_order(order.id)).intent.amount_received_vnd == 0


async def test_an_amount_must_be_a_positive_number_of_dong(db):
    code, _, err = await _langso("payments", "simulate", "DH0000000", "--amount", "0")
    assert code == 2
    assert "số đồng phải là số nguyên dương" in err
