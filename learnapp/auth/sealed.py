"""Secrets kept encrypted at rest (the TOTP secrets), with a key derived from SECRET_KEY.

A copy of the database alone (a backup, a dump) then does not give away anyone's second
factor. The key is derived with HKDF-SHA256 from the app's SECRET_KEY for this one purpose;
AES-GCM encrypts and authenticates, so a changed value is refused, not misread. Values made
with an earlier key (SECRET_KEY_FALLBACKS, as Flask names them) can still be opened.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "v1:"
PURPOSE = b"learnapp: TOTP secrets at rest, v1"
NONCE_BYTES = 12


class SealError(ValueError):
    """A sealed value that no known key opens (a wrong SECRET_KEY, or a changed value)."""


def _key(secret_key: str | bytes) -> bytes:
    material = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(material)


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


def seal(plaintext: str, secret_key: str | bytes) -> str:
    """Encrypt: "v1:" and the nonce with the ciphertext, in URL-safe base64."""
    nonce = os.urandom(NONCE_BYTES)
    box = AESGCM(_key(secret_key)).encrypt(nonce, plaintext.encode(), PURPOSE)
    return PREFIX + base64.urlsafe_b64encode(nonce + box).decode("ascii")


def unseal(value: str, secret_keys: Iterable[str | bytes]) -> str:
    """Decrypt with the first key that fits; SealError if none does."""
    if not is_sealed(value):
        raise SealError("not a sealed value")
    try:
        raw = base64.urlsafe_b64decode(value.removeprefix(PREFIX).encode("ascii"))
    except ValueError as error:
        raise SealError("not a sealed value") from error
    nonce, box = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    for secret_key in secret_keys:
        try:
            return AESGCM(_key(secret_key)).decrypt(nonce, box, PURPOSE).decode()
        except InvalidTag:
            continue
    raise SealError("no key opens this value (was SECRET_KEY changed?)")
