"""Reading files in every supported format and encoding, and applying a mapping to rows."""

from __future__ import annotations

import gzip
import json
from datetime import date
from decimal import Decimal

import pytest

from regulator.ingest import FileError, MappingError, detect_encoding, read_file
from regulator.ingest.mapping import parse_mapping

TEXT = "单位名称,日期\n深圳市测试有限公司,2023/5/1\n"


@pytest.mark.parametrize(("encoding", "expected"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                                    ("gbk", "gb18030"), ("gb18030", "gb18030")])
def test_encodings_are_detected_without_being_told(tmp_path, encoding, expected):
    """UTF-8, UTF-8 with BOM and GBK/GB18030 files read back the same Chinese text."""
    path = tmp_path / "f.csv"
    path.write_bytes(TEXT.encode(encoding))
    source = read_file(path)
    assert source.encoding == expected
    assert source.headers == ["单位名称", "日期"]
    assert source.rows == [{"__row": 1, "单位名称": "深圳市测试有限公司", "日期": "2023/5/1"}]


def test_a_row_wider_than_the_header_keeps_every_value(tmp_path):
    """The values beyond the header are kept under their position, so the quarantined row is the row as sent
    and two such rows that differ only there are two rows."""
    from regulator.ingest.prepare import prepare_rows

    path = tmp_path / "f.csv"
    path.write_text("单位名称,日期\n甲公司,2023/5/1,多余的值,另一个\n甲公司,2023/5/1,别的值\n乙公司\n",
                    encoding="utf-8")
    rows = read_file(path).rows
    assert rows[0] == {"__row": 1, "__width": 4, "__header_width": 2, "单位名称": "甲公司", "日期": "2023/5/1",
                       "#3": "多余的值", "#4": "另一个"}
    assert rows[2] == {"__row": 3, "__width": 1, "__header_width": 2, "单位名称": "乙公司"}
    items = prepare_rows(parse_mapping(MAPPING).for_file("x_penalties_2024.csv"), rows)
    assert items[0].raw["#4"] == "另一个" and items[0].content_hash != items[1].content_hash
    assert [e.message for e in items[0].errors] == ["row has 4 fields, the header has 2"]
    # a sheet: cells under no header are kept under their position too
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["单位名称", "日期"])
    book.active.append(["甲公司", "2023/5/1", None, "多余的值"])
    book.active.append(["乙公司", "2023/5/2"])
    book.save(tmp_path / "f.xlsx")
    sheet = read_file(tmp_path / "f.xlsx").rows
    assert sheet[0]["#4"] == "多余的值" and not [k for k in sheet[1] if k.startswith("#")]


def test_gbk_detection_on_a_long_sample():
    """A longer GBK text (beyond the first lines) is still detected as the GB family."""
    line = "HJ2021-00001,深圳市环保测试有限公司,深圳市宝安区福永大道220号\n"
    sample = "检查记录号,单位名称,单位地址\n" + line * 200
    assert detect_encoding(sample.encode("gbk")) == "gb18030"


def test_jsonl_xlsx_tsv_and_gzip(tmp_path):
    """JSON lines keep lists; XLSX cells become text; TSV and .csv.gz are read."""
    import openpyxl

    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "1", "hazards": ["AQ-1", "AQ-2"]}, ensure_ascii=False)
                                      + "\nnot json\n", encoding="utf-8")
    rows = read_file(tmp_path / "a.jsonl").rows
    assert rows[0]["hazards"] == ["AQ-1", "AQ-2"]
    assert rows[1]["__invalid"].startswith("not valid JSON") and rows[1]["__row"] == 2
    book = openpyxl.Workbook()
    book.active.append(["编号", "金额"])
    book.active.append(["X1", 1200])
    book.save(tmp_path / "b.xlsx")
    assert read_file(tmp_path / "b.xlsx").rows == [{"__row": 1, "编号": "X1", "金额": "1200"}]
    (tmp_path / "c.tsv").write_text("a\tb\n1\t2\n", encoding="utf-8")
    assert read_file(tmp_path / "c.tsv").rows == [{"__row": 1, "a": "1", "b": "2"}]
    (tmp_path / "d.csv.gz").write_bytes(gzip.compress(TEXT.encode("utf-8")))
    assert read_file(tmp_path / "d.csv.gz").file_format == "csv"
    with pytest.raises(FileError, match="type that cannot be imported"):
        (tmp_path / "e.pdf").write_bytes(b"%PDF")
        read_file(tmp_path / "e.pdf")


