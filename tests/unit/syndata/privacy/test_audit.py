"""The audit trail: keyed hash-chained lines, anchors, tamper detection, crash recovery,
fingerprints."""

from __future__ import annotations

import getpass
import hashlib
import hmac
import json
import logging
import multiprocessing
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from syndata import settings
from syndata.errors import DataReadError, OutputError
from syndata.privacy import anchor, audit
from syndata.privacy.audit.keys import file_key


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch) -> Path:
    """A data folder of its own (key file, job store with the anchors), no audit settings."""
    for name in (
        "SYNDATA_AUDIT_KEY",
        "SYNDATA_ACTOR",
        "SYNDATA_AUDIT_LOG",
        "SYNDATA_AUDIT_KEY_FILE",
        "SYNDATA_JOBS_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "home"
    monkeypatch.setenv("SYNDATA_HOME", str(folder))
    yield folder
    anchor.forget_engines()


@pytest.fixture
def log(tmp_path) -> Path:
    return tmp_path / "audit" / "audit.log"


def _write_records(log: Path, count: int) -> list[dict]:
    return [
        audit.record("sample", job_id=f"j-{i}", rows=i, details={"seed": i}, path=log)
        for i in range(1, count + 1)
    ]


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


def _forge_chain(lines: list[str], **changes) -> list[str]:
    """Rewrite every line as plain SHA-256 with ``changes``, relinking the chain."""
    forged, prev = [], audit.GENESIS
    for line in lines:
        forged.append(_recompute(line, alg="sha256", prev=prev, **changes))
        prev = json.loads(forged[-1])["hash"]
    return forged


def _key_of(home: Path) -> bytes:
    return (home / "secrets" / "audit.key").read_bytes().strip()


def _hmac(entry: dict, key: bytes) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key, canonical, hashlib.sha256).hexdigest()


def _plain_records(log: Path, count: int) -> None:
    """A log as written before keys were the default: plain SHA-256, no anchor."""
    log.parent.mkdir(parents=True, exist_ok=True)
    lines, prev = [], audit.GENESIS
    for seq in range(1, count + 1):
        entry = {
            "v": 1,
            "seq": seq,
            "time": "2025-01-31T09:15:02.123456+00:00",
            "actor": "ana",
            "action": "fit",
            "outcome": "ok",
            "job_id": None,
            "model": None,
            "dataset": None,
            "fingerprint": None,
            "rows": seq,
            "details": {},
            "alg": "sha256",
            "prev": prev,
            "hash": "",
        }
        lines.append(_recompute(json.dumps(entry)))
        prev = json.loads(lines[-1])["hash"]
    log.write_text("".join(lines))


# -- the line format ----------------------------------------------------------------------


def test_a_line_holds_every_field_and_chains_to_the_previous_one(log, home, monkeypatch):
    monkeypatch.setenv("SYNDATA_ACTOR", "ana")
    first = audit.record(
        "fit",
        job_id="j-1",
        model="adult:3",
        dataset="adult.csv",
        fingerprint="f" * 64,
        rows={"adult": 100},
        path=log,
        details={"model": "copula", "seed": 7, "columns": ["age", "sex"]},
    )
    second = audit.record("download", outcome="denied", actor="bob", path=log)
    lines = [json.loads(line) for line in _lines(log)]
    assert lines == [first, second]
    assert list(first) == [
        "v",
        "seq",
        "time",
        "actor",
        "action",
        "outcome",
        "job_id",
        "model",
        "dataset",
        "fingerprint",
        "rows",
        "details",
        "alg",
        "prev",
        "hash",
    ]
    assert (first["seq"], first["prev"], first["actor"]) == (1, audit.GENESIS, "ana")
    assert (second["seq"], second["prev"], second["actor"]) == (2, first["hash"], "bob")
    assert second["details"] == {} and second["rows"] is None
    assert datetime.fromisoformat(first["time"]).utcoffset() == timedelta(0)
    assert first["alg"] == second["alg"] == "hmac-sha256"
    assert first["hash"] == _hmac(first, _key_of(home))


def test_the_actor_defaults_to_the_os_user(log):
    assert audit.record("profile", path=log)["actor"] == getpass.getuser()


