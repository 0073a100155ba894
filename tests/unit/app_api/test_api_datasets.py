from __future__ import annotations

import pytest

CSV = b"id,name,score\n1,ann,3.5\n2,bob,4.0\n3,cy,2.25\n"


def upload(client, headers, name="people.csv", content=CSV):
    return client.post("/datasets", headers=headers, files={"file": (name, content, "text/csv")})


def test_upload_list_and_get_a_dataset(client, auth, audit_log, home):
    response = upload(client, auth("operator"))
    assert response.status_code == 201, response.text
    dataset = response.json()
    assert dataset["dataset_id"].startswith("ds_")
    assert (dataset["filename"], dataset["size"], dataset["format"], dataset["table"]) == (
        "people.csv",
        len(CSV),
        "csv",
        "people",
    )
    stored = home / "uploads" / dataset["dataset_id"] / "data.csv"
    assert stored.read_bytes() == CSV
    listing = client.get("/datasets", headers=auth("viewer")).json()
    assert [d["dataset_id"] for d in listing["datasets"]] == [dataset["dataset_id"]]
    got = client.get(f"/datasets/{dataset['dataset_id']}", headers=auth("viewer")).json()
    assert got == dataset
    [line] = [line for line in audit_log() if line["action"] == "upload"]
    assert line["dataset"] == dataset["dataset_id"]
    assert line["details"]["size"] == len(CSV)


def test_viewers_cannot_upload(client, auth, check_error):
    check_error(upload(client, auth("viewer")), 403, "forbidden")


def test_an_upload_over_the_limit_is_413_and_leaves_nothing(make_client, auth, check_error, home):
    client = make_client(SYNDATA_MAX_UPLOAD_MB="0.001")  # 1,048 bytes
    big = b"id,value\n" + b"".join(b"%d,%d\n" % (i, i * 7) for i in range(400))
    assert len(big) > 1100
    error = check_error(upload(client, auth("operator"), content=big), 413, "payload_too_large")
    assert "SYNDATA_MAX_UPLOAD_MB" in error["message"]
    assert list((home / "uploads").glob("ds_*")) == []
    assert upload(client, auth("operator")).status_code == 201  # small files still pass


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(make_client, auth, check_error):
    client = make_client(SYNDATA_MAX_UPLOAD_MB="0.001")
    huge = b"x" * (3 << 20)  # beyond the limit plus the multipart allowance
    error = check_error(upload(client, auth("operator"), content=huge), 413, "payload_too_large")
    assert error["message"].startswith("the request body is larger than the limit")


def test_unsupported_and_unreadable_uploads_are_400(client, auth, check_error, home):
    error = check_error(upload(client, auth("operator"), name="data.exe"), 400, "invalid_config")
    assert error["problems"][0]["path"] == "filename"
    check_error(
        upload(client, auth("operator"), name="data.parquet", content=b"not parquet"),
        400,
        "unreadable_data",
    )
    assert list((home / "uploads").glob("ds_*")) == []


def test_a_missing_file_field_is_422(client, auth, check_error):
    error = check_error(
        client.post("/datasets", headers=auth("operator"), data={"other": "x"}),
        422,
        "validation_error",
    )
    assert error["problems"][0]["path"] == "body.file"


@pytest.mark.parametrize(
    "dataset_id",
    [
        "..%2fx",
        "..%2f..%2fjobs.db",
        "ds_..%2f..%2fjobs.db",
        "ds_0000000000000000",
        "%2e%2e",
    ],
)
def test_dataset_ids_never_become_paths(client, auth, check_error, dataset_id):
    response = client.get(f"/datasets/{dataset_id}", headers=auth("viewer"))
    check_error(response, 404, "not_found")


def test_a_streamed_body_is_cut_off_at_the_limit(make_client, auth, check_error, home):
    client = make_client(SYNDATA_MAX_UPLOAD_MB="0.001")
    boundary = "syndata-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="big.csv"\r\nContent-Type: text/csv\r\n\r\nid\n'
    ).encode()

    def body():  # no Content-Length: sent chunked
        yield head
        for _ in range(40):
            yield b"1\n" * 50_000
        yield f"\r\n--{boundary}--\r\n".encode()

    response = client.post(
        "/datasets",
        content=body(),
        headers={**auth("operator"), "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    error = check_error(response, 413, "payload_too_large")
    assert error["message"].startswith("the request body is larger than the limit")
    assert list((home / "uploads").glob("ds_*")) == []


# ------------------------------------------------------------------ encodings, junk, width

TEXT = (
    "name,city,note\n" + "José,Zürich,café crème\nRenée,Genève,déjà vu\nFrançois,Köln,naïve\n" * 20
)


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16", "utf-16-le", "utf-8-sig"])
def test_uploads_in_other_encodings_are_stored_as_utf8(client, auth, home, encoding):
    response = upload(client, auth("operator"), "people.csv", TEXT.encode(encoding))
    assert response.status_code == 201, response.text
    stored = home / "uploads" / response.json()["dataset_id"] / "data.csv"
    assert stored.read_text(encoding="utf-8") == TEXT


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("junk.csv", bytes(range(256)) * 20, "is not csv text"),
        ("junk.json", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "is not json text"),
        ("junk.jsonl", b"\x00\x01\x02SECRETBYTES\x00" * 50, "is not jsonl text"),
        ("junk.parquet", b"PK\x03\x04SECRETBYTES" * 30, "is not valid parquet"),
        ("ragged.csv", b"a,b\n1,2,SECRETBYTES\n", "a row has 3 fields where the header has 2"),
    ],
)
def test_binary_or_broken_uploads_never_echo_their_bytes(
    client, auth, check_error, name, content, fragment
):
    error = check_error(upload(client, auth("operator"), name, content), 400, "unreadable_data")
    assert fragment in error["message"]
    assert "SECRETBYTES" not in error["message"] and "\\x" not in error["message"]
    assert not any(ch in error["message"] for ch in "\x00\x01\x02\ufffd")


def test_a_table_wider_than_the_column_limit_is_413(client, auth, check_error, home):
    header = ",".join(f"c{i}" for i in range(2001))
    response = upload(client, auth("operator"), "wide.csv", f"{header}\n{header}\n".encode())
    error = check_error(response, 413, "payload_too_large")
    assert "has 2,001 columns, over the limit of 2,000 (SYNDATA_MAX_COLUMNS)" in error["message"]
    assert not any((home / "uploads").iterdir())


def test_the_column_limit_can_be_raised(client, auth, monkeypatch):
    monkeypatch.setenv("SYNDATA_MAX_COLUMNS", "3000")
    header = ",".join(f"c{i}" for i in range(2001))
    response = upload(client, auth("operator"), "wide.csv", f"{header}\n{header}\n".encode())
    assert response.status_code == 201, response.text
