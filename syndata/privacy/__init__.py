"""Privacy: personal data in real tables, its masking, and what synthetic tables reveal.

* ``detect`` / ``analyzer`` find personal data (PII) in real tables; ``plan`` says per
  column what happens to it (mask, regenerate, allow, drop); ``operators`` hold the
  masking operators (plug-ins of ``syndata.operators`` too) and ``masking`` applies a
  plan's operators to a table;
* ``metrics`` (exact copies, exported here), ``risk`` (DCR, attacks, the verdict) and
  ``disclosure`` (rare categories) measure what a synthetic table reveals;
* ``audit`` keeps the hash-chained audit trail of every action on data or models.
"""

from syndata.privacy.metrics import copy_report, exact_match_rate

__all__ = ["copy_report", "exact_match_rate"]