def test_the_first_line_of_a_fresh_install_creates_the_store_and_its_anchor(home, caplog):
    with caplog.at_level(logging.WARNING, logger="syndata.audit"):
        entry = audit.record("fit")  # the default log: the store's checks count its lines
    assert caplog.text == ""
    assert (home / "jobs.db").stat().st_size > 0
    assert anchor.read(settings.audit_log_path()).seq == entry["seq"]
    assert audit.verify().ok and audit.verify().notes == ()


def test_the_log_path_comes_from_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDATA_HOME", str(tmp_path / "home"))
    assert settings.audit_log_path() == tmp_path / "home" / "audit.log"
    monkeypatch.setenv("SYNDATA_AUDIT_LOG", str(tmp_path / "elsewhere.log"))
    assert settings.audit_log_path() == tmp_path / "elsewhere.log"
    audit.record("generate")
    assert audit.verify().last_seq == 1
    assert (tmp_path / "elsewhere.log").exists()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"action": "fitt"},
            r"The 'action' parameter of record must be one of .*'fit'.* "
            r"Got 'fitt' instead",
        ),
        ({"action": "fit", "outcome": "maybe"}, r"'outcome' parameter .* Got 'maybe'"),
        ({"action": "fit", "rows": -1}, r"'rows' parameter .* Got -1 instead"),
        ({"action": "fit", "rows": {"t": True}}, r"'rows' parameter .* Got True instead"),
        ({"action": "fit", "dataset": "x" * 201}, r"'dataset' .* Got a string of 201 characters"),
        ({"action": "fit", "job_id": 17}, r"'job_id' .* Got 17 instead"),
    ],
)
def test_bad_arguments_are_refused_with_a_message_naming_them(log, kwargs, match):
    with pytest.raises(ValueError, match=match):
        audit.record(path=log, **kwargs)
    assert not log.exists()


@pytest.mark.parametrize(
    ("value", "got"),
    [
        (pd.DataFrame({"name": ["Ada Lovelace"]}), "a DataFrame"),
        (pd.Series([1, 2]), "a Series"),
        (np.array([1, 2]), "a ndarray"),
        ("x" * 201, "a string of 201 characters"),
        ({"nested": 1}, "a dict"),
        (b"raw", "a bytes"),
        ([[1, 2]], "a list"),
        (list(range(101)), "a list of 101 items"),
        (float("nan"), "nan"),
    ],
)
def test_details_that_could_carry_data_are_refused(log, value, got):
    with pytest.raises(
        ValueError,
        match=rf"'details' value 'x' must be .* Got {got} instead\. "
        r"The audit log holds settings, never data values",
    ):
        audit.record("mask", details={"x": value}, path=log)
    assert not log.exists()


def test_plain_details_are_kept_and_numpy_scalars_made_plain(log):
    details = {
        "seed": np.int64(3),
        "scale": np.float64(0.5),
        "strict": np.bool_(True),
        "name": "copula",
        "none": None,
        "columns": ("a", "b"),
        "ratio": 1e-9,
    }
    entry = audit.record("fit", details=details, rows=np.int64(5), path=log)
    assert entry["details"] == {
        "seed": 3,
        "scale": 0.5,
        "strict": True,
        "name": "copula",
        "none": None,
        "columns": ["a", "b"],
        "ratio": 1e-9,
    }
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


def test_a_forged_line_with_a_recomputed_plain_hash_is_detected(log):
    _write_records(log, 4)
    lines = _lines(log)
    lines[1] = _recompute(lines[1], rows=999)  # still claims HMAC: the HMAC does not match
    _rewrite(log, lines)
    result = audit.verify(log)
    assert (result.ok, result.first_bad_line) == (False, 2)
    assert "was changed after it was written" in result.problem
    lines[1] = _recompute(lines[1], rows=999, alg="sha256")  # claims plain SHA-256
    _rewrite(log, lines)
    result = audit.verify(log)
    assert (result.ok, result.first_bad_line) == (False, 2)
    assert "is not keyed (plain SHA-256) although the records before it are" in result.problem


