"""`langso vietqr encode|decode` and `langso payments expire|simulate`."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

import httpx

from marketplace.config import get_settings
from marketplace.db import run_with_database
from marketplace.errors import ApplicationError, Conflict, InvalidInput, NotFound
from marketplace.payments.vietqr import VietQRError

# --- vietqr -----------------------------------------------------------------------------------

# VietQRError.reason → what it means in Vietnamese (its own message, with the detail, is English)
VIETQR_REASONS_VI = {
    "bin_invalid": "Mã BIN của ngân hàng phải gồm đúng 6 chữ số.",
    "bin_missing": "Mã không có BIN của ngân hàng (trường 38/01/00).",
    "account_invalid": "Số tài khoản phải gồm từ 1 đến 19 chữ cái hoặc chữ số.",
    "account_missing": "Mã không có số tài khoản hay số thẻ (trường 38/01/01).",
    "amount_invalid": "Số tiền phải là số nguyên dương tính bằng đồng, tối đa 13 chữ số.",
    "purpose_invalid": "Nội dung chuyển khoản tối đa 25 ký tự, chỉ gồm chữ A-Z, a-z không dấu, "
    "chữ số và dấu cách.",
    "service_invalid": "Mã dịch vụ phải là QRIBFTTA (tới tài khoản) hoặc QRIBFTTC (tới thẻ).",
    "service_missing": "Mã không có mã dịch vụ (trường 38/02).",
    "crc_missing": "Mã thiếu trường kiểm tra CRC (63), hoặc trường đó bị cắt cụt.",
    "crc_not_last": "Trường kiểm tra CRC (63) phải là trường cuối cùng, và chỉ có một.",
    "crc_malformed": "Mã kiểm tra CRC phải gồm 4 chữ số thập lục phân.",
    "crc_mismatch": "Mã kiểm tra CRC không khớp với nội dung: mã đã bị chép sai hoặc bị sửa.",
    "tag_invalid": "Số hiệu của một trường phải gồm 2 chữ số: đây không phải mã VietQR đúng.",
    "length_not_decimal": "Độ dài của một trường phải gồm 2 chữ số: đây không phải mã VietQR đúng.",
    "length_overrun": "Một trường dài hơn phần còn lại của mã: mã đã bị cắt cụt.",
    "duplicate_field": "Một trường xuất hiện hai lần trong mã.",
    "format_indicator_invalid": "Chỉ báo định dạng (trường 00) phải là 01.",
    "initiation_invalid": "Phương thức khởi tạo (trường 01) phải là 11 (mã tĩnh) hoặc 12 (mã "
    "động).",
    "currency_invalid": "Đơn vị tiền (trường 53) phải là 704 (đồng Việt Nam).",
    "merchant_account_missing": "Mã không có thông tin tài khoản NAPAS (trường 38).",
    "guid_missing": "Trường 38 không có định danh NAPAS (38/00).",
    "guid_unknown": "Trường 38 không mang định danh NAPAS A000000727: đây không phải mã VietQR.",
}


def _vietqr_refused(error: VietQRError) -> InvalidInput:
    vietnamese = VIETQR_REASONS_VI.get(error.reason, "Mã VietQR không hợp lệ.")
    return InvalidInput(error.reason, vietnamese, str(error))


def _warn_if_unknown_bank(bank_bin: str) -> None:
    """A payload for a BIN no bank holds is valid VietQR, but no banking app can pay it."""
    from marketplace.banks import bank_by_bin

    try:
        bank_by_bin(bank_bin)
    except InvalidInput:
        print(
            f"Cảnh báo: không có ngân hàng nào trong danh sách mang mã BIN {bank_bin}: ứng dụng "
            f"ngân hàng sẽ không chuyển được tiền tới mã này.\n"
            f"Warning: no bank in the list has the BIN {bank_bin}; banking apps cannot pay "
            f"this code.",
            file=sys.stderr,
        )


def cmd_vietqr_encode(args: argparse.Namespace) -> int:
    """Print the canonical VietQR payload for a transfer."""
    from marketplace.payments.vietqr import encode

    try:
        payload = encode(args.bank_bin, args.account, amount=args.amount, purpose=args.purpose)
    except VietQRError as error:
        raise _vietqr_refused(error) from None
    print(payload)
    _warn_if_unknown_bank(args.bank_bin)
    return 0


def cmd_vietqr_decode(args: argparse.Namespace) -> int:
    """Print what a VietQR payload says, as JSON."""
    from marketplace.payments.vietqr import decode

    try:
        code = decode(args.payload)
    except VietQRError as error:
        raise _vietqr_refused(error) from None
    fields = {
        "bank_bin": code.bank_bin,
        "account": code.account,
        "service": code.service,
        "amount": code.amount,
        "purpose": code.purpose,
        "point_of_initiation": code.point_of_initiation,
    }
    print(json.dumps(fields, ensure_ascii=False, indent=2))
    _warn_if_unknown_bank(code.bank_bin)
    return 0


def register_vietqr(commands: Any) -> None:
    vietqr = commands.add_parser("vietqr", help="encode or decode VietQR payloads")
    actions = vietqr.add_subparsers(dest="vietqr_command", required=True)
    encode = actions.add_parser("encode", help="print the payload for a transfer")
    encode.add_argument("bank_bin", metavar="BIN", help="6-digit bank BIN, e.g. 970422")
    encode.add_argument("account", metavar="ACCOUNT")
    encode.add_argument("--amount", type=int, default=None, help="whole đồng")
    encode.add_argument("--purpose", default=None, help="transfer message, ≤ 25 of [A-Z0-9 ]")
    encode.set_defaults(handler=cmd_vietqr_encode)
    decode = actions.add_parser("decode", help="print the fields of a payload")
    decode.add_argument("payload", metavar="PAYLOAD")
    decode.set_defaults(handler=cmd_vietqr_decode)


# --- payments ---------------------------------------------------------------------------------


def cmd_payments_expire(args: argparse.Namespace) -> int:
    """Expire unpaid orders past their payment window (run it every minute from cron)."""
    from marketplace.orders.lifecycle import expire_unpaid

    count = run_with_database(expire_unpaid)
    print(f"Đã hết hạn {count} đơn / expired {count} orders")
    return 0


async def _simulated_request(
    reference: str, amount: int | None
) -> tuple[str, dict[str, str], bytes]:
    from marketplace.orders.queries import order_by_reference
    from marketplace.orders.schemas import SUCCEEDED
    from marketplace.payments.connections import producer_endpoint
    from marketplace.payments.simulate import new_transfer, signed_request

    order = await order_by_reference(reference)
    if order.intent is None:
        raise NotFound(
            "order_without_payment",
            "Đơn này thanh toán khi nhận hàng, không có chuyển khoản để giả lập.",
            "This order is paid on delivery: there is no transfer to simulate.",
        )
    found = await producer_endpoint(order.producer_id)
    if found is None:
        raise NotFound(
            "provider_not_connected",
            f"{order.producer_name} chưa kết nối SePay, Casso hay payOS "
            f"(trang /seller/{order.producer_id}/payments).",
            f"{order.producer_name} has no SePay, Casso or payOS connection "
            f"(page /seller/{order.producer_id}/payments).",
        )
    if amount is None:
        # Nothing is due once the intent succeeded (by a transfer, or by the seller's
        # "đã nhận tiền", which records no amount) or the transfers cover the amount.
        amount = 0 if order.intent.state == SUCCEEDED else order.intent.amount_due_vnd
        if amount <= 0:
            raise Conflict(
                "nothing_due",
                f"Đơn {order.reference} đã được thanh toán đủ: không còn khoản nào phải "
                "chuyển, nên không gửi gì. Muốn giả lập thêm một lần chuyển khoản, hãy ghi "
                "rõ số tiền bằng --amount N.",
                f"Order {order.reference} is paid in full: nothing is due, so nothing was "
                "sent. To simulate another transfer anyway, give the amount with --amount N.",
            )
    connection, secrets = found
    now = datetime.now(UTC)
    credit = new_transfer(
        order.intent.account, amount, f"{order.reference} chuyen tien mua hang", now
    )
    headers, body = signed_request(connection.provider, credit, secrets, now)
    return connection.webhook_path, headers, body


def cmd_payments_simulate(args: argparse.Namespace) -> int:
    """Send the order's producer's provider webhook for a transfer, signed, to a running server."""
    reference = args.order_ref.strip().upper()
    path, headers, body = run_with_database(lambda: _simulated_request(reference, args.amount))
    url = (args.url or get_settings().base_url).rstrip("/")
    try:
        response = httpx.post(url + path, content=body, headers=headers, timeout=15)
    except httpx.TransportError as error:
        raise ApplicationError(
            "server_unreachable",
            f"Không gửi được tới {url} ({type(error).__name__}): máy chủ có đang chạy ở địa "
            "chỉ đó không? Chọn địa chỉ bằng --url (hoặc BASE_URL).",
            f"Could not reach {url} ({type(error).__name__}): is the server running there? "
            "Give its address with --url (or BASE_URL).",
        ) from error
    print(f"{response.status_code} {response.text}")
    return 0 if response.is_success else 1


def _positive_amount(text: str) -> int:
    """A whole, positive number of đồng (`--amount 0` would send nothing)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(
            f"số đồng phải là số nguyên dương / must be a positive whole number of đồng: {text!r}"
        )
    return value


def register_payments(commands: Any) -> None:
    payments = commands.add_parser("payments", help="payment housekeeping and demos")
    actions = payments.add_subparsers(dest="payments_command", required=True)
    expire = actions.add_parser("expire", help="expire unpaid orders, releasing their stock")
    expire.set_defaults(handler=cmd_payments_expire)
    simulate = actions.add_parser(
        "simulate", help="send a correctly signed bank-transfer webhook for an order"
    )
    simulate.add_argument("order_ref", metavar="ORDER_REF")
    simulate.add_argument(
        "--url",
        default=None,
        help="the running server's address (default: BASE_URL, http://127.0.0.1:8000 unless set)",
    )
    simulate.add_argument(
        "--amount",
        type=_positive_amount,
        default=None,
        help="đồng (default: the amount still due; refused when nothing is due)",
    )
    simulate.set_defaults(handler=cmd_payments_simulate)
