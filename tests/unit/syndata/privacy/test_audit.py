"""The audit trail: hash-chained lines, tamper detection, crash recovery, fingerprints."""

from __future__ import annotations

import getpass
import hashlib
import json
import multiprocessing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from syndata import settings
from syndata.errors import DataReadError, OutputError
from syndata.privacy import audit


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for name in ("SYNDATA_AUDIT_KEY", "SYNDATA_ACTOR", "SYNDATA_AUDIT_LOG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def log(tmp_path) -> Path:
    return tmp_path / "audit" / "audit.log"


def _write_records(log: Path, count: int) -> list[dict]:
    return [audit.record("sample", job_id=f"j-{i}", rows=i, details={"seed": i}, path=log)
            for i in range(1, count + 1)]


def _lines(log: Path) -> list[str]:
    return log.read_text().splitlines(keepends=True)


def _rewrite(log: Path, lines: list[str]) -> None:
    log.write_text("".join(lines))


def _recompute(line: str, **changes) -> str:
    """What someone without the key can do: edit a line and recompute its plain hash."""
    entry = json.loads(line)
    entry.update(changes)
    body = {k: v for k, v in entry.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    entry["hash"] = hashlib.sha256(canonical.encode()).hexdigest()
    return json.dumps(entry, separators=(",", ":")) + "\n"


# -- the line format ----------------------------------------------------------------------


def test_a_line_holds_every_field_and_chains_to_the_previous_one(log, monkeypatch):
    monkeypatch.setenv("SYNDATA_ACTOR", "ana")
    first = audit.record("fit", job_id="j-1", model="adult:3", dataset="adult.csv",
                         fingerprint="f" * 64, rows={"adult": 100}, path=log,
                         details={"model": "copula", "seed": 7, "columns": ["age", "sex"]})
    second = audit.record("download", outcome="denied", actor="bob", path=log)
    lines = [json.loads(line) for line in _lines(log)]
    assert lines == [first, second]
    assert list(first) == ["v", "seq", "time", "actor", "action", "outcome", "job_id", "model",
                           "dataset", "fingerprint", "rows", "details", "alg", "prev", "hash"]
    assert (first["seq"], first["prev"], first["actor"]) == (1, audit.GENESIS, "ana")
    assert (second["seq"], second["prev"], second["actor"]) == (2, first["hash"], "bob")
    assert second["details"] == {} and second["rows"] is None
    assert datetime.fromisoformat(first["time"]).utcoffset() == timedelta(0)
    body = {k: v for k, v in first.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    assert first["hash"] == hashlib.sha256(canonical).hexdigest()


def test_the_actor_defaults_to_the_os_user(log):
    assert audit.record("profile", path=log)["actor"] == getpass.getuser()


def test_the_log_path_comes_from_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDATA_HOME", str(tmp_path / "home"))
    assert settings.audit_log_path() == tmp_path / "home" / "audit.log"
    monkeypatch.setenv("SYNDATA_AUDIT_LOG", str(tmp_path / "elsewhere.log"))
    assert settings.audit_log_path() == tmp_path / "elsewhere.log"
    audit.record("generate")
    assert audit.verify().last_seq == 1
    assert (tmp_path / "elsewhere.log").exists()


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"action": "fitt"}, r"The 'action' parameter of record must be one of .*'fit'.* "
                         r"Got 'fitt' instead"),
    ({"action": "fit", "outcome": "maybe"}, r"'outcome' parameter .* Got 'maybe'"),
    ({"action": "fit", "rows": -1}, r"'rows' parameter .* Got -1 instead"),
    ({"action": "fit", "rows": {"t": True}}, r"'rows' parameter .* Got True instead"),
    ({"action": "fit", "dataset": "x" * 201}, r"'dataset' .* Got a string of 201 characters"),
    ({"action": "fit", "job_id": 17}, r"'job_id' .* Got 17 instead"),
])
def test_bad_arguments_are_refused_with_a_message_naming_them(log, kwargs, match):
    with pytest.raises(ValueError, match=match):
        audit.record(path=log, **kwargs)
    assert not log.exists()


