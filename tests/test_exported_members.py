"""The public face of the package stays small and honest (as httpx's tests/test_exported_members.py)."""

from __future__ import annotations

import types

import reconcile


def test_all_is_sorted_and_unique():
    assert reconcile.__all__ == sorted(set(reconcile.__all__))


def test_every_exported_name_is_public_and_importable():
    for name in reconcile.__all__:
        assert not name.startswith("_"), name
        obj = getattr(reconcile, name)
        assert getattr(obj, "__module__", "").startswith("reconcile."), name


def test_star_import_gives_exactly_all():
    namespace: dict[str, object] = {}
    exec("from reconcile import *", namespace)
    assert sorted(k for k in namespace if k != "__builtins__") == reconcile.__all__


def test_every_public_attribute_is_exported():
    public = sorted(name for name, value in vars(reconcile).items()
                    if not name.startswith("_") and not isinstance(value, types.ModuleType))
    assert public == reconcile.__all__


def test_the_documented_entry_points_are_exported():
    assert {"reconcile_reports", "load_profile", "parse_profile", "normalise_report", "explain_pair",
            "ReconcileError", "ProfileError", "InputError", "ReportError", "Report", "Event", "Conflict",
            "BatchResult"} <= set(reconcile.__all__)
