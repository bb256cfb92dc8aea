"""Encryption at rest and keyed hashes for personal numbers."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken


class PersonalDataCipher:
    """Encrypts ID and phone numbers (Fernet) and hashes them for lookups (HMAC-SHA256)."""

    def __init__(self, *, encryption_key: bytes, hash_key: bytes) -> None:
        self._fernet = Fernet(base64.urlsafe_b64encode(encryption_key))
        self._hash_key = hash_key

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:  # wrong key or a damaged row: never echo the value
            raise ValueError("personal data could not be decrypted") from exc

    def lookup_hash(self, plain: str) -> str:
        return hmac.new(self._hash_key, plain.encode(), hashlib.sha256).hexdigest()


def secret_digest(value: str) -> str:
    """Unkeyed SHA-256 for high-entropy secrets (bearer tokens, signing codes)."""
    return hashlib.sha256(value.encode()).hexdigest()