@pytest.mark.parametrize(("value", "got"), [
    (pd.DataFrame({"name": ["Ada Lovelace"]}), "a DataFrame"),
    (pd.Series([1, 2]), "a Series"),
    (np.array([1, 2]), "a ndarray"),
    ("x" * 201, "a string of 201 characters"),
    ({"nested": 1}, "a dict"),
    (b"raw", "a bytes"),
    ([[1, 2]], "a list"),
    (list(range(101)), "a list of 101 items"),
    (float("nan"), "nan"),
])
def test_details_that_could_carry_data_are_refused(log, value, got):
    with pytest.raises(ValueError, match=rf"'details' value 'x' must be .* Got {got} instead\. "
                                         r"The audit log holds settings, never data values"):
        audit.record("mask", details={"x": value}, path=log)
    assert not log.exists()


def test_plain_details_are_kept_and_numpy_scalars_made_plain(log):
    details = {"seed": np.int64(3), "scale": np.float64(0.5), "strict": np.bool_(True),
               "name": "copula", "none": None, "columns": ("a", "b"), "ratio": 1e-9}
    entry = audit.record("fit", details=details, rows=np.int64(5), path=log)
    assert entry["details"] == {"seed": 3, "scale": 0.5, "strict": True, "name": "copula",
                                "none": None, "columns": ["a", "b"], "ratio": 1e-9}
    assert type(entry["details"]["seed"]) is int and type(entry["rows"]) is int
    assert audit.verify(log).ok


def test_details_larger_than_the_limit_are_refused(log):
    details = {f"k{i}": "v" * 200 for i in range(50)}
    with pytest.raises(ValueError, match=r"take \d+ bytes as JSON; at most 8192"):
        audit.record("fit", details=details, path=log)


def test_an_unwritable_log_raises_output_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OutputError, match=r"Cannot append to the audit log .*SYNDATA_AUDIT_LOG"):
        audit.record("fit", path=blocker / "audit.log")


# -- verification -------------------------------------------------------------------------


def test_an_intact_log_verifies_and_reports_its_anchor(log):
    written = _write_records(log, 5)
    result = audit.verify(log)
    assert (result.ok, result.lines, result.first_bad_line, result.problem) == (True, 5, None, "")
    assert result.anchor == (5, written[-1]["hash"])
    assert str(result).startswith("audit log ok: 5 records")


def test_a_missing_log_verifies_as_empty(log):
    result = audit.verify(log)
    assert (result.ok, result.lines, result.anchor) == (True, 0, (0, audit.GENESIS))


def test_an_edited_field_is_detected(log):
    _write_records(log, 5)
    lines = _lines(log)
    lines[2] = lines[2].replace('"rows":3', '"rows":30')
    _rewrite(log, lines)
    result = audit.verify(log)
    assert (result.ok, result.first_bad_line, result.last_seq) == (False, 3, 2)
    assert "was changed after it was written" in result.problem


def test_a_deleted_middle_line_is_detected(log):
    _write_records(log, 5)
    lines = _lines(log)
    del lines[2]
    _rewrite(log, lines)
    result = audit.verify(log)
    assert (result.ok, result.first_bad_line) == (False, 3)
    assert "has seq 4 but 3 was expected" in result.problem


def test_swapped_lines_are_detected(log):
    _write_records(log, 5)
    lines = _lines(log)
    lines[1], lines[2] = lines[2], lines[1]
    _rewrite(log, lines)
    result = audit.verify(log)
    assert (result.ok, result.first_bad_line) == (False, 2)
    assert "deleted or moved" in result.problem


def test_an_inserted_copy_of_a_line_is_detected(log):
    _write_records(log, 4)
    lines = _lines(log)
    lines.insert(3, lines[1])
    _rewrite(log, lines)
    result = audit.verify(log)
    assert (result.ok, result.first_bad_line) == (False, 4)
    assert "has seq 2 after seq 3" in result.problem


def test_a_forged_line_with_a_recomputed_hash_breaks_the_link(log):
    _write_records(log, 4)
    lines = _lines(log)
    lines[1] = _recompute(lines[1], rows=999)
    _rewrite(log, lines)
    result = audit.verify(log)
    assert (result.ok, result.first_bad_line) == (False, 3)
    assert "does not link to the record before it" in result.problem


