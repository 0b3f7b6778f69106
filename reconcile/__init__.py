"""reconcile: reports of one incident from several agencies -> one event, consensus values, conflict flags.

The core is pure: functions over models, no I/O, no environment. Start with ``load_profile`` and
``reconcile_reports``; ``extract_reports`` turns prose (wire stories, press releases) into input records.
"""

from .errors import InputError, ProfileError, ReconcileError, ReportError
from .extract import ExtractedReport, extract_reports
from .models import BatchResult, Conflict, Consensus, Event, Interval, Reject, Report, ReportIn, Term
from .normalise import normalise_report
from .pipeline import InputRecord, explain_pair, reconcile_reports
from .profile import Profile, load_profile, parse_profile

__all__ = [
    "BatchResult",
    "Conflict",
    "Consensus",
    "Event",
    "ExtractedReport",
    "InputError",
    "InputRecord",
    "Interval",
    "Profile",
    "ProfileError",
    "ReconcileError",
    "Reject",
    "Report",
    "ReportError",
    "ReportIn",
    "Term",
    "explain_pair",
    "extract_reports",
    "load_profile",
    "normalise_report",
    "parse_profile",
    "reconcile_reports",
]
