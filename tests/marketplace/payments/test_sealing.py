"""Provider secrets are sealed at rest: unreadable without the key, tamper-evident."""

import base64

import pytest

from marketplace.payments.sealing import SealError, seal, unseal

KEY = "deployment-secret-key-" + "k" * 30


def test_a_sealed_secret_opens_with_the_same_key():
    sealed = seal("sepay-hmac-khóa-bí-mật", KEY)
    assert unseal(sealed, KEY) == "sepay-hmac-khóa-bí-mật"
    assert "sepay" not in sealed


def test_sealing_twice_gives_different_text():
    assert seal("same secret", KEY) != seal("same secret", KEY)


def test_another_key_cannot_open_it():
    with pytest.raises(SealError):
        unseal(seal("secret", KEY), KEY + "x")


@pytest.mark.parametrize("position", [2, 20, -1])
def test_a_changed_byte_is_detected(position):
    version, _, body = seal("a webhook secret", KEY).partition(".")
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[position] ^= 1
    with pytest.raises(SealError):
        unseal(version + "." + base64.urlsafe_b64encode(bytes(raw)).decode(), KEY)


@pytest.mark.parametrize("garbage", ["", "v1.", "v2.AAAA", "v1.!!!!", "v1." + "A" * 20])
def test_garbage_is_refused(garbage):
    with pytest.raises(SealError):
        unseal(garbage, KEY)