def test_a_line_linked_to_a_forged_hash_breaks_the_link(log):
    _write_records(log, 4)
    lines = _lines(log)
    entry = json.loads(lines[2])
    entry["prev"] = "f" * 64
    entry["hash"] = _hmac(entry, _key_of(log.parents[1] / "home"))  # even with the key
    lines[2] = json.dumps(entry, separators=(",", ":")) + "\n"
    _rewrite(log, lines)
    result = audit.verify(log)
    assert (result.ok, result.first_bad_line) == (False, 3)
    assert "does not link to the record before it" in result.problem


def test_a_deleted_last_line_is_detected_by_the_stored_anchor(log):
    _write_records(log, 5)
    noted = audit.verify(log).anchor
    assert audit.verify(log).stored_anchor == noted
    _rewrite(log, _lines(log)[:-1])  # cut at a line boundary
    assert audit.verify(log, stored_anchor=False).ok  # the file alone cannot know it
    result = audit.verify(log)
    assert (result.ok, result.first_bad_line) == (False, None)
    assert (
        "the log ends at record 4 but the job store's anchor is record 5" in result.problem
        and "deleted from the end" in result.problem
    )
    result = audit.verify(log, anchor=noted, stored_anchor=False)
    assert not result.ok and "but the expected anchor is record 5" in result.problem


def test_an_anchor_detects_a_replaced_log_and_passes_a_grown_one(log):
    _write_records(log, 3)
    noted = audit.verify(log).anchor
    audit.record("evaluate", path=log)
    assert audit.verify(log, anchor=noted).ok
    other = log.with_name("other.log")
    _write_records(other, 4)  # another log of the same length, different content
    result = audit.verify(other, anchor=noted)
    assert (result.ok, result.first_bad_line) == (False, 3)
    assert "record 3 does not match the expected anchor" in result.problem
    assert "rewritten (its hashes recomputed) or replaced" in result.problem


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


def test_a_key_set_in_the_environment_keys_the_chain_and_is_needed(log, home, monkeypatch):
    monkeypatch.setenv("SYNDATA_AUDIT_KEY", "s3cret")
    written = _write_records(log, 3)
    assert {e["alg"] for e in written} == {"hmac-sha256"}
    assert written[0]["hash"] == _hmac(written[0], b"s3cret")
    assert not (home / "secrets" / "audit.key").exists()  # the variable wins
    assert audit.verify(log).ok
    assert audit.verify(log, key="s3cret").ok
    wrong = audit.verify(log, key="guess")
    assert not wrong.ok and "or the key is not the one" in wrong.problem
    monkeypatch.delenv("SYNDATA_AUDIT_KEY")
    missing = audit.verify(log)
    assert (missing.ok, missing.first_bad_line) == (False, 1)
    assert "is keyed with HMAC: set SYNDATA_AUDIT_KEY, or restore the key file" in missing.problem


def test_without_a_key_setting_a_key_file_is_generated_0600_in_a_0700_folder(log, home):
    audit.record("fit", path=log)
    key_file = home / "secrets" / "audit.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    text = key_file.read_text()
    assert len(text.strip()) == 64 and int(text, 16) >= 0  # 32 random bytes, hex
    assert list(key_file.parent.iterdir()) == [key_file]  # no temporary file left
    audit.record("fit", path=log)
    assert key_file.read_text() == text  # generated once
    assert audit.verify(log, key=text.strip()).ok
    assert audit.ensure_key(log) == audit.KeySource("file", key_file, created=False)


def test_the_key_file_can_live_elsewhere(log, home, tmp_path, monkeypatch):
    elsewhere = tmp_path / "vault" / "syndata.key"
    monkeypatch.setenv("SYNDATA_AUDIT_KEY_FILE", str(elsewhere))
    entry = audit.record("fit", path=log)
    assert entry["hash"] == _hmac(entry, elsewhere.read_bytes().strip())
    assert not (home / "secrets").exists()
    assert audit.verify(log).ok


def _take_key(path: str, start, queue) -> None:
    start.wait()
    queue.put(file_key(Path(path), create=True))


