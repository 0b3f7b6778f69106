"""Normalisation: each input record to a ``Report`` whose values are intervals and terms with provenance."""

from .record import normalise_report

__all__ = ["normalise_report"]
