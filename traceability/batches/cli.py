"""`langso labels BATCH_CODE -o labels.pdf [--layout a4-3x8] [--count N]`: a label sheet."""

from __future__ import annotations

import argparse
import asyncio
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
    from traceability.batches.labels import batch_labels_pdf, provenance_url
    from traceability.codes import parse_batch_code

    base_url = get_settings().base_url
    pdf = asyncio.run(batch_labels_pdf(args.code, base_url, args.layout, args.count))
    args.output.write_bytes(pdf)
    url = provenance_url(base_url, parse_batch_code(args.code))
    print(f"Đã ghi / wrote {args.output} ({args.layout}): {url}")
    return 0
