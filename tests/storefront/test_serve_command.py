"""`langso serve`: a busy port is refused, and the printed address follows the port served."""

import asyncio
import io
import os
import socket
import sys
from pathlib import Path

import httpx
import zxingcpp
from PIL import Image

from tests.batch_support import opened_batch, seller_with_product

ROOT = Path(__file__).resolve().parents[2]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(**changes):
    env = {key: value for key, value in os.environ.items() if key != "BASE_URL"}
    return {**env, **changes}


async def _langso(*args, env=None, seconds=60):
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "storefront.cli",
        *args,
        cwd=ROOT,
        env=env or _environment(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), seconds)
    except TimeoutError:
        process.terminate()
        await process.wait()
        raise AssertionError(f"`langso {' '.join(args)}` did not exit: it is serving") from None
    return process.returncode, out.decode(), err.decode()


class Server:
    """A real `langso serve` on `port`, started the way `make run` starts it."""

    def __init__(self, port, env=None):
        self.port, self.env, self.process = port, env or _environment(), None
        self.url = f"http://127.0.0.1:{port}"

    async def __aenter__(self):
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "storefront.cli",
            "serve",
            "--port",
            str(self.port),
            cwd=ROOT,
            env=self.env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        async with httpx.AsyncClient() as client:
            for _ in range(150):
                try:
                    if (await client.get(f"{self.url}/health")).status_code == 200:
                        return self
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        await self.__aexit__()
        raise RuntimeError("the server did not start")

    async def __aexit__(self, *_):
        self.process.terminate()
        await self.process.wait()


async def test_a_second_server_on_a_busy_port_is_refused_and_the_first_keeps_serving(db):
    port = _free_port()
    async with Server(port) as first:
        code, out, err = await _langso("serve", "--port", str(port))
        assert code == 2, out + err
        assert f"Lỗi (port_in_use): Cổng {port} trên 127.0.0.1 đang có chương trình khác" in err
        assert f"langso serve --port {port + 1}" in err
        assert f"Error: Port {port} on 127.0.0.1 is already in use" in err
        async with httpx.AsyncClient() as client:
            assert (await client.get(f"{first.url}/health")).status_code == 200


async def test_a_port_held_by_another_program_is_refused():
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        code, _, err = await _langso("serve", "--port", str(port), seconds=30)
    assert code == 2
    assert f"Cổng {port} trên 127.0.0.1 đang có chương trình khác dùng" in err


async def test_a_port_out_of_range_is_refused():
    code, _, err = await _langso("serve", "--port", "70000", seconds=30)
    assert code == 2
    assert "cổng phải là số từ 1 đến 65535" in err


async def test_links_and_qr_addresses_name_the_port_served(db):
    seller, _, product_id = await seller_with_product()
    code = (await opened_batch(seller, product_id)).code
    port = _free_port()
    async with Server(port) as server, httpx.AsyncClient() as client:
        batch = (await client.get(f"{server.url}/api/v1/batches/{code}")).json()
        qr = await client.get(f"{server.url}/t/{code}/qr.png")
    assert batch["url"] == f"http://127.0.0.1:{port}/t/{code}"
    image = Image.open(io.BytesIO(qr.content)).convert("L")
    assert [
        found.text for found in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    ] == [f"http://127.0.0.1:{port}/t/{code}"]


async def test_a_base_url_that_is_set_is_kept(db):
    seller, _, product_id = await seller_with_product()
    code = (await opened_batch(seller, product_id)).code
    env = _environment(BASE_URL="https://langso.example.vn")
    async with Server(_free_port(), env) as server, httpx.AsyncClient() as client:
        batch = (await client.get(f"{server.url}/api/v1/batches/{code}")).json()
    assert batch["url"] == f"https://langso.example.vn/t/{code}"
