"""Canonical forms of GS1 identifiers inside EPCIS events, as the CBV 2.0 event hash needs them.

The hash algorithm (CBV 2.0, section 8.9; reference implementation RalphTro/
epcis-event-hash-generator, `dl_normaliser.py`) writes every GS1 key as a constrained
canonical Digital Link URI: domain `https://id.gs1.org`, numeric AIs, GTIN-14, no query string,
the finest identification level only. This module follows that implementation for Digital Link
URIs of every key and for the common EPC URIs (SGTIN, LGTIN, SGTIN pattern, SSCC, SGLN, PGLN,
GSRN, GSRN-P, GDTI, GRAI, GIAI); rarer schemes (CPI, SGCN, GINC, GSIN, ITIP, UPUI and the other
ID patterns) are left as written.
"""

from __future__ import annotations

import re

from marketplace.gs1 import gtin_check_digit

CANONICAL_STEM = "https://id.gs1.org"
# One character of an EPC URI component, percent-escapes included (TDS 1.x, as the reference).
_EPC = (
    r"(?:%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]"
    r"|[!')(*+,.0-9:;=A-Za-z_-])"
)
_SGTIN = re.compile(rf"urn:epc:id:sgtin:(\d+)\.(\d+)\.({_EPC}{{1,20}})")
_LGTIN = re.compile(rf"urn:epc:class:lgtin:(\d+)\.(\d+)\.({_EPC}{{1,20}})")
_SGTIN_PATTERN = re.compile(r"urn:epc:idpat:sgtin:(\d+)\.(\d+)\.\*")
_SSCC = re.compile(r"urn:epc:id:sscc:(\d+)\.(\d+)")
_SGLN = re.compile(rf"urn:epc:id:sgln:(\d+)\.(\d*)\.({_EPC}{{1,20}})")
_PGLN = re.compile(r"urn:epc:id:pgln:(\d+)\.(\d*)")
_GSRN = re.compile(r"urn:epc:id:gsrn(p?):(\d+)\.(\d+)")
_GDTI = re.compile(rf"urn:epc:id:gdti:(\d+)\.(\d*)\.({_EPC}{{0,19}})")
_GRAI = re.compile(rf"urn:epc:id:grai:(\d+)\.(\d*)\.({_EPC}{{1,16}})")
_GIAI = re.compile(rf"urn:epc:id:giai:(\d+)\.({_EPC}+)")
_KEYS = (
    "01|gtin|8006|itip|8010|cpid|414|gln|417|party|8017|gsrnp|8018|gsrn|255|gcn|00|sscc|253|gdti"
    "|401|ginc|402|gsin|8003|grai|8004|giai"
)
_DIGITAL_LINK = re.compile(
    r"https?:(//(([^/?#]*)@)?([^/?#:]*)(:([^/?#]*))?)?"
    rf"((([^?#]*)(/({_KEYS})/)(\d{{4}}[^/]+)(/[^/]+/[^/]+)?/?(\?([^?\n]*))?(#([^\n]*))?)|(/[A-Za-z_-]{{10}}$))"
)
_SHORT_NAMES = {
    "/gtin/": "/01/", "/itip/": "/8006/", "/cpid/": "/8010/", "/gln/": "/414/", "/party/": "/417/",
    "/gsrnp/": "/8017/", "/gsrn/": "/8018/", "/gcn/": "/255/", "/sscc/": "/00/", "/gdti/": "/253/",
    "/ginc/": "/401/", "/gsin/": "/402/", "/grai/": "/8003/", "/giai/": "/8004/", "/cpv/": "/22/",
    "/lot/": "/10/", "/ser/": "/21/",
}  # fmt: skip
_CANONICAL_START = re.compile(
    r"https://id.gs1.org/(01|8006|8010|414|417|8017|8018|255|00|253|401|402|8003|8004)/(\d{4}[^/]+)"
)
_PRIMARY_KEYS = ("/00/", "/01/", "/253/", "/255/", "/401/", "/402/", "/414/", "/417/", "/8003/",
                 "/8004/", "/8006/", "/8010/", "/8017/", "/8018/")  # fmt: skip
_X = r"[\x22\x27\x2D\x2E\x30-\x39\x3B-\x3F\x41-\x5A\x5F\x61-\x7A]"  # GS1 AI characters allowed raw
_CPV_LAST = re.compile(rf"https://id.gs1.org/(01/\d{{14}}|8006/\d{{18}})/22/({_X}{{0,20}})$")
_CPV_INNER = re.compile(
    rf"https://id.gs1.org/(01/\d{{14}}|8006/\d{{18}})/22/([\x2F]|{_X}){{0,20}}$"
)
_LOT_AND_SERIAL = re.compile(
    rf"https://id.gs1.org/(01/\d{{14}}|8006/\d{{18}})/10/{_X}{{0,20}}/21/{_X}{{0,20}}$"
)
_VALID = [
    re.compile(rf"https://id.gs1.org/{pattern}$")
    for pattern in (
        r"00/\d{18}", rf"01/\d{{14}}/21/{_X}{{0,20}}", rf"01/\d{{14}}/10/{_X}{{0,20}}",
        r"01/\d{14}",
        rf"01/\d{{14}}/235/{_X}{{0,28}}", rf"253/\d{{13}}{_X}{{0,17}}", r"255/\d{13}\d{0,12}",
        rf"401/{_X}{{0,30}}", r"402/\d{17}", r"414/\d{13}", rf"414/\d{{13}}/254/{_X}{{0,20}}",
        r"417/\d{13}", rf"8003/\d{{14}}{_X}{{0,16}}", rf"8004/{_X}{{0,30}}",
        rf"8006/\d{{18}}/21/{_X}{{0,20}}", rf"8006/\d{{18}}/10/{_X}{{0,20}}", r"8006/\d{18}",
        r"8010/[\x23\x2D\x2F\x30-\x39\x41-\x5A]{0,30}/8011/\d{0,12}",
        r"8010/[\x23\x2D\x2F\x30-\x39\x41-\x5A]{0,30}", r"8017/\d{18}", r"8018/\d{18}",
    )
]  # fmt: skip


