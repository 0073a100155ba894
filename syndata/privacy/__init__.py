"""Privacy: measures of how much a synthetic table reveals about the real one.

For now, copy measures (``exact_match_rate``, ``copy_report``); this package will also
hold the detection of personal data (PII) in real tables and its masking.
"""

from syndata.privacy.metrics import copy_report, exact_match_rate

__all__ = ["copy_report", "exact_match_rate"]
