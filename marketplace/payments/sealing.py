"""Provider secrets sealed at rest with a key derived from the deployment's SECRET_KEY.

Only the standard library is available, so the box is built from HMAC-SHA256, a PRF: the
keystream is HMAC(enc_key, nonce ‖ counter) XOR-ed over the text (CTR mode with a random
128-bit nonce), then HMAC(mac_key, version ‖ nonce ‖ ciphertext) authenticates it
(encrypt-then-MAC). A database dump alone no longer reveals a producer's webhook secrets.
Changing SECRET_KEY makes sealed secrets unreadable: producers then reconnect their provider.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

VERSION = b"v1"
_NONCE_BYTES = 16
_TAG_BYTES = 32
_BLOCK = hashlib.sha256().digest_size


class SealError(ValueError):
    """A sealed value that was tampered with, truncated or sealed under another key."""


def _subkey(secret_key: str, purpose: bytes) -> bytes:
    return hmac.new(secret_key.encode("utf-8"), b"langso/seal/" + purpose, "sha256").digest()


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (length + _BLOCK - 1) // _BLOCK
    return b"".join(
        hmac.new(key, nonce + counter.to_bytes(4, "big"), "sha256").digest()
        for counter in range(blocks)
    )[:length]


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def seal(plaintext: str, secret_key: str) -> str:
    """`plaintext` encrypted and authenticated under `secret_key`, as URL-safe text."""
    nonce = secrets.token_bytes(_NONCE_BYTES)
    data = plaintext.encode("utf-8")
    ciphertext = _xor(data, _keystream(_subkey(secret_key, b"enc"), nonce, len(data)))
    tag = hmac.new(_subkey(secret_key, b"mac"), VERSION + nonce + ciphertext, "sha256").digest()
    return VERSION.decode() + "." + base64.urlsafe_b64encode(nonce + ciphertext + tag).decode()


def unseal(sealed: str, secret_key: str) -> str:
    """The text `seal` was given; raises SealError when the value is not authentic."""
    version, _, encoded = sealed.partition(".")
    try:
        raw = base64.urlsafe_b64decode(encoded.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise SealError("the sealed value is not base64") from None
    if version.encode() != VERSION or len(raw) < _NONCE_BYTES + _TAG_BYTES:
        raise SealError("the sealed value has an unknown version or is truncated")
    nonce, ciphertext, tag = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:-_TAG_BYTES], raw[-_TAG_BYTES:]
    expected = hmac.new(_subkey(secret_key, b"mac"), VERSION + nonce + ciphertext, "sha256")
    if not hmac.compare_digest(tag, expected.digest()):
        raise SealError("the sealed value was altered or sealed under another key")
    stream = _keystream(_subkey(secret_key, b"enc"), nonce, len(ciphertext))
    return _xor(ciphertext, stream).decode("utf-8")