def test_two_processes_generating_the_key_at_once_agree(tmp_path):
    context = multiprocessing.get_context("fork")
    start, queue = context.Barrier(4), context.Queue()
    path = tmp_path / "race" / "audit.key"
    workers = [context.Process(target=_take_key, args=(str(path), start, queue)) for _ in range(4)]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join()
    assert len({key for key, _ in results}) == 1
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert path.read_bytes().strip() == results[0][0]


def test_a_damaged_or_unwritable_key_file_is_a_clear_error(log, home, tmp_path, monkeypatch):
    key_file = home / "secrets" / "audit.key"
    key_file.parent.mkdir(parents=True)
    key_file.write_text("")
    with pytest.raises(OutputError, match=r"audit key file .* is empty or damaged\. Restore it"):
        audit.record("fit", path=log)
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    monkeypatch.setenv("SYNDATA_AUDIT_KEY_FILE", str(blocker / "audit.key"))
    with pytest.raises(
        OutputError,
        match=r"Cannot create the audit key file .*"
        r"SYNDATA_AUDIT_KEY_FILE",
    ):
        audit.record("fit", path=log)


def test_a_chain_rewritten_without_the_key_is_detected(log, home):
    _write_records(log, 3)
    _rewrite(log, _forge_chain(_lines(log), rows=0))
    result = audit.verify(log)  # the stored anchor's hash is not the forged one
    assert (result.ok, result.first_bad_line) == (False, 3)
    assert "record 3 does not match the job store's anchor" in result.problem
    assert "not keyed up to here although a key is set" in result.problem
    result = audit.verify(log, stored_anchor=False)  # the key alone catches it too
    assert (result.ok, result.first_bad_line) == (False, 1)
    assert "is not keyed (plain SHA-256) although a key is set" in result.problem
    (home / "secrets" / "audit.key").unlink()  # and if the key is gone as well
    result = audit.verify(log)
    assert not result.ok and "does not match the job store's anchor" in result.problem


def test_an_emptied_log_is_detected(log):
    _write_records(log, 3)
    log.write_bytes(b"")
    result = audit.verify(log)
    assert not result.ok
    assert "is empty, but the job store's anchor is record 3" in result.problem
    assert "was emptied" in result.problem


def test_a_deleted_log_is_detected(log):
    _write_records(log, 3)
    log.unlink()
    result = audit.verify(log)
    assert not result.ok
    assert "does not exist, but the job store's anchor is record 3" in result.problem
    assert "was deleted" in result.problem


def test_a_record_after_a_deletion_continues_after_the_anchor(log, caplog):
    written = _write_records(log, 3)
    log.unlink()
    with caplog.at_level(logging.WARNING, logger="syndata.audit"):
        entry = audit.record("fit", path=log)
    assert (entry["seq"], entry["prev"]) == (4, written[-1]["hash"])
    assert "ends at record 0 but its anchor is record 3" in caplog.text
    result = audit.verify(log)  # the gap stays visible: the anchor never moves back
    assert (result.ok, result.first_bad_line) == (False, 1)
    assert "has seq 4 but 1 was expected" in result.problem


def test_an_expected_anchor_passes_and_catches_a_mismatch(log):
    written = _write_records(log, 4)
    noted = f"2:{written[1]['hash']}"
    assert audit.parse_anchor(noted) == (2, written[1]["hash"])
    assert audit.parse_anchor(written[1]["hash"].upper()) == (None, written[1]["hash"])
    assert audit.verify(log, anchor=audit.parse_anchor(noted)).ok
    assert audit.verify(log, anchor=audit.parse_anchor(written[1]["hash"])).ok
    wrong = audit.verify(log, anchor=(2, written[2]["hash"]))
    assert (wrong.ok, wrong.first_bad_line) == (False, 2)
    assert "record 2 does not match the expected anchor" in wrong.problem
    unknown = audit.verify(log, anchor=(None, "e" * 64))
    assert not unknown.ok and "no record of the log has the hash" in unknown.problem
    ahead = audit.verify(log, anchor=(9, "e" * 64))
    assert not ahead.ok and "ends at record 4 but the expected anchor is record 9" in (
        ahead.problem
    )
    for bad in ("", "12", "x:" + "a" * 64, "0:" + "a" * 64, "3:" + "a" * 63, "g" * 64):
        with pytest.raises(ValueError, match="is not an anchor: give SEQ:HASH"):
            audit.parse_anchor(bad)


