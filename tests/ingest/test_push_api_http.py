"""POST /api/v1/imports as HTTP: a body that is not JSON is a 415 (not "every field missing"), a created batch is
named by its Location."""

from __future__ import annotations

import json

from regulator.extensions import db
from regulator.services.tokens import issue_token

ROW = {"licence_no": "粤深危化经字〔2019〕000003号", "credit_code": "91110000600037341L",
       "company_name": "深圳测试化学品有限公司", "issue_date": "20191229", "status": "VALID"}


def _headers(agencies) -> dict[str, str]:  # noqa: ANN001
    clear, _token = issue_token(next(a for a in agencies if a.code == "MEM"), "mem-system")
    db.session.commit()
    return {"Authorization": f"Bearer {clear}"}


def test_a_body_that_is_not_json_is_refused_as_such(app, client, agencies) -> None:  # noqa: ANN001
    """JSON sent as text/plain, without a type, or a form: 415 saying what to send; nothing is imported."""
    headers = _headers(agencies)
    body = json.dumps({"kind": "mem_licences", "rows": [ROW]}, ensure_ascii=False).encode()
    for content_type in ("text/plain; charset=utf-8", None, "application/x-www-form-urlencoded"):
        sent = {**headers, "Content-Type": content_type} if content_type else headers
        response = client.post("/api/v1/imports", data=body, headers=sent)
        assert response.status_code == 415, (content_type, response.json)
        assert response.json["code"] == "unsupported_media_type" and "application/json" in response.json["message"]
    assert client.get("/api/v1/imports/1", headers=headers).status_code == 404
    assert client.post("/api/v1/imports", json={"kind": "mem_licences", "rows": [ROW]},
                       headers=headers).status_code == 201


def test_a_push_names_its_batch_in_location(app, client, agencies) -> None:  # noqa: ANN001
    """201 Created with ``Location``: the batch's report, readable there."""
    headers = _headers(agencies)
    response = client.post("/api/v1/imports", json={"kind": "mem_licences", "rows": [ROW]}, headers=headers)
    assert response.status_code == 201
    location = response.headers["Location"]
    assert location.endswith(f"/api/v1/imports/{response.json['id']}")
    assert client.get(location, headers=headers).json == response.json


def test_a_body_not_in_utf8_is_refused_saying_so(app, client, agencies) -> None:  # noqa: ANN001
    """GBK (whatever charset the header names) or a byte order mark: 400 saying what is wrong with the bytes, not a
    bare "Invalid JSON body"; the same rows in UTF-8 are imported."""
    headers = {**_headers(agencies), "Content-Type": "application/json; charset=gbk"}
    text = json.dumps({"kind": "mem_licences", "rows": [ROW]}, ensure_ascii=False)
    gbk = client.post("/api/v1/imports", data=text.encode("gbk"), headers=headers)
    assert gbk.status_code == 400 and gbk.json["code"] == "bad_request"
    assert "not UTF-8" in gbk.json["message"], gbk.json
    bom = client.post("/api/v1/imports", data=b"\xef\xbb\xbf" + text.encode(), headers=headers)
    assert bom.status_code == 400 and "byte order mark" in bom.json["message"], bom.json
    assert client.post("/api/v1/imports", data=text.encode(), headers=headers).status_code == 201


def test_a_token_naming_another_agency_pushes_nothing(app, client, agencies) -> None:  # noqa: ANN001
    """A MEM token that names MEE is refused (422 on ``agency``), not imported as MEM's rows; naming its own agency,
    in any case, is the same as naming none."""
    headers = _headers(agencies)
    refused = client.post("/api/v1/imports", json={"kind": "mem_licences", "agency": "MEE", "rows": [ROW]},
                          headers=headers)
    assert refused.status_code == 422 and set(refused.json["errors"]) == {"agency"}, refused.json
    assert client.get("/api/v1/imports/1", headers=headers).status_code == 404
    own = client.post("/api/v1/imports", json={"kind": "mem_licences", "agency": "mem", "rows": [ROW]},
                      headers=headers)
    assert own.status_code == 201 and own.json["rows_accepted"] == 1
