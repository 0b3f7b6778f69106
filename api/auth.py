"""API keys and roles.

Keys come from configuration as SHA-256 digests (``reconcile keys new`` makes a key and its entry); a request
names its key in ``X-API-Key`` or ``Authorization: Bearer``. Roles: a *submitter* submits reports for the
sources its key is bound to; a *reader* reads; an *analyst* reads and reviews (acknowledges, resolves, splits,
merges). In development mode (``RECONCILE_DEV_MODE=1``, what ``reconcile serve --demo`` uses) a request without a
key acts as an analyst that may also submit for any source; a request with a key is still checked.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from .settings import KeySpec

PERMISSIONS = {
    "submitter": frozenset({"submit"}),
    "reader": frozenset({"read"}),
    "analyst": frozenset({"read", "review"}),
}


@dataclass(frozen=True)
class Principal:
    name: str
    role: str
    permissions: frozenset[str]
    sources: frozenset[str] | None  # None: any source

    def may_submit_as(self, source: str) -> bool:
        return self.sources is None or source in self.sources


DEV = Principal("dev", "analyst", frozenset({"read", "review", "submit"}), None)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return "rk_" + secrets.token_urlsafe(32)


class KeyRing:
    def __init__(self, specs: list[KeySpec], canonical: dict[str, str] | None = None) -> None:
        self._by_hash: dict[str, Principal] = {}
        for spec in specs:
            sources = None
            if spec.role == "submitter":
                sources = frozenset((canonical or {}).get(s, s) for s in spec.sources)
            self._by_hash[spec.sha256] = Principal(spec.name, spec.role, PERMISSIONS[spec.role], sources)

    def lookup(self, key: str) -> Principal | None:
        return self._by_hash.get(hash_key(key))

    def __len__(self) -> int:
        return len(self._by_hash)
