"""The CBV 2.0 canonical event hash: `ni:///sha-256;<hex>?ver=CBV2.0`.

A fingerprint of what an event says, whatever its syntax: fields in the order CBV fixes, each
as `key=value` without separators, timestamps in UTC with milliseconds, numbers without
trailing zeros, CBV terms and EPC URIs expanded to web URIs, repeated values sorted, user
extensions last and sorted. The steps follow the reference implementation
(RalphTro/epcis-event-hash-generator 1.9.3) so that another EPCIS system computes the same
event ID (tests/traceability/epcis_vectors holds its output for GS1's examples and ours).
Deliberate differences, all on inputs Langso never writes: a business transaction, source or
destination is written `type` first whatever the JSON key order (the reference follows key
order, and fails on a transaction without type); bare CBV terms are expanded only where CBV
defines them (bizStep, disposition, transaction/source/destination types), not wherever the
same word appears; an event's own `@context` is not hashed.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from traceability.epcis.identifiers import canonical_gs1_uri
from traceability.epcis.vocabulary import LANGSO_CONTEXT, expand_bare_terms

# (name, order of its children or None): CBV 2.0 section 8.9.2, as the reference's PROP_ORDER.
Order = tuple[tuple[str, "Order | None"], ...]


def _flat(*names: str) -> Order:
    return tuple((name, None) for name in names)


_EPCS: Order = (("epc", None),)
_QUANTITY: Order = (("quantityElement", _flat("epcClass", "quantity", "uom")),)
_SENSOR_METADATA = _flat(
    "time", "startTime", "endTime", "deviceID", "deviceMetadata", "rawData",
    "dataProcessingMethod", "bizRules",
)  # fmt: skip
_SENSOR_REPORT = _flat(
    "type", "exception", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "time",
    "microorganism", "chemicalSubstance", "value", "component", "stringValue", "booleanValue",
    "hexBinaryValue", "uriValue", "minValue", "maxValue", "meanValue", "sDev", "percRank",
    "percValue", "uom", "coordinateReferenceSystem",
)  # fmt: skip
_SENSOR_ELEMENT: Order = (("sensorMetadata", _SENSOR_METADATA), ("sensorReport", _SENSOR_REPORT))
EVENT_ORDER: Order = (
    *_flat("eventTime", "eventTimeZoneOffset", "certificationInfo", "parentID"),
    ("epcList", _EPCS),
    ("inputEPCList", _EPCS),
    ("childEPCs", _EPCS),
    ("quantityList", _QUANTITY),
    ("childQuantityList", _QUANTITY),
    ("inputQuantityList", _QUANTITY),
    ("outputEPCList", _EPCS),
    ("outputQuantityList", _QUANTITY),
    *_flat("action", "transformationID", "bizStep", "disposition"),
    ("persistentDisposition", _flat("set", "unset")),
    ("readPoint", _flat("id")),
    ("bizLocation", _flat("id")),
    ("sensorElementList", (("sensorElement", _SENSOR_ELEMENT),)),
)
# Business transactions, sources and destinations: hashed among the extensions (as the reference).
_PAIR_LISTS = {
    "bizTransactionList": "bizTransaction",
    "sourceList": "source",
    "destinationList": "destination",
}
_NOT_HASHED = {"recordTime", "eventID", "type", "errorDeclaration", "@context"}
_IGNORED_KEYS = {"#text", "rdfs:comment", "comment"}
_UNSORTED_NAMES = {"bizTransaction", "source", "destination"}
_URN_VOCABULARY = (
    ("urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-"),
    ("urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"),
    ("urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-"),
    ("urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-"),
    ("urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-"),
)


@dataclass
class _Node:
    """One element of the event as the XML binding would have it: name, text, children."""

    name: str
    text: str = ""
    children: list[_Node] = field(default_factory=list)
    ordered_pair: bool = False  # a business transaction, source or destination: type, then value


def event_hash(event_json: Mapping[str, Any], *, context: Any = None) -> str:
    """The CBV 2.0 hash of one EPCIS 2.0 JSON event, as an `ni:` URI usable as its eventID.

    `context` is the JSON-LD `@context` in force (the document's); by default the event's own
    or Langso's. Its inline prefixes (`{"langso": "https://langso.vn/voc/"}`) expand
    extension names, so the hash does not depend on the prefix chosen.
    """
    digest = hashlib.sha256(pre_hash_string(event_json, context=context).encode()).hexdigest()
    return f"ni:///sha-256;{digest}?ver=CBV2.0"


def pre_hash_string(event_json: Mapping[str, Any], *, context: Any = None) -> str:
    """The canonical string that `event_hash` digests (useful to see why two hashes differ)."""
    in_force = context if context is not None else event_json.get("@context", LANGSO_CONTEXT)
    prefixes = _inline_prefixes(in_force)
    items = expand_bare_terms(event_json).items()
    event = _reshaped(
        _Node("", "", [node for key, value in items for node in _nodes(key, value, prefixes)])
    )
    ordered = _ordered(event.children, EVENT_ORDER)
    rest = [child for child in event.children if child.name not in _NOT_HASHED]
    return f"eventType={event_json['type']}{ordered}{_generic(rest)}"


def _inline_prefixes(context: Any) -> dict[str, str]:
    # As the reference: only the object entries of a context *list* declare prefixes.
    prefixes: dict[str, str] = {}
    if isinstance(context, list):
        for entry in context:
            if isinstance(entry, dict):
                prefixes.update(
                    {key: value for key, value in entry.items() if isinstance(value, str)}
                )
    return prefixes


def _nodes(name: str, value: Any, prefixes: Mapping[str, str]) -> list[_Node]:
    """The nodes for `name: value`: one per list item, as repeated XML elements."""
    prefix, colon, local = name.partition(":")
    expanded_name = f"{{{prefixes[prefix]}}}{local}" if colon and prefix in prefixes else name
    nodes = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            pairs = [(key, sub) for key, sub in item.items() if key not in _IGNORED_KEYS]
            children = [node for key, sub in pairs for node in _nodes(key, sub, prefixes)]
            nodes.append(_Node(expanded_name, str(item.get("#text", "")), children))
        else:
            nodes.append(_Node(expanded_name, _expanded_value(item, prefixes)))
    return nodes


def _expanded_value(value: Any, prefixes: Mapping[str, str]) -> str:
    text = str(value)
    prefix, colon, local = text.partition(":")
    return prefixes[prefix] + local if colon and prefix in prefixes else text


def _reshaped(node: _Node) -> _Node:
    """The XML binding's shape: `epcList: [a, b]` becomes `epcList` with `epc` children."""
    children: list[_Node] = []
    lists: dict[str, list[_Node]] = {}
    child_epcs = [_Node("epc", child.text) for child in node.children if child.name == "childEPCs"]
    for child in node.children:
        if child.name.endswith("List"):
            lists.setdefault(child.name, []).append(child)
        elif child.name != "childEPCs":
            children.append(_reshaped(child))
    for list_name, items in lists.items():
        children.append(_list_node(list_name, items))
    if child_epcs:
        children.append(_Node("childEPCs", "", child_epcs))
    return _Node(_renamed(node.name, children), node.text, children)


def _list_node(list_name: str, items: list[_Node]) -> _Node:
    if list_name in _PAIR_LISTS:
        value_name = _PAIR_LISTS[list_name]
        return _Node(list_name, "", [_pair(item, value_name) for item in items])
    return _reshaped(
        _Node(list_name, "", [_Node(list_name[:-4], i.text, i.children) for i in items])
    )


def _pair(item: _Node, value_name: str) -> _Node:
    by_name = {child.name: child for child in item.children}
    return _Node("", "", [by_name[key] for key in ("type", value_name) if key in by_name], True)


def _renamed(name: str, children: list[_Node]) -> str:
    if name in ("inputEPC", "outputEPC"):
        return "epc"
    if name in ("inputQuantity", "outputQuantity", "childQuantity") or (
        name == "quantity" and children
    ):
        return "quantityElement"
    return name


def _ordered(children: list[_Node], order: Order) -> str:
    """Consume the children named in `order`, writing each group sorted; the rest stay."""
    extensions = _user_extensions(children)
    pre_hash = ""
    for name, child_order in order:
        values = []
        for child in [child for child in children if child.name == name]:
            if text := _ordered_child(child, child_order):
                values.append(text)
            if not child.children:
                children.remove(child)
        pre_hash += "".join(sorted(values))
    return pre_hash + _generic(extensions) if extensions else pre_hash


def _user_extensions(children: list[_Node]) -> list[_Node]:
    # Inside readPoint, quantity elements, sensor data…: extension children (as the reference).
    if len(children) <= 1 or any("eventTime" in c.name or "action" in c.name for c in children):
        return []
    extensions = [child for child in children if "{" in child.name and "/}" in child.name]
    for extension in extensions:
        children.remove(extension)
    return extensions


def _ordered_child(child: _Node, child_order: Order | None) -> str:
    grandchildren = _ordered(child.children, child_order) if child_order else ""
    text = child.text.strip()
    if text:
        lowered = child.name.lower()
        is_time = "time" in lowered and "offset" not in lowered
        text = _utc_milliseconds(text) if is_time else canonical_value(text)
    if text or grandchildren:
        return child.name + (f"={text}" if text else "") + grandchildren
    return ""


def _generic(children: list[_Node]) -> str:
    """Everything not in CBV's order (extensions, ilmd, business transactions), sorted."""
    values = []
    for child in children:
        if child.ordered_pair:
            values.append(_generic(child.children))
            continue
        text = child.text.strip()
        values.append(
            child.name + (f"={canonical_value(text)}" if text else "") + _generic(child.children)
        )
    if len(children) > 1 and not any(child.name in _UNSORTED_NAMES for child in children):
        values.sort()
    return "".join(values)


def canonical_value(text: str) -> str:
    """A value as the hash writes it: CBV URNs as web URIs, numbers plain, GS1 keys canonical."""
    for urn, web in _URN_VOCABULARY:
        text = text.replace(urn, web)
    text = _plain_number(text)
    return canonical_gs1_uri(text) or text


def _plain_number(text: str) -> str:
    try:
        number = float(text)
    except ValueError:
        return text
    if not math.isfinite(number):
        return text
    return str(int(number)) if int(number) == number else str(number)


def _utc_milliseconds(timestamp: str) -> str:
    try:
        moment = datetime.fromisoformat(timestamp)
    except ValueError:
        return timestamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    rounded = round(moment.microsecond, -3)
    moment = moment.replace(microsecond=0) + timedelta(microseconds=rounded)
    return moment.isoformat(timespec="milliseconds").removesuffix("+00:00") + "Z"
