"""Reports from free text: wire stories, press releases, statements -> one engine input record per agency.

``extract_reports(text, profile, published=..., source=...)`` finds the phrases that carry a report's values,
attributes them to the agencies the text quotes, and returns one ``ExtractedReport`` per agency: an input record
for the engine with the character spans each value came from. Pure: no I/O; the vocabulary is the profile's.
"""

from .core import extract_reports
from .model import ExtractedReport, FieldEvidence

__all__ = ["ExtractedReport", "FieldEvidence", "extract_reports"]
