import pytest

from idscan.lib import aead

KEY1 = aead.encode_key(1, bytes(32))
KEY2 = aead.encode_key(2, bytes(range(32)))


def test_round_trip_and_aad_binding() -> None:
    ring = aead.parse_keyring(KEY1)
    sealed = ring.seal(b"secret", aad=b"a")
    assert b"secret" not in sealed
    assert ring.open(sealed, aad=b"a") == b"secret"
    with pytest.raises(aead.DecryptionError):
        ring.open(sealed, aad=b"b")


def test_every_byte_is_authenticated() -> None:
    ring = aead.parse_keyring(KEY1)
    sealed = ring.seal(b"payload", aad=b"x")
    for i in range(len(sealed)):
        tampered = bytearray(sealed)
        tampered[i] ^= 0x01
        with pytest.raises(aead.DecryptionError):
            ring.open(bytes(tampered), aad=b"x")
    with pytest.raises(aead.DecryptionError):
        ring.open(sealed[:-1], aad=b"x")


def test_rotation_keeps_old_objects_readable() -> None:
    old = aead.parse_keyring(KEY1).seal(b"v1", aad=b"k")
    rotated = aead.parse_keyring(f"{KEY2},{KEY1}")
    assert rotated.active_id == 2
    assert rotated.open(old, aad=b"k") == b"v1"
    with pytest.raises(aead.DecryptionError, match="master key 2"):
        aead.parse_keyring(KEY1).open(rotated.seal(b"v2", aad=b"k"), aad=b"k")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no master key"),
        ("abc", "ID:BASE64"),
        ("0:" + KEY1.split(":")[1], "between 1 and 65535"),
        ("1:AAAA", "32 bytes"),
        (f"{KEY1},{KEY1}", "appears twice"),
    ],
)
def test_bad_keyrings_say_why(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        aead.parse_keyring(text)
