"""`langso plaque SITE_SLUG -o plaque.pdf [--size A4|A5]`: print a site's QR plaque."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any


def register(commands: Any) -> None:
    parser = commands.add_parser("plaque", help="QR plaque PDF of a heritage site (A4 or A5)")
    parser.add_argument("slug", metavar="SITE_SLUG", help="the site's slug, e.g. dinh-trieu-hoi")
    parser.add_argument("-o", "--output", required=True, type=Path, help="the PDF file to write")
    parser.add_argument("--size", choices=("A4", "A5"), default="A4")
    parser.set_defaults(handler=print_plaque)


def print_plaque(args: argparse.Namespace) -> int:
    from traceability.heritage.plaque import plaque_for_site, site_url
    from traceability.labels import write_pdf_file

    pdf = asyncio.run(plaque_for_site(args.slug, args.size))
    if not write_pdf_file(args.output, pdf):
        return 1
    print(f"Đã ghi / wrote {args.output} ({args.size}): {site_url(args.slug)}")
    return 0