def _openpyxl_rows(path) -> list[dict]:  # noqa: ANN001
    """The rows as the reader built them with openpyxl's read-only mode, before it read with calamine."""
    import openpyxl

    def text(value) -> str:  # noqa: ANN001
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return value.isoformat() if hasattr(value, "isoformat") else str(value)

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    values = book.worksheets[0].iter_rows(values_only=True)
    headers = [str(h if h is not None else "").strip() for h in next(values)]
    rows = [{"__row": n, **dict(zip(headers, [text(v) for v in row], strict=False))}
            for n, row in enumerate(values, start=1) if not all(v is None or str(v).strip() == "" for v in row)]
    book.close()
    return rows


def test_xlsx_cells_read_as_openpyxl_read_them(tmp_path):
    """Numbers, dates, date-times, times, durations, booleans, formulas, empty rows and cells, a table not at A1:
    the same text per cell as openpyxl gave, so rows imported before keep their content hashes."""
    from datetime import datetime, time, timedelta

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["名称", "数", "浮", "日期", "日期时间", "时间", "布尔", "公式", None, "末"])
    sheet.append(["甲", 5, 2.5, date(2023, 1, 5), datetime(2023, 1, 5, 13, 45, 10), time(12, 30), True, "=B2*2",
                  None, "x"])
    sheet.append([None] * 10)
    sheet.append(["乙", 7.0, 1e-7, datetime(1999, 12, 31), datetime(2024, 2, 29, 0, 0, 1), time(0, 0), False, "=A2",
                  "", 12345678901234567890])
    sheet.append(["丙", "  有空格 ", -3, "2023年1月5日", "０７５５－１２３", 0.1 + 0.2])
    sheet["D7"] = timedelta(hours=30)
    sheet["E8"] = datetime(2023, 1, 5)
    sheet["E8"].number_format = "yyyy-mm-dd hh:mm:ss"
    book.save(tmp_path / "types.xlsx")
    offset = openpyxl.Workbook()
    for cell, value in (("C3", "名称"), ("D3", "日期"), ("C4", "甲"), ("D4", date(2020, 2, 2))):
        offset.active[cell] = value
    offset.save(tmp_path / "offset.xlsx")
    expected = _openpyxl_rows(tmp_path / "types.xlsx")
    # openpyxl's rows kept one cell of all those under no header; they are kept under their positions too
    assert [{k: v for k, v in row.items() if not k.startswith("#")}
            for row in read_file(tmp_path / "types.xlsx").rows] == expected
    # a table below blank rows: its header is found (openpyxl's rows took the blank first row for the header)
    offset_file = read_file(tmp_path / "offset.xlsx")
    assert offset_file.headers == ["", "", "名称", "日期"] and offset_file.title == []
    assert offset_file.rows == [{"__row": 1, "": "", "名称": "甲", "日期": "2020-02-02T00:00:00"}]
    assert read_file(tmp_path / "types.xlsx").rows[0]["日期"] == "2023-01-05T00:00:00"
    blank = openpyxl.Workbook()  # the one difference: a cell of spaces only, as openpyxl writes it, is empty
    blank.active.append(["a", "b"])
    blank.active.append([" ", "x"])
    blank.save(tmp_path / "blank.xlsx")
    assert read_file(tmp_path / "blank.xlsx").rows == [{"__row": 1, "a": "", "b": "x"}]


def test_unreadable_and_empty_workbooks_are_refused_by_name(tmp_path):
    import openpyxl

    (tmp_path / "renamed.xlsx").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(FileError, match="renamed.xlsx is not a readable XLSX workbook"):
        read_file(tmp_path / "renamed.xlsx")
    openpyxl.Workbook().save(tmp_path / "empty.xlsx")
    with pytest.raises(FileError, match="empty.xlsx is empty: it has no header row"):
        read_file(tmp_path / "empty.xlsx")


def test_demo_workbooks_read_as_openpyxl_read_them(demo_world):
    for path in sorted(demo_world.glob("*/*.xlsx")):
        assert read_file(path).rows == _openpyxl_rows(path), path.name


MAPPING = {"agency": "X", "files": {"x_penalties": {
    "record_type": "enforcement", "source_key": "编号", "date_formats": ["%Y/%m/%d"],
    "fields": {"decision_date": {"column": "日期", "type": "date", "required": True},
               "penalty_type": {"column": "种类", "map": {"罚款": "fine", "警告": "warning"}},
               "amount": {"column": "金额（万元）", "type": "decimal", "scale": 10000},
               "codes": {"column": "代码", "type": "list", "split": ";"},
               "list_type": {"value": "serious_illegal"}}}}}


