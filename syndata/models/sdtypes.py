"""Our column kinds as SDV's and SDMetrics' ``sdtype`` names (one table for every adapter).

Kinds that are not listed (ids, e-mails, free text, ...) are not learned by the models;
date strings are datetimes with a ``datetime_format``.
"""

from __future__ import annotations

SDTYPES: dict[str, str] = {
    "numerical": "numerical",
    "categorical": "categorical",
    "boolean": "boolean",
    "datetime": "datetime",
    "date_string": "datetime",
}
