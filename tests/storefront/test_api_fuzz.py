"""The JSON API fuzzed from its own OpenAPI document with schemathesis.

Every operation of `/schema/openapi.json` (`/api/v1/...` and `/health`) is called with data
generated from its schema, both valid data and data that breaks the schema, against a database
holding real products, producers, batches, carts, orders, heritage sites and a payment
connection, with a seller's bearer token so that the authenticated operations run their real
code too. Each operation is tried with random path values (mostly unknown resources) and with the
seeded resources' real keys. No answer may be a 5xx, and every answer must be one the document
declares, with the declared content type and body schema; data that breaks the schema must be
refused.

Schemathesis builds the requests and checks the answers; the requests go to the app in this
test's event loop (httpx over ASGI) because the PostgreSQL pool belongs to this loop; for the same
reason the document is read from the app here and given to `schemathesis.openapi.from_dict`
(`from_asgi` would start the app's lifespan in schemathesis' own thread and loop). Hypothesis
runs derandomized, without an example database, so a run is the same in CI as here.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import AcceptedNegativeData, FailureGroup
from schemathesis.schemas import APIOperation

from marketplace.accounts.service import create_api_token
from marketplace.catalogue.queries import get_producer, get_product
from marketplace.orders import carts
from tests.batch_support import BUOI, NGOC_LU, full_journal, opened_batch, seller_with_product
from tests.heritage_sites import new_officer, new_site
from tests.shop import build_shop, checkout, connect
from traceability.batches import append_trace_event

pytestmark = pytest.mark.db

BASE_URL = "http://testserver.local"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]
# Six examples per run keep the test near half a minute. To dig deeper from outside CI:
# LANGSO_FUZZ_EXAMPLES=100 (more cases) and LANGSO_FUZZ_SEED=<n> (other cases than CI's).
EXAMPLES_PER_RUN = int(os.environ.get("LANGSO_FUZZ_EXAMPLES", "6"))
FUZZ_SEED = os.environ.get("LANGSO_FUZZ_SEED")
REQUEST_TIMEOUT_SECONDS = 30.0


@dataclass
class Seeded:
    """Real keys of the seeded data, by path parameter (and, where it differs, by path)."""

    bearer: str
    path_values: dict[str, Any]
    by_path: dict[str, dict[str, Any]] = field(default_factory=dict)

    def path_parameters(self, operation: APIOperation) -> dict[str, Any] | None:
        names = [p.name for p in operation.path_parameters]
        if not names:
            return None
        values = {**self.path_values}
        for prefix, overrides in self.by_path.items():
            if operation.path.startswith(prefix):
                values.update(overrides)
        return {name: values[name] for name in names if name in values}


async def _seed() -> Seeded:
    shop = await build_shop()
    orders = await checkout({shop.product_ids["buoi"]: 1, shop.product_ids["mat_ong"]: 1})
    endpoint_id = await connect(shop)
    cart = await carts.new_cart()
    await carts.add_to_cart(cart, shop.product_ids["gao"], 2)

    seller, producer_id, product_id = await seller_with_product(
        phone="0912000001", gtin="08930000000019", product=BUOI, producer=NGOC_LU
    )
    batch = await opened_batch(seller, product_id)
    for event in full_journal():
        await append_trace_event(seller, batch.code, event)
    _, secret = await create_api_token(seller.id, "Máy kiểm thử")
    # A token the fuzzer may revoke without locking itself out.
    spare, _ = await create_api_token(seller.id, "Mã dự phòng")

    site = await new_site(await new_officer())
    product_slug = (await get_product(product_id)).slug
    producer_slug = (await get_producer(producer_id)).slug
    return Seeded(
        bearer=secret,
        path_values={
            "product_id": product_id,
            "producer_id": producer_id,
            "batch_code": batch.code,
            "token_id": spare.id,
            "code": "37",
            "provider": "sepay",
            "endpoint_id": endpoint_id,
        },
        by_path={
            "/api/v1/products/": {"slug": product_slug},
            "/api/v1/producers/": {"slug": producer_slug},
            "/api/v1/sites/": {"slug": site.slug},
            "/api/v1/carts/": {"token": cart, "product_id": shop.product_ids["gao"]},
            "/api/v1/payment-intents/": {"token": orders[0].payment_token},
        },
    )


def _request_of(case: Case) -> requests.PreparedRequest:
    """The exact request schemathesis would send (its own serializers, malformed bodies too)."""
    kwargs = case.as_transport_kwargs(base_url=BASE_URL)
    known = ("method", "url", "headers", "params", "cookies", "json", "data", "files", "auth")
    return requests.Request(**{k: v for k, v in kwargs.items() if k in known}).prepare()


def _free_text_query_parameters(operation: APIOperation) -> set[str]:
    """Query parameters whose schema takes any text (alone or in a list)."""
    names = set()
    for parameter in operation.query:
        definition = parameter.definition
        if "string" in json.dumps(definition.get("schema", definition)):
            names.add(parameter.name)
    return names


def _unreadable_difference(failure: Exception, free_text: set[str]) -> bool:
    """A "schema-violating" value that no server can tell apart from a valid one: the fuzzer
    sends `false` or `null` for a text parameter, and in a query string that is just the text
    "false" or "null", which such a parameter rightly accepts."""
    return isinstance(failure, AcceptedNegativeData) and any(
        f"parameter `{name}` in query" in str(failure) for name in free_text
    )


def _can_break(operation: APIOperation) -> bool:
    """Whether schema-breaking data exists: not for an operation whose only input is text in
    the path (any text is a valid string)."""
    if operation.body or operation.query or operation.headers:
        return True
    return any(
        "string" not in json.dumps(p.definition.get("schema", {}))
        for p in operation.path_parameters
    )


@dataclass
class Finding:
    operation: str
    mode: str
    problem: str


def _fuzz(
    operation: APIOperation,
    mode: GenerationMode,
    path_parameters: dict[str, Any] | None,
    send: Callable[[Case], httpx.Response],
) -> Finding | None:
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters or None)
    free_text = _free_text_query_parameters(operation)
    tried: list[Case] = []

    @settings(
        max_examples=EXAMPLES_PER_RUN,
        derandomize=FUZZ_SEED is None,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(strategy)
        tried.append(case)
        response = send(case)
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            if not all(_unreadable_difference(f, free_text) for f in group.exceptions):
                raise

    if FUZZ_SEED is not None:
        run = seed(int(FUZZ_SEED))(run)
    try:
        run()
    except Unsatisfiable:
        return None  # nothing to break: no parameters, or only the fixed real keys
    except (Exception, FailureGroup) as error:
        failures = error.exceptions if isinstance(error, FailureGroup) else (error,)
        problems = "\n".join(f"- {type(f).__name__}: {f}" for f in failures)
        request = _request_of(tried[-1]) if tried else None
        sent = f"{request.method} {request.url} {request.body!r}" if request else "(no request)"
        return Finding(operation.label, mode.value, f"{sent}\n{problems}")
    return None


async def test_every_api_operation_survives_fuzzing(client: httpx.AsyncClient) -> None:
    seeded = await _seed()
    document = await client.get("/schema/openapi.json")
    assert document.status_code == 200
    schema = schemathesis.openapi.from_dict(document.json())
    loop = asyncio.get_running_loop()
    bearer = {"authorization": f"Bearer {seeded.bearer}"}
    answered: dict[str, set[int]] = {}

    def send(case: Case) -> httpx.Response:
        prepared = _request_of(case)
        headers = {**bearer, **dict(prepared.headers)}
        client.cookies.clear()  # only the bearer token says who is calling
        body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
        call = client.request(
            str(prepared.method), str(prepared.url), headers=headers, content=body
        )
        response = asyncio.run_coroutine_threadsafe(call, loop).result(REQUEST_TIMEOUT_SECONDS)
        answered.setdefault(case.operation.label, set()).add(response.status_code)
        return response

    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().path.startswith("/api/") or result.ok().path == "/health"
    ]
    # Revoking tokens comes last: a random id may be the fuzzer's own token.
    operations.sort(key=lambda operation: operation.label == "DELETE /api/v1/tokens/{token_id}")
    assert len(operations) >= 35, [op.label for op in operations]

    def fuzz_all() -> list[Finding]:
        findings: list[Finding] = []
        for operation in operations:
            real = seeded.path_parameters(operation)
            # The seeded keys first, so that they meet the data before random calls change it.
            runs: list[tuple[GenerationMode, dict[str, Any] | None]] = []
            if real:
                runs.append((GenerationMode.POSITIVE, real))
                if operation.body or operation.query:
                    runs.append((GenerationMode.NEGATIVE, real))
            runs.append((GenerationMode.POSITIVE, None))
            if _can_break(operation):
                runs.append((GenerationMode.NEGATIVE, None))
            for mode, path_parameters in runs:
                found = _fuzz(operation, mode, path_parameters, send)
                if found:
                    findings.append(found)
        return findings

    started = time.monotonic()
    findings = await asyncio.to_thread(fuzz_all)
    elapsed = time.monotonic() - started
    report = "\n\n".join(f"{f.operation} [{f.mode}]\n{f.problem}" for f in findings)
    assert not findings, f"{len(findings)} failing runs in {elapsed:.0f} s:\n\n{report}"
    # The fuzzer reached the real code, signed in, not only the input checks.
    succeeded = {label for label, statuses in answered.items() if any(s < 300 for s in statuses)}
    for label in [
        "GET /api/v1/me",
        "GET /api/v1/batches/{batch_code}/journal",
        "GET /api/v1/producers/{producer_id}/batches",
        "GET /api/v1/batches/{batch_code}",
        "GET /api/v1/products/{slug}",
        "GET /api/v1/sites/{slug}",
        "GET /api/v1/carts/{token}",
        "GET /api/v1/payment-intents/{token}",
        "GET /api/v1/search",
    ]:
        assert label in succeeded, (label, answered.get(label))
    assert len(succeeded) >= 25, sorted(succeeded)


async def test_a_number_too_large_for_the_database_is_a_clear_422(
    client: httpx.AsyncClient,
) -> None:
    """Found by the fuzzer: ids beyond 64 bits reached the database driver and answered 500."""
    seeded = await _seed()
    bearer = {"authorization": f"Bearer {seeded.bearer}"}
    too_large = 2**70
    for method, path, body in [
        ("DELETE", f"/api/v1/tokens/{too_large}", None),
        ("GET", f"/api/v1/producers/{too_large}/batches", None),
        ("POST", "/api/v1/batches", {"product_id": too_large}),
    ]:
        response = await client.request(method, path, json=body, headers=bearer)
        assert response.status_code == 422, (path, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert problem["code"] == "value_out_of_range"
        assert problem["message_vi"].startswith("Có giá trị nằm ngoài khoảng")


async def test_every_api_error_in_the_document_is_problem_json(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/schema/openapi.json")).json()
    problem = spec["components"]["schemas"]["Problem"]
    assert {"code", "message_vi", "message_en", "status"} <= set(problem["required"])
    declared: dict[str, set[str]] = {}
    for path, item in spec["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    content = response["content"]
                    assert list(content) == ["application/problem+json"], (method, path, status)
                    assert content["application/problem+json"]["schema"] == {
                        "$ref": "#/components/schemas/Problem"
                    }
            declared[operation["operationId"]] = set(operation["responses"])
    assert {"401"} <= declared["GetMe"]
    assert {"400", "401", "403", "404", "409", "422"} <= declared["AppendBatchEvent"]
    assert {"404", "409", "422"} <= declared["AddCartItem"]
    assert {"429"} <= declared["ReceivePaymentWebhook"]
    assert declared["ListProvinces"] == {"200"}
