"""Every error syndata raises, in one place.

The tree::

    SyndataError                 base class; ``str(err)`` says what went wrong and how to fix it
    ├── ConfigError              a config file cannot be read or is invalid (all problems at once)
    ├── GenerationError          data could not be generated (e.g. a custom rule plug-in failed)
    ├── DataReadError            an input file or table cannot be read
    │   └── ModelNotFoundError   no registered model, version, alias or report by that name
    ├── ModelError               bad input to a model (empty data, unknown column, not fitted)
    ├── PluginError              no registered rule, model, recognizer or operator by that name
    ├── QualityError             a quality report cannot be computed (e.g. a bad target)
    ├── PrivacyError             personal data (PII) found with no decision on what to do with it
    ├── OutputError              output cannot be written (file exists, database refused, ...)
    ├── UploadTooLarge           an upload is over its size limit (nothing of it is kept)
    │   └── TooManyColumns       an uploaded table has more columns than allowed
    ├── JobError                 a job cannot be found, changed or run as asked
    │   ├── JobNotFoundError     no job (or dataset, or upload) by that id
    │   ├── JobStateError        the job's state forbids the request (cancel a finished job)
    │   │   └── TooManyJobsError  a project or key is at its active-jobs limit
    │   └── JobCancelled         raised inside a running job when it is cancelled
    ├── AuthError                no API key, or an unknown or revoked one
    │   └── PermissionDenied     the key's role does not allow the request
    └── ServiceError             the syndata service answered with an error (CLI against it)
        └── ApiError             ... in the API's error shape, or could not be reached at all

Two ValueErrors are raised while a rule's generator is built from a checked config, and
reported as problems of the rule's path: ``RefusedName`` (a config names code that is
not registered) and ``RegexNotGeneratable`` (a regex whose values cannot be generated).

Each error carries an ``exit_code`` that the CLI returns, so scripts can rely on it.
Third-party errors are translated with ``raise ... from exc`` so the cause stays visible.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Problem:
    """One problem found in a config: where it is, what is wrong, and how to fix it."""

    path: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}" if self.path else self.message
        return f"{text} (fix: {self.fix})" if self.fix else text


class SyndataError(Exception):
    """Base class of every syndata error."""

    exit_code = 1


class ConfigError(SyndataError):
    """Raised when a config cannot be parsed or fails validation.

    ``problems`` lists every problem found in one validation pass.
    """

    exit_code = 3

    def __init__(self, problems: list[Problem], source: str | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        where = f" in {source}" if source else ""
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''}{where}:"
        super().__init__("\n".join([head, *(f"  - {p}" for p in self.problems)]))


class OperatorMismatch(ConfigError):
    """Raised when a masking operator does not fit a column's values (``width`` bins of text).

    ``message`` and ``fix`` describe the mismatch; masking reports it as a ConfigError
    at the column's path in the privacy plan.
    """

    def __init__(self, message: str, fix: str) -> None:
        self.message = message
        self.fix = fix
        super().__init__([Problem("", message, fix)])


class RefusedName(ValueError):
    """A config names code that is not registered; ``fix`` says how to register it."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.fix = fix


class RegexNotGeneratable(ValueError):
    """A regular expression whose matching values cannot be generated.

    The message names the pattern, the offending construct (with its position where it can
    be found) and how to fix the pattern. ``pattern``, ``construct`` and ``position`` hold
    the same facts for programs.
    """

    def __init__(
        self,
        pattern: str,
        problem: str,
        fix: str,
        *,
        construct: str | None = None,
        position: int | None = None,
    ) -> None:
        self.pattern = pattern
        self.construct = construct
        self.position = position
        where = ""
        if construct is not None and position is not None:
            where = f" ({construct} at position {position})"
        elif construct is not None:
            where = f" ({construct})"
        elif position is not None:
            where = f" (at position {position})"
        super().__init__(f"cannot generate values for regex '{pattern}': {problem}{where}; {fix}")


class GenerationError(SyndataError):
    """Raised when a column cannot be generated at run time."""

    exit_code = 4


class DataReadError(SyndataError):
    """Raised when an input file or database table cannot be read."""

    exit_code = 5


class OutputError(SyndataError):
    """Raised when output cannot be written; nothing already stored is changed."""

    exit_code = 6


class ModelNotFoundError(DataReadError):
    """Raised when a model reference names no registered model, version, alias or report."""


class ModelError(SyndataError):
    """Raised for bad input to a model: empty data, unknown columns, an unfitted model."""

    exit_code = 5


class PluginError(SyndataError, LookupError):
    """Raised when a name is no registered plug-in of its kind, or the plug-in cannot load.

    ``fix`` says how to name a known one or register a new one.
    """

    exit_code = 3

    def __init__(self, message: str, fix: str = "") -> None:
        self.fix = fix
        super().__init__(f"{message} (fix: {fix})" if fix else message)


class QualityError(SyndataError, ValueError):
    """Raised when a quality report cannot be computed, e.g. for an unusable target column."""

    exit_code = 5