def test_the_log_keeps_working_when_the_anchor_store_is_unreachable(
    log, tmp_path, monkeypatch, caplog
):
    _write_records(log, 2)
    good = settings.jobs_url()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("SYNDATA_JOBS_URL", f"sqlite:///{blocker}/jobs.db")
    with caplog.at_level(logging.WARNING, logger="syndata.audit"):
        written = _write_records(log, 3)  # appended all the same
    assert [e["seq"] for e in written] == [3, 4, 5]
    assert "cannot keep the audit anchor" in caplog.text
    assert caplog.text.count("cannot keep the audit anchor") == 1  # not once per line
    down = audit.verify(log)
    assert not down.ok and "the anchor could not be read" in down.problem
    assert "--expect SEQ:HASH" in down.problem
    assert audit.verify(log, anchor=(5, written[-1]["hash"])).ok  # an anchor kept elsewhere
    monkeypatch.setenv("SYNDATA_JOBS_URL", good)
    stale = audit.verify(log)
    assert stale.ok and stale.stored_anchor is not None and stale.stored_anchor[0] == 2
    assert any(
        "anchor is at record 2, behind the log's last record 5" in note for note in stale.notes
    )
    audit.record("fit", path=log)
    fresh = audit.verify(log)
    assert fresh.ok and fresh.notes == () and fresh.stored_anchor == fresh.anchor


def test_the_verify_command_prints_the_anchor_and_fails_with_one_message(log, monkeypatch):
    from typer.testing import CliRunner

    from syndata.cli import app

    written = _write_records(log, 3)
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify", "--log", str(log)])
    assert ok.exit_code == 0, ok.output
    assert f"anchor: 3:{written[-1]['hash']}" in ok.output
    expected = runner.invoke(
        app, ["audit", "verify", "--log", str(log), "--expect", f"2:{written[1]['hash']}"]
    )
    assert expected.exit_code == 0, expected.output
    wrong = runner.invoke(
        app, ["audit", "verify", "--log", str(log), "--expect", f"2:{written[2]['hash']}"]
    )
    assert wrong.exit_code == 5
    assert "record 2 does not match the expected anchor" in wrong.output
    bad = runner.invoke(app, ["audit", "verify", "--log", str(log), "--expect", "nope"])
    assert bad.exit_code == 3 and "--expect: 'nope' is not an anchor" in bad.output
    _rewrite(log, _lines(log)[:-1])
    cut = runner.invoke(app, ["audit", "verify", "--log", str(log)])
    assert cut.exit_code == 5 and "record 3 was deleted from the end" in cut.output


def test_an_emptied_job_store_is_not_recreated_behind_the_log(home, caplog):
    log = settings.audit_log_path()  # the store's integrity check counts its lines
    _write_records(log, 3)
    anchor.forget_engines()  # as a new process would
    (home / "jobs.db").write_bytes(b"")
    for side in ("jobs.db-wal", "jobs.db-shm"):
        (home / side).unlink(missing_ok=True)
    with caplog.at_level(logging.WARNING, logger="syndata.audit"):
        entry = audit.record("fit", path=log)  # the line is kept ...
    assert entry["seq"] == 4
    assert "cannot keep the audit anchor" in caplog.text  # ... the store is not remade
    assert (home / "jobs.db").stat().st_size == 0
    result = audit.verify(log)
    assert not result.ok and "has no audit anchors table" in result.problem


# -- logs written before keys were the default --------------------------------------------


def test_an_old_unkeyed_log_without_any_key_verifies_with_a_warning(log):
    _plain_records(log, 3)
    result = audit.verify(log)
    assert result.ok and result.unkeyed_lines == 3
    assert "written without a key (plain SHA-256): anyone who can write" in str(result)
    assert "holds no anchor for this log yet" in str(result)