def test_a_deleted_last_line_needs_the_anchor_to_be_detected(log):
    _write_records(log, 5)
    anchor = audit.verify(log).anchor
    _rewrite(log, _lines(log)[:-1])
    assert audit.verify(log).ok  # the file alone cannot know it was longer
    result = audit.verify(log, anchor=anchor)
    assert (result.ok, result.first_bad_line) == (False, None)
    assert "ends at record 4 but the anchor is record 5" in result.problem


def test_an_anchor_detects_a_rewritten_log_and_passes_a_grown_one(log):
    _write_records(log, 3)
    anchor = audit.verify(log).anchor
    audit.record("evaluate", path=log)
    assert audit.verify(log, anchor=anchor).ok
    log.unlink()
    _write_records(log, 4)  # a new log of the same length, different content
    result = audit.verify(log, anchor=anchor)
    assert (result.ok, result.first_bad_line) == (False, 3)
    assert "does not match the anchor's hash" in result.problem


def test_a_torn_last_line_is_reported_and_the_next_record_recovers(log):
    _write_records(log, 3)
    with log.open("a") as handle:
        handle.write('{"v":1,"seq":4,"time":"2025-')  # a crash mid-write
    result = audit.verify(log)
    assert (result.ok, result.first_bad_line, result.last_seq) == (False, 4, 3)
    assert "incomplete: a write was cut off" in result.problem
    entry = audit.record("fit", path=log)
    assert (entry["seq"], entry["torn"]) == (4, 1)
    assert entry["prev"] == json.loads(_lines(log)[2])["hash"]
    result = audit.verify(log)
    assert (result.ok, result.last_seq, result.torn_lines) == (True, 4, (4,))
    assert [e["seq"] for e in audit.entries(log)] == [1, 2, 3, 4]


def test_a_complete_last_line_without_newline_is_continued(log):
    _write_records(log, 2)
    log.write_text(log.read_text()[:-1])
    assert audit.verify(log).ok
    entry = audit.record("fit", path=log)
    assert entry["seq"] == 3 and "torn" not in entry
    assert audit.verify(log).ok and len(_lines(log)) == 3


def test_a_garbage_line_in_the_middle_is_detected(log):
    _write_records(log, 3)
    lines = _lines(log)
    lines.insert(1, "not a record\n")
    _rewrite(log, lines)
    result = audit.verify(log)
    assert (result.ok, result.first_bad_line) == (False, 2)
    assert "does not declare it as a torn write" in result.problem


def test_a_json_line_that_is_not_a_record_is_detected(log):
    _write_records(log, 2)
    _rewrite(log, [*_lines(log), '{"note":"hello"}\n'])
    result = audit.verify(log)
    assert (result.ok, result.first_bad_line) == (False, 3)
    assert "is not an audit record" in result.problem


# -- keyed chain --------------------------------------------------------------------------


def test_a_keyed_chain_needs_the_key_and_catches_a_forger_without_it(log, monkeypatch):
    monkeypatch.setenv("SYNDATA_AUDIT_KEY", "s3cret")
    written = _write_records(log, 3)
    assert {e["alg"] for e in written} == {"hmac-sha256"}
    assert audit.verify(log).ok
    assert audit.verify(log, key="s3cret").ok
    wrong = audit.verify(log, key="guess")
    assert not wrong.ok and "or the key is not the one" in wrong.problem
    monkeypatch.delenv("SYNDATA_AUDIT_KEY")
    missing = audit.verify(log)
    assert (missing.ok, missing.first_bad_line) == (False, 1)
    assert "is keyed with HMAC: set SYNDATA_AUDIT_KEY" in missing.problem
    # a forger without the key rewrites the whole chain with plain hashes ...
    forged, prev = [], audit.GENESIS
    for line in _lines(log):
        forged.append(_recompute(line, alg="sha256", prev=prev, rows=0))
        prev = json.loads(forged[-1])["hash"]
    _rewrite(log, forged)
    assert audit.verify(log).ok  # ... which an unkeyed verification cannot tell
    caught = audit.verify(log, key="s3cret")
    assert (caught.ok, caught.first_bad_line) == (False, 1)
    assert "is not keyed (plain SHA-256) although a key is set" in caught.problem


