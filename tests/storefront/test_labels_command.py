"""`langso labels BATCH_CODE -o labels.pdf`: a sheet whose every QR opens the batch's page."""

import os
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp

from marketplace.config import load_settings
from tests.batch_support import opened_batch, seller_with_product

ROOT = Path(__file__).resolve().parents[2]


def langso(*args):
    return subprocess.run(
        [sys.executable, "-m", "storefront.cli", *args],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )


def qr_texts(pdf_path):
    texts = []
    for page in pdfium.PdfDocument(pdf_path.read_bytes()):
        image = page.render(scale=300 / 72).to_pil().convert("L")
        texts += [
            b.text for b in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        ]
    return texts


async def test_labels_command_writes_a_sheet_whose_codes_read_back(db, tmp_path):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    output = tmp_path / "labels.pdf"
    done = langso(
        "labels", batch.code.lower(), "-o", str(output), "--layout", "a4-4x10", "--count", "5"
    )
    assert done.returncode == 0, done.stderr
    url = f"{load_settings().base_url}/t/{batch.code}"
    assert url in done.stdout
    assert qr_texts(output) == [url] * 5


async def test_labels_command_fills_one_sheet_by_default(db, tmp_path):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    output = tmp_path / "sheet.pdf"
    assert langso("labels", batch.code, "-o", str(output)).returncode == 0
    assert len(qr_texts(output)) == 24


async def test_labels_command_refuses_an_unknown_batch_in_both_languages(db, tmp_path):
    done = langso("labels", "7K3M9QX2A8T", "-o", str(tmp_path / "x.pdf"))
    assert done.returncode == 2
    assert "Mã lô" in done.stderr and "batch code" in done.stderr
    assert not (tmp_path / "x.pdf").exists()
