"""Shared fixtures. The built-in profile is loaded once per session; tests never touch the environment."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import settings

from reconcile import Profile, load_profile

# Deterministic: the same examples on every run and machine, and no example database, so that a run neither
# depends on earlier runs nor leaves examples behind.
settings.register_profile("reconcile", database=None, derandomize=True)
settings.load_profile("reconcile")

# When a property fails, hypothesis's pytest plugin imports its patch writer (libcst), which warns on import;
# under filterwarnings=error that turns a readable failure into an INTERNALERROR. Import it quietly here.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    try:
        import hypothesis.extra._patching  # noqa: F401
    except ImportError:  # libcst not installed: the plugin skips patches
        pass


@pytest.fixture(scope="session")
def profile() -> Profile:
    return load_profile("missile_launch")


@pytest.fixture(scope="session")
def rt(profile: Profile):
    """The compiled profile: source matcher, taxonomies, gazetteer, zone qualifiers."""
    return profile.runtime()
