"""Configuration, from the environment (``RECONCILE_*``) or a ``.env`` file, read once at start-up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Role = Literal["submitter", "analyst", "reader"]


class KeySpec(BaseModel):
    """An API key as configured: its name (shown in the audit log), role, the sources a submitter may submit as,
    and the SHA-256 of the key (the key itself is never stored; ``reconcile keys new`` makes one)."""

    name: str
    role: Role
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    sources: list[str] = Field(default_factory=list)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RECONCILE_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///reconcile.db"
    profile: str = "missile_launch"
    data_dir: Path = Path("reconcile-data")  # uploaded archives, kept until their batch is done
    api_keys: list[KeySpec] = Field(default_factory=list)
    keys_file: Path | None = None  # a JSON list of key specs, instead of (or beside) api_keys
    dev_mode: bool = False  # no key needed: every request acts as an analyst who may submit for any source
    max_body_bytes: int = 2 * 1024 * 1024  # JSON request bodies (POST /reports and the rest)
    max_upload_bytes: int = 2 * 1024**3  # archives uploaded to POST /batches, streamed to disk
    batch_chunk: int = 500  # reports per transaction in a batch: the unit a killed batch resumes from
    write_retries: int = 8
    batch_stale_seconds: float = 30.0  # a running batch whose runner has not beaten for this long is resumed

    @field_validator("api_keys", mode="before")
    @classmethod
    def _json(cls, v: object) -> object:
        return json.loads(v) if isinstance(v, str) else v

    def all_keys(self) -> list[KeySpec]:
        keys = list(self.api_keys)
        if self.keys_file is not None:
            keys += [KeySpec.model_validate(k) for k in json.loads(self.keys_file.read_text(encoding="utf-8"))]
        return keys