class AttackNotPossible(QualityError):
    """Raised when the tables do not allow one privacy attack (too few columns, say).

    The privacy report catches it and reports the attack as skipped, with this message.
    """


class PrivacyError(SyndataError):
    """Raised when a table holds personal data (PII) and no plan says what to do with it.

    ``columns`` maps each undecided column to its entity type.
    """

    exit_code = 7

    def __init__(self, message: str, columns: dict[str, str] | None = None) -> None:
        self.columns = dict(columns or {})
        super().__init__(message)


class UploadTooLarge(SyndataError):
    """Raised when an upload is larger than its limit; nothing of it is kept."""

    exit_code = 6

    def __init__(self, message: str, limit: int) -> None:
        self.limit = limit
        super().__init__(message)


class TooManyColumns(UploadTooLarge):
    """Raised when an uploaded table has more columns than ``SYNDATA_MAX_COLUMNS``."""

    def __init__(self, message: str, columns: int, limit: int) -> None:
        self.columns = columns
        super().__init__(message, limit)


class JobError(SyndataError):
    """Raised when a job cannot be found, changed or run as asked."""

    exit_code = 8


class JobNotFoundError(JobError):
    """Raised when no job, dataset or upload has the id given."""


class JobStateError(JobError):
    """Raised when a job's state forbids the request, e.g. cancelling a finished job."""


class TooManyJobsError(JobStateError):
    """Raised when a project or key already has as many queued and running jobs as allowed."""


class JobCancelled(JobError):
    """Raised inside a running job when its cancellation was requested."""


class AuthError(SyndataError):
    """Raised for a missing, unknown or revoked API key."""

    exit_code = 9


class PermissionDenied(AuthError):
    """Raised when the API key's role does not allow the request."""


class StoreError(SyndataError):
    """Raised when the job store is empty behind earlier use, unreadable or corrupt."""

    exit_code = 11


class ServiceError(SyndataError):
    """Raised when the syndata service answers with an error; carries its status and body."""

    exit_code = 10

    def __init__(
        self,
        message: str,
        status: int = 0,
        body: dict[str, object] | None = None,
    ) -> None:
        self.status = status
        self.body = dict(body or {})
        super().__init__(message)


class AnchorError(SyndataError):
    """Raised when the audit log's anchor in the job store cannot be read or written.

    ``str()`` says why; ``syndata.privacy.audit`` logs it and keeps the line.
    """


class StoreMissing(AnchorError):
    """Raised when the job store is a SQLite file that does not exist (reading never creates it)."""


class _Answer(Protocol):
    """What ``ApiError.from_response`` reads of an HTTP response (an ``httpx.Response``)."""

    status_code: int

    @property
    def text(self) -> str: ...

    @property
    def reason_phrase(self) -> str: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    def json(self) -> object: ...


class ApiError(ServiceError):
    """Raised by the REST client when a call fails, in the API's one error shape.

    ``status`` (0 when the service gave no answer), ``code`` (``unreachable`` then),
    ``message``, ``problems`` and ``request_id``. ``str()`` is plain text for a terminal,
    ``text()`` the same as Markdown for the web UI.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        problems: list[Problem] | None = None,
        request_id: str = "",
        body: dict[str, object] | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.problems = list(problems or [])
        self.request_id = request_id
        lines = [self.headline(status), *(f"  - {p}" for p in self.problems)]
        super().__init__("\n".join(lines), status, body)

    def headline(self, status: int | None = None) -> str:
        """One line: what went wrong, with the HTTP status."""
        status = self.status if status is None else status
        return f"{self.message} ({f'HTTP {status}' if status else 'no answer'})"

    def text(self) -> str:
        """The whole error as Markdown: the message, then one line per problem."""
        lines = [self.headline()]
        for problem in self.problems:
            fix = f" — fix: {problem.fix}" if problem.fix else ""
            path = f"`{problem.path}`: " if problem.path else ""
            lines.append(f"- {path}{problem.message}{fix}")
        if self.request_id:
            lines.append(f"\nrequest id `{self.request_id}`")
        return "\n".join(lines)

    @classmethod
    def from_response(cls, response: _Answer) -> ApiError:
        """The error a response carries (any body, even one not in the API's shape)."""
        try:
            body = response.json()
        except ValueError:
            body = None
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            text = response.text.strip()[:300] or response.reason_phrase or "request failed"
            request_id = response.headers.get("x-request-id", "")
            return cls(response.status_code, "http_error", text, request_id=request_id)
        problems = [
            Problem(str(p.get("path") or ""), str(p.get("message") or ""), str(p.get("fix") or ""))
            for p in error.get("problems") or []
            if isinstance(p, dict)
        ]
        return cls(
            int(error.get("status") or response.status_code),
            str(error.get("code") or "error"),
            str(error.get("message") or response.reason_phrase or "request failed"),
            problems,
            str(error.get("request_id") or ""),
            body if isinstance(body, dict) else None,
        )
