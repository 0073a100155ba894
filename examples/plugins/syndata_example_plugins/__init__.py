"""An example syndata plug-in package: a rule type, a model, a recognizer and an operator.

Installed (``pip install examples/plugins``), its entry points add to syndata:

* the rule type ``badge`` (``type: badge`` in a config): staff badge ids ``BDG-123456``;
* the model ``marginals`` (``syndata fit --model marginals``): every column drawn on its
  own from its learned distribution (fast, private, no dependence between columns);
* the recognizer ``badge``: finds ``BADGE_ID`` values in columns and free text;
* the masking operator ``badge_prefix``: keeps a badge's site prefix, replaces the rest.
"""