def canonical_gs1_uri(uri: str) -> str | None:
    """The constrained canonical Digital Link for a URI naming a GS1 key, else None."""
    if "." not in uri:
        return None
    return _from_epc_uri(uri) if uri.startswith("urn:epc:") else _from_digital_link(uri)


def _escape(component: str) -> str:
    # Characters an EPC URI may carry raw but a Digital Link path may not (as the reference).
    for raw, escaped in (
        ("!", "%21"),
        ("(", "%28"),
        (")", "%29"),
        ("*", "%2A"),
        ("+", "%2B"),
        (",", "%2C"),
        (":", "%3A"),
    ):
        component = component.replace(raw, escaped)
    return component


def _with_check(digits: str) -> str:
    return digits + gtin_check_digit(digits)


def _gtin(company_prefix: str, item_reference: str) -> str | None:
    if not 6 <= len(company_prefix) <= 12 or len(company_prefix) + len(item_reference) != 13:
        return None
    return _with_check(item_reference[:1] + company_prefix + item_reference[1:])


def _from_epc_uri(uri: str) -> str | None:
    if found := _SGTIN.fullmatch(uri):
        gtin = _gtin(found[1], found[2])
        return f"{CANONICAL_STEM}/01/{gtin}/21/{_escape(found[3])}" if gtin else None
    if found := _LGTIN.fullmatch(uri):
        gtin = _gtin(found[1], found[2])
        return f"{CANONICAL_STEM}/01/{gtin}/10/{_escape(found[3])}" if gtin else None
    if found := _SGTIN_PATTERN.fullmatch(uri):
        gtin = _gtin(found[1], found[2])
        return f"{CANONICAL_STEM}/01/{gtin}" if gtin else None
    return _from_other_epc_uri(uri)


def _from_other_epc_uri(uri: str) -> str | None:
    if (found := _SSCC.fullmatch(uri)) and _fits(found[1], found[2], 17):
        return f"{CANONICAL_STEM}/00/{_with_check(found[2][:1] + found[1] + found[2][1:])}"
    if (found := _SGLN.fullmatch(uri)) and _fits(found[1], found[2], 12):
        extension = "" if found[3] == "0" else f"/254/{_escape(found[3])}"
        return f"{CANONICAL_STEM}/414/{_with_check(found[1] + found[2])}{extension}"
    if (found := _PGLN.fullmatch(uri)) and _fits(found[1], found[2], 12):
        return f"{CANONICAL_STEM}/417/{_with_check(found[1] + found[2])}"
    if (found := _GSRN.fullmatch(uri)) and _fits(found[2], found[3], 17):
        return (
            f"{CANONICAL_STEM}/{'8017' if found[1] else '8018'}/{_with_check(found[2] + found[3])}"
        )
    if (found := _GDTI.fullmatch(uri)) and _fits(found[1], found[2], 12):
        return f"{CANONICAL_STEM}/253/{_with_check(found[1] + found[2])}{_escape(found[3])}"
    if (found := _GRAI.fullmatch(uri)) and _fits(found[1], found[2], 12):
        return f"{CANONICAL_STEM}/8003/{_with_check('0' + found[1] + found[2])}{_escape(found[3])}"
    if (found := _GIAI.fullmatch(uri)) and _fits_giai(found[1], found[2]):
        return f"{CANONICAL_STEM}/8004/{found[1]}{_escape(found[2])}"
    return None


def _fits(company_prefix: str, reference: str, total: int) -> bool:
    return 6 <= len(company_prefix) <= 12 and len(company_prefix) + len(reference) == total


def _fits_giai(company_prefix: str, asset_reference: str) -> bool:
    characters = len(re.findall(_EPC, asset_reference))  # an escape like %2F counts once
    return 6 <= len(company_prefix) <= 12 and len(company_prefix) + characters <= 30


def _from_digital_link(uri: str) -> str | None:
    if not _DIGITAL_LINK.match(uri):
        return None
    uri = uri.split("?", 1)[0]
    for short, numeric in _SHORT_NAMES.items():
        uri = uri.replace(short, numeric)
    if not _CANONICAL_START.match(uri):
        uri = _rebased(uri)
    uri = _padded_gtin(uri)
    uri = _without_cpv(uri)
    if _LOT_AND_SERIAL.match(uri):
        before, _, after = uri.partition("/10/")
        uri = before + after[after.find("/") :]
    return uri if any(pattern.match(uri) for pattern in _VALID) else None


def _rebased(uri: str) -> str:
    for key in _PRIMARY_KEYS:
        if key in uri:
            return CANONICAL_STEM + uri[uri.find(key) :]
    return uri


def _padded_gtin(uri: str) -> str:
    if re.match(r"https://id.gs1.org/01/\d{14}", uri):
        return uri
    for digits, padding in ((13, "0"), (12, "00"), (8, "000000")):
        if re.match(rf"https://id.gs1.org/01/\d{{{digits}}}", uri):
            return uri.replace("/01/", "/01/" + padding)
    return uri


def _without_cpv(uri: str) -> str:
    tail = uri[uri.find("/22/") + 4 :]
    if _CPV_LAST.match(uri):
        uri = uri[: uri.find("/22/")] + tail[tail.find("/") : -1]
    if _CPV_INNER.match(uri):
        uri = uri[: uri.find("/22/")] + tail[tail.find("/") :]
    return uri
