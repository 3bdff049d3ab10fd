"""Regenerate hash_vectors.json with the CBV 2.0 reference implementation.

Run with an interpreter that has `epcis-event-hash-generator` (PyPI, 1.9.3 was used) and the
repository on the path, e.g.

    python -m venv /tmp/hashgen && /tmp/hashgen/bin/pip install epcis-event-hash-generator==1.9.3
    PYTHONPATH=. /tmp/hashgen/bin/python tests/traceability/epcis_vectors/make_hash_vectors.py

The reference is not a dependency of Langso (it pulls Flask, lxml and PyLD); the vectors it
produced are checked in, and test_epcis.py compares Langso's hash against them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

from epcis_event_hash_generator.hash_generator import (  # type: ignore[import-not-found]
    calculate_hashes_from_pre_hashes,
    derive_prehashes_from_events,
)
from epcis_event_hash_generator.json_to_py import (  # type: ignore[import-not-found]
    event_list_from_epcis_document_json,
)

from traceability.epcis import (
    AppliedInput,
    Place,
    TraceEventData,
    TraceEventKind,
    epcis_document,
    lot_class_uri,
)

HERE = Path(__file__).parent
EXAMPLES = files("traceability") / "data" / "epcis" / "examples"
CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"


def wrap(events, context):  # type: ignore[no-untyped-def]
    return {
        "@context": context,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-03-01T00:00:00.000Z",
        "epcisBody": {"eventList": events},
    }


def example_document(name: str):  # type: ignore[no-untyped-def]
    event = json.loads((EXAMPLES / name).read_text())
    context = event.pop("@context")
    return wrap([event], context)


def langso_document():  # type: ignore[no-untyped-def]
    lot = "7K3M9QX2A8T"
    common = {"epc_class": lot_class_uri(lot), "batch_code": lot}
    at = datetime(2026, 3, 1, 1, 30, 15, 250000, tzinfo=UTC)
    events = [
        TraceEventData(kind, at, place=Place("13531", 20.4312, 105.9121), **common)
        for kind in TraceEventKind
    ]
    events += [
        TraceEventData(
            TraceEventKind.SPRAYING,
            at,
            inputs=(
                AppliedInput("Thuốc trừ sâu sinh học Bt", "20 ml / bình 16 lít", 7),
                AppliedInput("Phân bón lá", "2.0", None),
            ),
            notes="Phun buổi sáng, trời râm",
            **common,
        ),
        TraceEventData(
            TraceEventKind.HARVEST,
            at,
            lot_class_uri(lot, "09521234543213"),
            lot,
            place=Place("13531"),
            quantity=Decimal("1250.50"),
            unit="kg",
            certificate_urls=("https://example.org/vietgap/123", "https://example.org/ocop/4"),
        ),
        TraceEventData(TraceEventKind.PACKING, at, quantity=300, unit="hộp", **common),
        TraceEventData(TraceEventKind.INSPECTION, at, inspection_passed=False, **common),
        TraceEventData(
            TraceEventKind.SHIPPING,
            at,
            place=Place("13531"),
            previous_event_id="ni:///sha-256;00?ver=CBV2.0",
            **common,
        ),
    ]
    return epcis_document(events, sender="https://langso.vn", created_at=at)


EDGE_EVENTS = [
    {
        "type": "ObjectEvent",
        "eventTime": "2020-05-17T10:11:12.1235+02:00",
        "eventTimeZoneOffset": "+02:00",
        "recordTime": "2020-05-18T00:00:00Z",
        "eventID": "urn:uuid:1f5c3e5a-0000-4000-8000-000000000000",
        "epcList": ["urn:epc:id:sgtin:4012345.011111.9876", "urn:epc:id:sgtin:4012345.011111.AB!c"],
        "action": "OBSERVE",
        "bizStep": "urn:epcglobal:cbv:bizstep:shipping",
        "disposition": "urn:epcglobal:cbv:disp:in_transit",
        "readPoint": {"id": "urn:epc:id:sgln:4012345.00011.0"},
        "bizLocation": {"id": "urn:epc:id:sgln:4012345.00012.987"},
        "bizTransactionList": [
            {"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:4012345123456:1152"},
            {"type": "desadv", "bizTransaction": "urn:epcglobal:cbv:bt:4012345123456:A1"},
        ],
        "sourceList": [
            {"type": "possessing_party", "source": "urn:epc:id:pgln:4012345.00001"},
            {"type": "location", "source": "urn:epc:id:sgln:4012345.00225.0"},
        ],
        "destinationList": [
            {"type": "owning_party", "destination": "https://id.gs1.org/417/4068194000004"}
        ],
        "certificationInfo": "https://accreditation-council.example.org/certificate/ABC12345",
    },
    {
        "type": "ObjectEvent",
        "eventTime": "2021-01-01T00:00:00Z",
        "eventTimeZoneOffset": "+00:00",
        "action": "ADD",
        "bizStep": "commissioning",
        "disposition": "active",
        "persistentDisposition": {
            "set": ["completeness_verified"],
            "unset": ["completeness_inferred"],
        },
        "quantityList": [
            {
                "epcClass": "https://example.com/shop/01/9521234543213/10/LOT-1?17=261231",
                "quantity": 10.0,
                "uom": "KGM",
            },
            {"epcClass": "https://example.com/gtin/09521234543213/22/RED/10/ABC", "quantity": 2},
            {"epcClass": "http://id.gs1.org/01/09521234543213/10/ABC/21/S1"},
            {
                "epcClass": "urn:epc:class:lgtin:4012345.012345.998877",
                "quantity": 0.5,
                "uom": "LTR",
            },
            {"epcClass": "urn:epc:idpat:sgtin:4012345.066666.*", "quantity": 1e3},
        ],
        "ilmd": {
            "example:bestBeforeDate": "2021-12-31",
            "example:grade": {"example:class": "A", "example:size": 3},
        },
        "example:readings": [{"example:t": "12.50"}, {"example:t": "11"}],
        "example:note": "  spaces around  ",
    },
    {
        "type": "AggregationEvent",
        "eventTime": "2013-06-08T14:58:56.591Z",
        "eventTimeZoneOffset": "+02:00",
        "parentID": "urn:epc:id:sscc:0614141.1234567890",
        "childEPCs": ["urn:epc:id:sgtin:0614141.107346.2017"],
        "action": "ADD",
        "bizStep": "packing",
        "readPoint": {"id": "https://id.gs1.org/414/4012345000016", "example2:reader": "dock-7"},
    },
    {
        "type": "TransformationEvent",
        "eventTime": "2019-10-21T11:00:30.000+01:00",
        "eventTimeZoneOffset": "+01:00",
        "inputQuantityList": [
            {"epcClass": "urn:epc:class:lgtin:4012345.011111.4444", "quantity": 10, "uom": "KGM"}
        ],
        "outputEPCList": ["urn:epc:id:sgtin:4012345.077889.25"],
        "transformationID": "urn:epc:id:gdti:0614141.12345.400",
        "bizStep": "other",
        "sensorElementList": [
            {
                "sensorMetadata": {
                    "time": "2019-04-02T13:05:00.000+01:00",
                    "deviceID": "urn:epc:id:giai:4000001.111",
                },
                "sensorReport": [
                    {"type": "gs1:Temperature", "value": 26.0, "uom": "CEL"},
                    {"type": "gs1:Humidity", "value": 12.1, "uom": "A93"},
                ],
            }
        ],
    },
]


def main() -> None:
    vectors = []
    for name in ("ObjectEvent.json", "AggregationEvent.json", "TransformationEvent.json"):
        vectors.append(
            {"name": f"GS1 example {name}", "example": name, **reference(example_document(name))}
        )
    document = langso_document()
    vectors.append(
        {"name": "Langso journal, every kind", "document": document, **reference(document)}
    )
    context = [
        CONTEXT,
        {"example": "https://example.org/voc/", "example2": "https://example.org/two"},
    ]
    edge = wrap(EDGE_EVENTS, context)
    vectors.append({"name": "edge cases", "document": edge, **reference(edge)})
    target = HERE / "hash_vectors.json"
    target.write_text(json.dumps(vectors, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(vectors)} documents to {target}")


def reference(document):  # type: ignore[no-untyped-def]
    prehashes = derive_prehashes_from_events(
        event_list_from_epcis_document_json(json.loads(json.dumps(document)))
    )
    events = document["epcisBody"]["eventList"]
    assert len(prehashes) == len(events), "the reference failed on an event"
    return {"prehashes": prehashes, "hashes": calculate_hashes_from_pre_hashes(prehashes)}


if __name__ == "__main__":
    main()
