"""`langso labels BATCH_CODE -o labels.pdf [--layout a4-3x8] [--count N]`: a label sheet."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from traceability.labels import DEFAULT_LAYOUT, LAYOUTS


def register(commands: Any) -> None:
    parser = commands.add_parser("labels", help="QR label sheet PDF of a batch")
    parser.add_argument("code", metavar="BATCH_CODE", help="the batch code printed on labels")
    parser.add_argument("-o", "--output", required=True, type=Path, help="the PDF file to write")
    parser.add_argument("--layout", choices=sorted(LAYOUTS), default=DEFAULT_LAYOUT)
    parser.add_argument("--count", type=int, default=None, help="labels (default: one sheet)")
    parser.set_defaults(handler=print_labels)


def print_labels(args: argparse.Namespace) -> int:
    from marketplace.config import get_settings
    from marketplace.errors import Conflict
    from traceability.batches.labels import batch_label_url, batch_labels_pdf
    from traceability.labels import write_pdf_file

    base_url = get_settings().base_url

    async def sheet() -> tuple[bytes, str]:
        pdf = await batch_labels_pdf(args.code, base_url, args.layout, args.count)
        return pdf, await batch_label_url(args.code, base_url)

    try:
        pdf, url = asyncio.run(sheet())
    except Conflict as refused:  # a recalled batch: nothing to print, by design
        print(f"{refused.message_vi}\n{refused.message_en}", file=sys.stderr)
        return 1
    if not write_pdf_file(args.output, pdf):
        return 1
    print(f"Đã ghi / wrote {args.output} ({args.layout}): {url}")
    return 0
