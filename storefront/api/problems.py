"""The problem+json answers of the JSON API, declared in its OpenAPI document in one place.

Every error of the API is written by `storefront.errors.handle` as `application/problem+json`
with a machine `code` and messages in Vietnamese and English. Litestar would document only a 400
of its own shape (`status_code`, `detail`) for handlers that take input; `ProblemResponsesPlugin`
replaces that with the statuses each operation can really answer, all with the `Problem` schema:

- any input (path, query or body) → 400 (the request cannot be read, e.g. a body that is not
  JSON) and 422 (a value that breaks a rule, or that no database column can hold);
- input in the path → 404 (an unknown key, or one of the wrong type, matches nothing);
- what else an operation can answer is listed in `EXTRA_PROBLEMS` below, by operation id
  (`SIGNED_IN` for operations that need an account, 409 for conflicts, 429 for rate limits).

The fuzz test (tests/storefront/test_api_fuzz.py) fails on any status an operation answers that
its document does not declare, so a new operation or a new error shows up there.
"""

from __future__ import annotations

from collections.abc import Iterable

from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.plugins import ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute

from storefront.errors import PROBLEM_JSON, Problem

# The caller must be signed in (401), and the account may lack the right (403).
SIGNED_IN = (401, 403)
_WRITE = (*SIGNED_IN, 409)

EXTRA_PROBLEMS: dict[str, tuple[int, ...]] = {
    # accounts
    "GetMe": (401,),
    "ListApiTokens": (401,),
    "CreateApiToken": SIGNED_IN,
    "RevokeApiToken": SIGNED_IN,
    # catalogue
    "CreateProduct": _WRITE,
    "UpdateProduct": _WRITE,
    "ArchiveProduct": _WRITE,
    "CreateProducer": _WRITE,
    "UpdateProducer": _WRITE,
    # batches
    "ExportBatchEpcis": SIGNED_IN,
    "GetBatchJournal": SIGNED_IN,
    "ListProducerBatches": SIGNED_IN,
    "OpenBatch": (*_WRITE, 404),
    "AppendBatchEvent": _WRITE,
    "RecallBatch": _WRITE,
    "LinkBatches": _WRITE,
    # carts, checkout and payment (stock, order state)
    "AddCartItem": (409,),
    "UpdateCartItem": (409,),
    "RemoveCartItem": (409,),
    "CheckoutCart": (409,),
    "CreatePaymentIntent": (404, 409),
    "CancelPaymentIntent": (409,),
    # a provider's signature or key, a replayed or stale call, a storm
    "ReceivePaymentWebhook": (400, 401, 403, 409, 413, 422, 429),
}

_DESCRIPTIONS = {
    400: "The request cannot be read (for instance a body that is not JSON).",
    401: "Not signed in, or the bearer token is invalid or revoked.",
    403: "Signed in, but not allowed to do this (or the CSRF check failed).",
    404: "Nothing found under this key.",
    409: "The request conflicts with the current state (stock, status, duplicates).",
    413: "The request body is too large.",
    422: "The submitted data breaks a rule; `errors` names the fields.",
    429: "Too many requests; try again after `Retry-After` seconds.",
}


def problem_responses(statuses: Iterable[int]) -> dict[int, ResponseSpec]:
    """OpenAPI responses for `statuses`, each a problem+json `Problem`."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            media_type=PROBLEM_JSON,
            description=_DESCRIPTIONS.get(status, "An error with a machine code."),
            generate_examples=False,
        )
        for status in sorted(set(statuses))
    }


def is_api_path(path: str) -> bool:
    return path.startswith("/api/") or path == "/health"


# Handler parameters that are not input from the caller.
_NOT_INPUT = frozenset({"request", "self", "state", "scope", "socket", "headers", "cookies"})


def problem_statuses(handler: HTTPRouteHandler, route: HTTPRoute) -> set[int]:
    """The error statuses `handler` can answer on `route`, from its inputs and the table."""
    statuses: set[int] = set(EXTRA_PROBLEMS.get(str(handler.operation_id), ()))
    path_names = set(route.path_parameters)
    inputs = set(handler.parsed_fn_signature.parameters) - _NOT_INPUT
    if path_names or inputs:
        # 400 where Litestar would document its own (`status_code`, `detail`); 422 for a value
        # that breaks a rule, or that the database cannot hold (an id beyond 64 bits).
        statuses.update((400, 422))
    if path_names:
        statuses.add(404)
    return statuses


class ProblemResponsesPlugin(ReceiveRoutePlugin):
    """Declares each API operation's problem+json answers as its route is registered."""

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute) or not is_api_path(route.path):
            return
        for handler in route.route_handlers:
            declared = dict(handler.responses or {})
            handler.responses = {**problem_responses(problem_statuses(handler, route)), **declared}
