"""Pydantic's validation errors read as :class:`~syndata.errors.Problem` s, in one place.

Every model the product validates (the config, job parameters, recognizers, the
parameters of a masking plan's operators) reports its errors through
:func:`pydantic_problems`. It walks ``ValidationError.errors()``, reads each error as an
:class:`Issue` (its kind, where it is, pydantic's message, the bad value) and words it:

- an unknown key: ``unknown field 'seeed'``, fix ``did you mean 'seed'?`` (or ``otherwise``);
- a missing key: ``'rows' is required``, fix ``add 'rows'`` (``add 'rows': <description>``
  when ``describe`` gives one);
- anything else: pydantic's message without its ``Value error, `` or
  ``Assertion failed, `` prefix, so syndata's own validators speak for themselves.

A caller supplies only what is its own: the path ``prefix``, the ``loc`` parts to ``skip``
(union tags), the ``known`` fields an unknown key is matched against, and ``special``,
which words an issue itself (or returns None to leave it to the shared wording).

Example::

    try:
        Model.model_validate(data)
    except ValidationError as exc:
        problems = pydantic_problems(exc, known=lambda issue: list(Model.model_fields))
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from syndata.errors import Problem

_PREFIXES = ("Value error, ", "Assertion failed, ")


@dataclass(frozen=True)
class Issue:
    """One pydantic error, read: its kind, where it is, what pydantic said, the value."""

    kind: str
    loc: tuple[int | str, ...]
    path: str
    message: str
    value: Any

    @property
    def key(self) -> str:
        """The last part of the location: the unknown or missing key."""
        return str(self.loc[-1]) if self.loc else ""

    @property
    def field(self) -> str:
        """The first part of the location: the top-level field the error is in."""
        return str(self.loc[0]) if self.loc else ""


def loc_path(
    loc: Sequence[int | str],
    *,
    prefix: str = "",
    skip: Callable[[str], bool] | None = None,
) -> str:
    """``tables[0].columns[2].type`` from pydantic's ``loc``, under ``prefix``.

    Indexes are bracketed, names dotted; a name for which ``skip`` is true (a union tag
    such as ``'faker'``) is left out.
    """
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif skip is not None and skip(part):
            continue
        else:
            path += f".{part}" if path else str(part)
    return path


def did_you_mean(name: str, options: Sequence[str], otherwise: str) -> str:
    """``did you mean 'x'?`` for the option closest to ``name``; ``otherwise`` if none is."""
    guess = difflib.get_close_matches(name, list(options), n=1)
    return f"did you mean '{guess[0]}'?" if guess else otherwise


def _remove_it(known: Sequence[str]) -> str:
    return "remove it"


def pydantic_problems(
    exc: ValidationError,
    *,
    prefix: str = "",
    skip: Callable[[str], bool] | None = None,
    known: Callable[[Issue], Sequence[str]] | None = None,
    otherwise: Callable[[Sequence[str]], str] = _remove_it,
    describe: Callable[[str], str | None] | None = None,
    special: Callable[[Issue], Problem | None] | None = None,
) -> list[Problem]:
    """Every error of ``exc`` as a Problem, in order.

    Parameters
    ----------
    exc
        The error pydantic raised.
    prefix, skip
        The path of each problem: see :func:`loc_path`.
    known
        The fields an unknown key could have meant (for ``did you mean``).
    otherwise
        The fix of an unknown key close to none of ``known`` (given those fields).
    describe
        A field's description, added to the fix of a missing field.
    special
        Words an issue in the caller's own terms; None leaves it to the shared wording.
    """
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        message = str(err["msg"])
        for text in _PREFIXES:
            message = message.removeprefix(text)
        issue = Issue(
            kind=str(err["type"]),
            loc=loc,
            path=loc_path(loc, prefix=prefix, skip=skip),
            message=message,
            value=err.get("input"),
        )
        problem = special(issue) if special is not None else None
        if problem is None:
            problem = _worded(issue, known, otherwise, describe)
        problems.append(problem)
    return problems


def _worded(
    issue: Issue,
    known: Callable[[Issue], Sequence[str]] | None,
    otherwise: Callable[[Sequence[str]], str],
    describe: Callable[[str], str | None] | None,
) -> Problem:
    key = issue.key
    if issue.kind == "extra_forbidden":
        names = known(issue) if known is not None else []
        return Problem(
            issue.path, f"unknown field '{key}'", did_you_mean(key, names, otherwise(names))
        )
    if issue.kind == "missing":
        about = describe(key) if describe is not None else None
        return Problem(
            issue.path, f"'{key}' is required", f"add '{key}': {about}" if about else f"add '{key}'"
        )
    return Problem(issue.path, issue.message)
