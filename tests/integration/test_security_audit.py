"""The audit log against a real `syndata serve`: keyed by default, every tampering caught.

One server writes a log (an upload with the admin key, 300 refused sign-ins); once it has
stopped, each tampering is replayed on the log (an edit with the chain recomputed as an
attacker without the key would, the last line deleted, the log emptied, the log deleted)
and `syndata audit verify`, run as a CLI process with the same data folder, must fail
naming the problem. The untouched log verifies.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from serve_process import ADMIN, ROOT, Server, cli

REFUSED = 300


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Run a server, do audited and refused requests, stop it; its env, home and log."""
    base = tmp_path_factory.mktemp("audit")
    env = {
        name: value
        for name, value in os.environ.items()
        if name
        not in (
            "SYNDATA_API_URL",
            "SYNDATA_BROKER_URL",
            "SYNDATA_JOBS_URL",
            "SYNDATA_AUTH",
            "SYNDATA_AUDIT_KEY",
            "SYNDATA_AUDIT_KEY_FILE",
            "SYNDATA_AUDIT_LOG",
            "SYNDATA_AUDIT_LOGIN_WINDOW",
        )
    }
    env.update(
        SYNDATA_HOME=str(base / "home"), SYNDATA_API_KEY=ADMIN, SYNDATA_RATE_LIMIT="100000"
    )  # refused requests must reach the audit, not 429
    server = Server(env, workers=1).start()
    home = base / "home"
    try:
        with server.client() as http, open(ROOT / "examples/data/penguins.csv", "rb") as f:
            upload = http.post("/datasets", files={"file": ("penguins.csv", f, "text/csv")})
            assert upload.status_code == 201, upload.text
        with httpx.Client(base_url=server.url, timeout=30) as anonymous:
            statuses = {anonymous.get("/jobs").status_code for _ in range(REFUSED // 2)}
            statuses |= {
                anonymous.get("/jobs", headers={"X-API-Key": "sk_wrong_" + "x" * 20}).status_code
                for _ in range(REFUSED - REFUSED // 2)
            }
        assert statuses == {401}
        during = _failed_logins(home / "audit.log")
    finally:
        server.stop()
    yield {
        "env": env,
        "home": home,
        "log": home / "audit.log",
        "during": during,
        "server_log": server.log.read_text(),
    }


def _records(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines() if line]


def _failed_logins(log: Path) -> list[dict]:
    return [r for r in _records(log) if r["action"] == "login" and r["outcome"] == "failed"]


def _verify(env: dict, *args: str) -> tuple[int, str]:
    done = cli("audit", "verify", *args, env=env)
    return done.returncode, done.stdout + done.stderr


@pytest.fixture
def log(served: dict) -> Iterator[Path]:
    """The server's log, restored to what the server wrote after each test."""
    path: Path = served["log"]
    pristine = path.read_bytes()
    yield path
    path.write_bytes(pristine)


def _plain(entry: dict) -> str:
    """What an attacker without the key can compute: the plain SHA-256 of the line."""
    body = {k: v for k, v in entry.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def test_the_key_is_generated_apart_from_the_log_and_the_server_says_so_once(served):
    key_file = served["home"] / "secrets" / "audit.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    notices = [line for line in served["server_log"].splitlines() if '"event": "audit_key"' in line]
    assert len(notices) == 1, served["server_log"][-3000:]
    assert str(key_file) in notices[0] and "back it up apart from the audit log" in notices[0]
    records = _records(served["log"])
    assert {r["alg"] for r in records} == {"hmac-sha256"}
    assert any(r["action"] == "upload" and r["actor"] != "anonymous" for r in records)


def test_refused_sign_ins_make_a_couple_of_lines_whose_counts_add_up(served):
    assert [r["details"]["count"] for r in served["during"]] == [1]  # the first, at once
    lines = _failed_logins(served["log"])  # the rest, written when the server stopped
    assert len(lines) == 2
    assert sum(r["details"]["count"] for r in lines) == REFUSED
    summary = lines[1]["details"]
    assert summary["aggregated"] is True and summary["client"] == "127.0.0.1"
    assert summary["reasons"] == ["missing_key", "unknown_key"]
    assert summary["reason_counts"] == [REFUSED // 2 - 1, REFUSED - REFUSED // 2]


def test_the_untouched_log_verifies_and_prints_its_anchor(served, log):
    first, last = _records(log)[0], _records(log)[-1]
    code, text = _verify(served["env"], "--expect", f"{first['seq']}:{first['hash']}")
    assert code == 0, text
    assert f"anchor: {last['seq']}:{last['hash']}" in text
    assert "warning" not in text


def test_an_edited_line_with_the_chain_recomputed_without_the_key_fails(served, log):
    records = _records(log)
    target = next(i for i, r in enumerate(records) if r["action"] == "upload")
    records[target]["dataset"] = "nothing-to-see.csv"
    prev = records[target - 1]["hash"] if target else "0" * 64
    for entry in records[target:]:  # relink every line after it, as plain SHA-256
        entry.update(alg="sha256", prev=prev)
        entry["hash"] = prev = _plain(entry)
    log.write_text("".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records))
    code, text = _verify(served["env"])
    assert code == 5, text
    assert "not keyed up to here although a key is set" in text
    assert "the log was rewritten (its hashes recomputed)" in text


def test_the_whole_chain_rewritten_without_the_key_fails(served, log):
    records, prev = _records(log), "0" * 64
    for entry in records:
        entry.update(alg="sha256", prev=prev, actor="someone-else")
        entry["hash"] = prev = _plain(entry)
    log.write_text("".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records))
    code, text = _verify(served["env"])
    assert code == 5, text
    assert "does not match the job store's anchor" in text and "rewritten" in text


def test_a_deleted_last_line_fails(served, log):
    lines = log.read_text().splitlines(keepends=True)
    log.write_text("".join(lines[:-1]))
    code, text = _verify(served["env"])
    assert code == 5, text
    assert f"the log ends at record {len(lines) - 1}" in text
    assert "deleted from the end" in text


def test_an_emptied_log_fails(served, log):
    log.write_bytes(b"")
    code, text = _verify(served["env"])
    assert code == 5, text
    assert "is empty" in text and "was emptied" in text


def test_a_deleted_log_fails(served, log):
    log.unlink()
    code, text = _verify(served["env"])
    assert code == 5, text
    assert "does not exist" in text and "was deleted" in text


def test_an_anchor_kept_elsewhere_catches_a_log_and_store_replaced_together(served, log, tmp_path):
    last = _records(log)[-1]
    noted = f"{last['seq']}:{last['hash']}"
    other = dict(served["env"], SYNDATA_HOME=str(tmp_path / "other"))  # no job store there
    shutil.copytree(served["home"] / "secrets", tmp_path / "other" / "secrets")
    log.write_text("".join(log.read_text().splitlines(keepends=True)[:-1]))
    code, text = _verify(other, "--log", str(log), "--expect", noted)
    assert code == 5, text
    assert f"but the expected anchor is record {last['seq']}" in text
    assert "deleted from the end" in text
