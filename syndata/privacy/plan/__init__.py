"""The privacy plan: what happens to each column of real data before a model learns it.

Users write it in YAML or JSON; the profile and the UI propose one from the PII findings
(``PrivacyPlan.default_for``). Each column gets an ``action``:

* ``mask`` — rewrite the values with an ``operator`` and its parameters (see below);
* ``regenerate`` — drop the real values; the synthetic output gets a Faker/rule value of the
  same kind (``entity``, or an explicit ``provider``). Recorded here, done by the pipeline;
* ``allow`` — learn the column as it is (an explicit, reviewed decision);
* ``drop`` — remove the column.

A plan for one table lists ``columns``; a plan for several lists them under ``tables``::

    columns:
      ssn: {action: mask, operator: partial, keep_last: 4}     # 123-45-6789 -> ***-**-6789
      email: {action: mask, operator: fake, entity: EMAIL_ADDRESS}
      customer_id: hash            # shorthand of {action: mask, operator: hash}
      notes: {operator: anonymize_text, replace_with: fake}    # action defaults to mask
      name: {action: regenerate, entity: PERSON}
      age: allow
      internal_code: drop

    tables:
      customers:
        columns:
          customer_id: {action: mask, operator: hash, length: 20}
      orders:
        columns:
          customer_id: {action: mask, operator: hash, length: 20}  # same secret: joins survive

Operators (parameters, defaults in brackets; ``syndata.privacy.operators`` holds them, and
plug-ins add more through the entry point group ``syndata.operators``;
``syndata.privacy.masking`` applies them):

* ``redact``: ``token`` [``<REDACTED>``; null writes nulls] — every value becomes the token;
* ``replace``: ``value`` (required), ``pattern`` [none: the whole value] — the constant
  replaces the whole value, or each match of the regular expression ``pattern``;
* ``partial``: ``keep_first`` [0], ``keep_last`` [4], ``char`` [``*``], ``keep_chars``
  [`` -./()@+_:``] — characters outside the kept ends become ``char``, except those in
  ``keep_chars`` (separators stay in place). A value no longer than ``keep_first +
  keep_last`` is masked entirely, so a short value is never revealed;
* ``hash``: ``length`` [16] — keyed HMAC-SHA256 (secret ``SYNDATA_MASKING_SECRET``), hex;
* ``encrypt`` / ``decrypt`` — AES-SIV with ``SYNDATA_ENCRYPTION_KEY``, deterministic;
* ``fake``: ``provider`` [from ``entity``], ``locale`` [en_US] — a consistent fake value;
* ``generalize``: ``method`` [auto] with ``width`` / ``bins`` / ``length`` / ``edges`` —
  dates to ``month`` or ``year``, numbers to bins of a ``width`` or ``quantile`` bins,
  text to a ``prefix`` of ``length`` characters, numbers to ``bands`` between ``edges``;
* ``drop`` — remove the column (as the action ``drop``);
* ``anonymize_text``: ``replace_with`` [placeholder | fake], ``entities`` [all], ``locale``
  [en_US] — each entity found in free text becomes ``<ENTITY>`` or a consistent fake.

``load_plan`` raises ``ConfigError`` listing every problem at once, each with its path
(``tables.orders.columns.email.operator``) and a fix; ``plan.check(columns)`` adds the
columns a plan names but a table lacks.
"""

from syndata.privacy.plan.checks import data_problems, plan_problems
from syndata.privacy.plan.decision import ACTIONS, Action, ColumnPlan, RegenerateParams
from syndata.privacy.plan.files import dump_plan, load_plan
from syndata.privacy.plan.privacy_plan import PrivacyPlan, TablePlan

__all__ = [
    "ACTIONS",
    "Action",
    "ColumnPlan",
    "PrivacyPlan",
    "RegenerateParams",
    "TablePlan",
    "data_problems",
    "dump_plan",
    "load_plan",
    "plan_problems",
]