def test_mapping_converts_and_reports_every_bad_cell_by_column():
    """Values are converted; each bad cell is reported with its column and value."""
    fmap = parse_mapping(MAPPING).for_file("x_penalties_2024.csv")
    good, errors = fmap.apply({"编号": "1", "日期": "2024/3/5", "种类": "罚款", "金额（万元）": "1.5", "代码": "A;B"})
    assert not errors
    assert good == {"decision_date": date(2024, 3, 5), "penalty_type": "fine", "amount": Decimal("15000.00"),
                    "codes": ["A", "B"], "list_type": "serious_illegal"}
    _, errors = fmap.apply({"编号": "2", "日期": "", "种类": "没收", "金额（万元）": "abc", "代码": ""})
    assert [(e.column, e.message.split(" (")[0].split(":")[0]) for e in errors] == [
        ("日期", "is required but empty"), ("种类", "unknown value '没收'"), ("金额（万元）", "not a number")]


def test_a_whole_number_column_says_what_is_wrong_with_the_cell():
    """Text, infinity and fractions in an ``int`` column are each a clear error, never the parser's own words."""
    data = dict(MAPPING)
    data["files"] = {"x_penalties": dict(MAPPING["files"]["x_penalties"])}
    data["files"]["x_penalties"]["fields"] = {"count": {"column": "数量", "type": "int"}}
    fmap = parse_mapping(data).for_file("x_penalties.csv")
    assert fmap.apply({"数量": "１,２００"}) == ({"count": 1200}, [])
    for cell in ("x", "三", "inf", "NaN", "sNaN", "1.5"):
        _, errors = fmap.apply({"数量": cell})
        assert [(e.column, e.message) for e in errors] == [("数量", f"not a whole number: {cell!r}")]
    _, errors = fmap.apply({"数量": "1e999999999"})  # read at once, not as a billion-digit integer
    assert [(e.column, e.message) for e in errors] == [("数量", "out of range: '1e999999999'")]


def test_a_json_list_or_object_where_one_value_belongs_is_a_row_error():
    """JSON lines may hold a list or an object in any field: a row error for a single-valued field (it made an
    entity named "['甲', 'x']", and failed the import in a mapped field), the items of a list field."""
    data = dict(MAPPING)
    data["files"] = {"x_penalties": dict(MAPPING["files"]["x_penalties"])}
    data["files"]["x_penalties"]["fields"] = {"name": "名称", "kind": {"column": "种类", "map": {"罚款": "fine"}},
                                              "codes": {"column": "代码", "type": "list"}}
    fmap = parse_mapping(data).for_file("x_penalties.csv")
    rows = [{"名称": ["甲公司", "x"], "种类": "罚款", "代码": ["A", "B"]}, {"名称": "甲公司", "种类": {"a": 1}},
            {"名称": "甲公司", "种类": ["罚款"], "代码": {"a": 1}}]
    mapped = fmap.apply_all(rows)
    assert mapped == [fmap.apply(row) for row in rows]
    single = "not a single value (a JSON list or object)"
    assert [[(e.column, e.message) for e in errors] for _, errors in mapped] == [
        [("名称", single)], [("种类", single)], [("种类", single), ("代码", single)]]
    assert mapped[0][0]["codes"] == ["A", "B"]


def test_a_number_larger_than_its_column_holds_is_a_row_error():
    """An amount beyond ``NUMERIC(16, 2)`` is rejected with its column and the range, before PostgreSQL would
    refuse the chunk (SQLite would store it); one that fits is kept."""
    from regulator.ingest.prepare import prepare_rows

    fmap = parse_mapping(MAPPING).for_file("x_penalties_2024.csv")
    row = {"编号": "1", "日期": "2024/3/5", "种类": "罚款", "代码": ""}
    items = prepare_rows(fmap, [{**row, "__row": 1, "金额（万元）": "9999999999.99"},
                                {**row, "__row": 2, "金额（万元）": "10000000000"},
                                {**row, "__row": 3, "金额（万元）": "-1e30"}])
    amount = [[e.message for e in i.errors if e.column == "金额（万元）"] for i in items]  # (these name no entity)
    assert items[0].canonical["amount"] == Decimal("99999999999900.00") and amount[0] == []
    assert amount[1:] == [["out of range: from -99999999999999.99 to 99999999999999.99"], ["out of range: '-1e30'"]]


