"""Webhook requests exactly as SePay, Casso and payOS send them, correctly signed.

For demos (`langso payments simulate ORDER_REF`) and tests: the body has each provider's
documented fields and the authentication its real requests carry, so the server's checks
run unchanged.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marketplace.payments import providers
from marketplace.payments._webhook_fields import VIETNAM_TIME
from marketplace.payments.connections import ProviderSecrets


@dataclass(frozen=True)
class SimulatedTransfer:
    account_number: str
    amount_vnd: int
    message: str
    transaction_id: int
    occurred_at: datetime


def new_transfer(
    account_number: str, amount_vnd: int, message: str, occurred_at: datetime
) -> SimulatedTransfer:
    """A credit with a fresh random transaction id, as the bank would number it."""
    return SimulatedTransfer(
        account_number, amount_vnd, message, secrets.randbelow(10**9) + 1, occurred_at
    )


def _local(moment: datetime) -> str:
    return moment.astimezone(VIETNAM_TIME).strftime("%Y-%m-%d %H:%M:%S")


def _dumps(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sepay_request(
    credit: SimulatedTransfer, secrets_: ProviderSecrets, now: datetime
) -> tuple[dict[str, str], bytes]:
    body = _dumps(
        {
            "id": credit.transaction_id,
            "gateway": "MBBank",
            "transactionDate": _local(credit.occurred_at),
            "accountNumber": credit.account_number,
            "subAccount": None,
            "code": None,
            "content": credit.message,
            "transferType": "in",
            "transferAmount": credit.amount_vnd,
            "accumulated": 0,
            "referenceCode": f"FT{credit.transaction_id}",
            "description": f"BankAPINotify {credit.message}",
        }
    )
    if secrets_.hmac_secret:
        headers = providers.sign_sepay(body, secrets_.hmac_secret, int(now.timestamp()))
    else:
        headers = {"Authorization": f"Apikey {secrets_.api_key}"}
    return {"Content-Type": "application/json", **headers}, body


def casso_request(
    credit: SimulatedTransfer, secrets_: ProviderSecrets, now: datetime
) -> tuple[dict[str, str], bytes]:
    body: dict[str, Any] = {
        "error": 0,
        "data": {
            "id": credit.transaction_id,
            "reference": f"FT{credit.transaction_id}",
            "description": credit.message,
            "amount": credit.amount_vnd,
            "runningBalance": 0,
            "transactionDateTime": _local(credit.occurred_at),
            "accountNumber": credit.account_number,
            "bankName": "MBBank",
            "bankAbbreviation": "MBB",
            "virtualAccountNumber": "",
            "virtualAccountName": "",
            "counterAccountName": "",
            "counterAccountNumber": "",
            "counterAccountBankId": "",
            "counterAccountBankName": "",
        },
    }
    signature = providers.sign_casso(body, secrets_.checksum_key, int(now.timestamp() * 1000))
    return {"Content-Type": "application/json", "X-Casso-Signature": signature}, _dumps(body)


def payos_request(
    credit: SimulatedTransfer, secrets_: ProviderSecrets, now: datetime
) -> tuple[dict[str, str], bytes]:
    data: dict[str, Any] = {
        "orderCode": credit.transaction_id,
        "amount": credit.amount_vnd,
        "description": credit.message,
        "accountNumber": credit.account_number,
        "reference": f"FT{credit.transaction_id}",
        "transactionDateTime": _local(credit.occurred_at),
        "currency": "VND",
        "paymentLinkId": secrets.token_hex(16),
        "code": "00",
        "desc": "success",
        "counterAccountBankId": "",
        "counterAccountBankName": "",
        "counterAccountName": "",
        "counterAccountNumber": "",
        "virtualAccountName": "",
        "virtualAccountNumber": "",
    }
    body = {
        "code": "00",
        "desc": "success",
        "success": True,
        "data": data,
        "signature": providers.sign_payos_data(data, secrets_.checksum_key),
    }
    return {"Content-Type": "application/json"}, _dumps(body)


def signed_request(
    provider: str, credit: SimulatedTransfer, secrets_: ProviderSecrets, now: datetime
) -> tuple[dict[str, str], bytes]:
    """Headers and body of the webhook `provider` would send for `credit`, signed at `now`."""
    builders = {
        providers.SEPAY: sepay_request,
        providers.CASSO: casso_request,
        providers.PAYOS: payos_request,
    }
    return builders[provider](credit, secrets_, now)
