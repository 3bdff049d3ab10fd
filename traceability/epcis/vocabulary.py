"""Vocabularies: CBV 2.0 terms (from GS1's vendored schema) and Langso's own namespace.

CBV has no step for planting, fertilising, spraying or irrigating, so those field activities
use URIs under `https://langso.vn/voc/`, the prefix `langso:` in exported documents.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Any

LANGSO_VOCAB = "https://langso.vn/voc/"
EPCIS_CONTEXT_URL = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
LANGSO_CONTEXT: list[Any] = [EPCIS_CONTEXT_URL, {"langso": LANGSO_VOCAB}]
CBV = "https://ref.gs1.org/cbv/"
_SCHEMA = files("traceability") / "data" / "epcis" / "EPCIS-JSON-Schema.json"
# Schema definition holding the bare terms → prefix of their web URI.
_TERM_SETS = {
    "bizStep": "BizStep-",
    "disposition": "Disp-",
    "bizTransaction-type": "BTT-",
    "source-dest-type": "SDT-",
    "error-reason": "ER-",
}


def langso_term(kind: str, name: str) -> str:
    """A term of Langso's vocabulary, e.g. `langso_term("bizstep", "spraying")`."""
    return f"{LANGSO_VOCAB}{kind}/{name}"


@cache
def cbv_terms(definition: str) -> frozenset[str]:
    """The bare CBV terms GS1's schema allows for `definition` (e.g. every bizStep)."""
    schema = json.loads(_SCHEMA.read_text(encoding="utf-8"))
    alternatives = schema["definitions"][definition]["anyOf"]
    return frozenset(term for option in alternatives for term in option.get("enum", ()))


def cbv_uri(definition: str, term: str) -> str:
    """The web URI of a bare CBV term (`"shipping"` → `https://ref.gs1.org/cbv/BizStep-shipping`),
    or the term itself when it is already a URI of some other vocabulary."""
    return CBV + _TERM_SETS[definition] + term if term in cbv_terms(definition) else term


def expand_bare_terms(event: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `event` whose bare CBV terms are written as web URIs, as JSON-LD expands them."""
    expanded = dict(event)
    for key in ("bizStep", "disposition"):
        if isinstance(expanded.get(key), str):
            expanded[key] = cbv_uri(key, expanded[key])
    if isinstance(persistent := expanded.get("persistentDisposition"), dict):
        expanded["persistentDisposition"] = {
            key: [cbv_uri("disposition", term) for term in terms]
            if isinstance(terms, list)
            else terms
            for key, terms in persistent.items()
        }
    for key, definition in (
        ("bizTransactionList", "bizTransaction-type"),
        ("sourceList", "source-dest-type"),
        ("destinationList", "source-dest-type"),
    ):
        if isinstance(entries := expanded.get(key), list):
            expanded[key] = [_typed(entry, definition) for entry in entries]
    return expanded


def _typed(entry: Any, definition: str) -> Any:
    if isinstance(entry, dict) and isinstance(entry.get("type"), str):
        return {**entry, "type": cbv_uri(definition, entry["type"])}
    return entry