def test_unkeyed_lines_are_sealed_by_the_first_keyed_record(log, home):
    _plain_records(log, 3)
    entry = audit.record("fit", path=log)  # generates the key; links to the plain lines
    assert (entry["seq"], entry["alg"]) == (4, "hmac-sha256")
    result = audit.verify(log)
    assert result.ok and result.unkeyed_lines == 3
    assert "records on lines 1-3 were written without a key, before line 4" in str(result)
    lines = _lines(log)
    lines[:3] = _forge_chain(lines[:3], rows=0)  # rewriting them breaks the link
    _rewrite(log, lines)
    result = audit.verify(log)
    assert (result.ok, result.first_bad_line) == (False, 4)
    assert "does not link to the record before it" in result.problem


def test_unkeyed_last_lines_while_a_key_exists_fail_until_sealed(log, home):
    _plain_records(log, 3)
    file_key(settings.audit_key_file(), create=True)  # a key, no keyed line yet
    result = audit.verify(log)
    assert (result.ok, result.first_bad_line) == (False, 1)
    assert "no keyed record follows to seal the 3 unkeyed record(s)" in result.problem


def test_the_server_start_seals_an_old_log_when_it_generates_the_key(log, home):
    _plain_records(log, 2)
    started = audit.ensure_key(log)
    assert (started.source, started.created, started.sealed) == ("file", True, True)
    assert started.path == home / "secrets" / "audit.key"
    [seal] = [e for e in audit.entries(log) if e["seq"] == 3]
    assert (seal["action"], seal["details"]["setting"]) == ("settings_changed", "audit_key")
    assert audit.verify(log).ok
    again = audit.ensure_key(log)
    assert (again.created, again.sealed) == (False, False)
    assert len(_lines(log)) == 3


def test_ensure_key_names_the_variable_when_it_is_set(log, home, monkeypatch):
    monkeypatch.setenv("SYNDATA_AUDIT_KEY", "s3cret")
    assert audit.ensure_key(log) == audit.KeySource("SYNDATA_AUDIT_KEY", None, created=False)
    assert not (home / "secrets").exists()


# -- concurrency --------------------------------------------------------------------------


def _append_many(path: str, worker: str, count: int, start) -> None:
    start.wait()  # both processes begin together, so their appends interleave
    for i in range(count):
        audit.record("sample", actor=worker, job_id=f"{worker}-{i}", rows=i, path=Path(path))


def test_two_processes_appending_at_once_keep_one_chain(log):
    context = multiprocessing.get_context("fork")
    start = context.Barrier(2)
    workers = [
        context.Process(target=_append_many, args=(str(log), name, 200, start))
        for name in ("w1", "w2")
    ]
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
    return pd.DataFrame(
        {
            "name": ["Ada Lovelace", "Alan Turing", "Grace Hopper"],
            "salary": [123457.25, 98765.5, 111222.75],
            "born": pd.to_datetime(["1815-12-10", "1912-06-23", "1906-12-09"]),
            "code": pd.Categorical(["QX-771", "QX-772", "QX-773"]),
        }
    )


def test_equal_frames_have_equal_fingerprints_whatever_their_index():
    frame = _frame()
    copy = frame.copy()
    copy.index = [10, 20, 30]
    assert audit.fingerprint(frame) == audit.fingerprint(copy)
    assert len(audit.fingerprint(frame)) == 64


@pytest.mark.parametrize(
    "change",
    [
        lambda f: f.assign(salary=[123457.25, 98765.5, 111222.76]),
        lambda f: f.assign(name=["Ada Lovelace", "Alan Turing", "Grace Hoper"]),
        lambda f: f.rename(columns={"salary": "pay"}),
        lambda f: f.assign(salary=f["salary"].astype("float32")),
        lambda f: f[["salary", "name", "born", "code"]],
        lambda f: f.iloc[:2],
    ],
)
def test_one_changed_cell_name_dtype_or_order_changes_the_fingerprint(change):
    assert audit.fingerprint(change(_frame())) != audit.fingerprint(_frame())


def test_the_log_never_contains_a_cell_value(log):
    frame = _frame()
    audit.record(
        "fit",
        dataset="people",
        fingerprint=audit.fingerprint(frame),
        rows=len(frame),
        details={"columns": list(frame.columns)},
        path=log,
    )
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