def test_a_keyed_hash_differs_from_the_plain_one(log, monkeypatch):
    plain = audit.record("fit", path=log)
    monkeypatch.setenv("SYNDATA_AUDIT_KEY", "k")
    keyed = audit.record("fit", path=log)
    body = {k: v for k, v in keyed.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    assert keyed["hash"] != hashlib.sha256(canonical).hexdigest()
    assert keyed["prev"] == plain["hash"]
    result = audit.verify(log)
    assert (result.ok, result.first_bad_line) == (False, 1)  # set the key before line 1


# -- concurrency --------------------------------------------------------------------------


def _append_many(path: str, worker: str, count: int, start) -> None:
    start.wait()  # both processes begin together, so their appends interleave
    for i in range(count):
        audit.record("sample", actor=worker, job_id=f"{worker}-{i}", rows=i, path=Path(path))


def test_two_processes_appending_at_once_keep_one_chain(log):
    context = multiprocessing.get_context("fork")
    start = context.Barrier(2)
    workers = [context.Process(target=_append_many, args=(str(log), name, 200, start))
               for name in ("w1", "w2")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [worker.exitcode for worker in workers] == [0, 0]
    result = audit.verify(log)
    assert (result.ok, result.lines, result.last_seq) == (True, 400, 400)
    records = list(audit.entries(log))
    assert [e["seq"] for e in records] == list(range(1, 401))
    for name in ("w1", "w2"):
        jobs = [e["job_id"] for e in records if e["actor"] == name]
        assert jobs == [f"{name}-{i}" for i in range(200)]


# -- reading ------------------------------------------------------------------------------


def test_entries_filter_by_action_and_time(log):
    audit.record("profile", path=log)
    audit.record("fit", path=log)
    audit.record("fit", outcome="failed", path=log)
    assert [e["seq"] for e in audit.entries(log, action="fit")] == [2, 3]
    future = datetime.now(UTC) + timedelta(days=1)
    assert list(audit.entries(log, since=future)) == []
    past = (datetime.now(UTC) - timedelta(days=1)).replace(tzinfo=None).isoformat()
    assert len(list(audit.entries(log, since=past))) == 3
    with pytest.raises(ValueError, match="'action' parameter of entries"):
        list(audit.entries(log, action="nope"))
    assert list(audit.entries(log.with_name("missing.log"))) == []


# -- fingerprints -------------------------------------------------------------------------


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "name": ["Ada Lovelace", "Alan Turing", "Grace Hopper"],
        "salary": [123457.25, 98765.5, 111222.75],
        "born": pd.to_datetime(["1815-12-10", "1912-06-23", "1906-12-09"]),
        "code": pd.Categorical(["QX-771", "QX-772", "QX-773"]),
    })


def test_equal_frames_have_equal_fingerprints_whatever_their_index():
    frame = _frame()
    copy = frame.copy()
    copy.index = [10, 20, 30]
    assert audit.fingerprint(frame) == audit.fingerprint(copy)
    assert len(audit.fingerprint(frame)) == 64


@pytest.mark.parametrize("change", [
    lambda f: f.assign(salary=[123457.25, 98765.5, 111222.76]),
    lambda f: f.assign(name=["Ada Lovelace", "Alan Turing", "Grace Hoper"]),
    lambda f: f.rename(columns={"salary": "pay"}),
    lambda f: f.assign(salary=f["salary"].astype("float32")),
    lambda f: f[["salary", "name", "born", "code"]],
    lambda f: f.iloc[:2],
])
def test_one_changed_cell_name_dtype_or_order_changes_the_fingerprint(change):
    assert audit.fingerprint(change(_frame())) != audit.fingerprint(_frame())


def test_the_log_never_contains_a_cell_value(log):
    frame = _frame()
    audit.record("fit", dataset="people", fingerprint=audit.fingerprint(frame),
                 rows=len(frame), details={"columns": list(frame.columns)}, path=log)
    text = log.read_text()
    cells = [str(value) for column in frame for value in frame[column]]
    cells += ["123457", "Lovelace", "1815-12-10", "QX-77"]
    assert [cell for cell in cells if cell in text] == []
    assert "salary" in text  # column names are settings and may be logged


def test_file_fingerprint_is_the_sha256_of_the_bytes(tmp_path):
    path = tmp_path / "data.csv"
    _frame().to_csv(path, index=False)
    assert audit.file_fingerprint(path) == hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(DataReadError, match=r"Cannot read .*missing\.csv to fingerprint it"):
        audit.file_fingerprint(tmp_path / "missing.csv")