def test_a_chunk_mapped_column_by_column_equals_each_row_mapped_alone():
    """``apply_all`` gives each row what ``apply`` gives it: values, errors, repeated cells, non-text cells."""
    data = dict(MAPPING)
    data["files"] = {"x_penalties": dict(MAPPING["files"]["x_penalties"])}
    data["files"]["x_penalties"]["fields"] = {
        **MAPPING["files"]["x_penalties"]["fields"], "name": "名称", "first": {"column": ["甲", "乙"]},
        "status": {"column": "状态", "map": {"有效": "valid"}, "unmapped": "unknown", "nulls": ["0"]},
        "flag": {"column": "标记", "type": "bool", "default": "否"}, "count": {"column": "数量", "type": "int"}}
    fmap = parse_mapping(data).for_file("x_penalties.csv")
    cells = [{"日期": "2024/3/5", "种类": "罚款", "金额（万元）": "1.5", "代码": "A;B", "名称": " Ｃafé ",
              "甲": "", "乙": "b", "状态": "有效", "标记": "是", "数量": "3"},
             {"日期": "", "种类": "没收", "金额（万元）": "abc", "代码": "", "名称": "", "状态": "0", "数量": "1.5"},
             {"日期": "2024/3/5", "种类": "罚款", "金额（万元）": "1.5", "代码": "A;B", "名称": "x", "状态": "?",
              "标记": "", "数量": 3},
             {"日期": "2024/13/5", "种类": "警告", "金额（万元）": 2, "代码": ["C", " "], "名称": 7, "甲": "a",
              "标记": True, "数量": True},
             {}]
    rows = [*cells, *cells]
    together = fmap.apply_all(rows)
    assert together == [fmap.apply(row) for row in rows]
    assert together[0][0]["codes"] is not together[5][0]["codes"]
    assert [len(errors) for _, errors in together[:5]] == [0, 4, 0, 2, 1]


def test_content_hash_is_the_hash_of_the_rows_json():
    """Stored hashes keep matching: the hashed text is json.dumps of the row, keys sorted."""
    import hashlib

    from regulator.ingest.prepare import content_hash

    for raw in ({"b": "北京", "a": "x\u0000\"y\\"}, {"n": 1, "f": 1.5, "l": ["a"], "d": date(2024, 1, 2), "z": None}):
        text = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
        assert content_hash(raw) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_malformed_mappings_are_refused_with_the_place():
    """A wrong record type or field type names the file kind and field."""
    with pytest.raises(MappingError, match="x_penalties: record_type"):
        parse_mapping({"agency": "X", "files": {"x_penalties": {"record_type": "nope"}}})
    with pytest.raises(MappingError, match="field 'a' has unknown type"):
        parse_mapping({"agency": "X", "files": {"k": {"record_type": "licence",
                                                      "fields": {"a": {"column": "c", "type": "money"}}}}})


def test_a_title_above_the_header_is_left_out_and_kept(tmp_path):
    """Government exports open with a title, a date line or a blank line above the header: those rows (one filled
    cell at most) are left out and kept as the file's title, in CSV, TSV and XLSX; rows count from the header."""
    import openpyxl

    (tmp_path / "a.csv").write_text("生态环境局检查记录导出\n导出日期：2024-01-02\n,,\n单位名称,日期\n"
                                    "甲公司,2023/5/1\n", encoding="gbk")
    (tmp_path / "b.tsv").write_text("标题\n\n单位名称\t日期\n乙公司\t2023/5/2\n", encoding="utf-8")
    book = openpyxl.Workbook()
    book.active.append(["检查记录（2024 年）"])
    book.active.append([])
    book.active.append(["单位名称", "日期"])
    book.active.append(["丙公司", "2023/5/3"])
    book.save(tmp_path / "c.xlsx")
    expected = {"a.csv": (["生态环境局检查记录导出", "导出日期：2024-01-02"], "甲公司", 4),
                "b.tsv": (["标题"], "乙公司", 3), "c.xlsx": (["检查记录（2024 年）"], "丙公司", 3)}
    for name, (title, first, header_row) in expected.items():
        source = read_file(tmp_path / name)
        assert source.headers == ["单位名称", "日期"] and source.title == title, name
        assert source.header_row == header_row, name  # the file's row of the header
        assert source.rows[0]["__row"] == 1 and source.rows[0]["单位名称"] == first, name
    # a header in the first row, and a file of one column, have no title
    (tmp_path / "d.csv").write_text("单位名称,日期\n丁公司,\n", encoding="utf-8")
    (tmp_path / "e.csv").write_text("单位名称\n戊公司\n己公司\n", encoding="utf-8")
    plain = read_file(tmp_path / "d.csv")
    assert plain.title == [] and plain.headers == ["单位名称", "日期"] and plain.header_row == 1
    one = read_file(tmp_path / "e.csv")
    assert one.title == [] and one.headers == ["单位名称"] and [r["单位名称"] for r in one.rows] == ["戊公司", "己公司"]
