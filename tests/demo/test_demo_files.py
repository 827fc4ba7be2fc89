"""Agency files: formats and encodings as declared, truth for every row, keying noise as described."""

import csv
import io
import json
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from regulator.demo import generate_world, write_agency_files
from regulator.identifiers import check_uscc, normalise_uscc


def _read(path, entry):
    """An agency file as a DataFrame of strings (empty, not NaN, for blanks)."""
    fmt = entry["format"]
    if fmt == "jsonl":
        with open(path, encoding="utf-8") as fh:
            return pd.DataFrame([json.loads(line) for line in fh])
    if fmt == "xlsx":
        wb = openpyxl.load_workbook(path, read_only=True)
        rows = list(wb.active.iter_rows(values_only=True))
        wb.close()
        return pd.DataFrame([["" if v is None else str(v) for v in r] for r in rows[1:]], columns=rows[0])
    return pd.read_csv(path, encoding=entry["encoding"], sep=entry["delimiter"], dtype=str,
                       keep_default_na=False)


@pytest.fixture(scope="module")
def world():
    """A 1,500-entity world, seed 11."""
    return generate_world(n_entities=1500, seed=11, start=date(2021, 1, 1), end=date(2025, 12, 31))


@pytest.fixture(scope="module")
def written(world, tmp_path_factory):
    """The world's agency files, written once: (out_dir, returned entries)."""
    out = tmp_path_factory.mktemp("demo_files")
    return out, write_agency_files(world, out)


@pytest.fixture(scope="module")
def tables(written):
    """Every agency file read back, keyed by its relative path."""
    out, entries = written
    return {e["path"].removeprefix(str(out) + "/"): (_read(e["path"], e), e) for e in entries}


@pytest.fixture(scope="module")
def truth(written):
    """truth/records.csv."""
    out, _ = written
    return pd.read_csv(out / "truth" / "records.csv", dtype={"source_key": str}, keep_default_na=False)


def test_seven_agencies_six_shapes(written):
    """Every agency writes files; formats and encodings cover the required variety."""
    _, entries = written
    assert {e["agency"] for e in entries} == {"SAMR", "MEE", "MEM", "FIRE", "NHC", "TAX", "HRSS"}
    shapes = {(e["format"], e["encoding"]) for e in entries}
    assert {("csv", "utf-8-sig"), ("csv", "gbk"), ("csv", "gb18030"), ("csv", "utf-8"), ("xlsx", "utf-8"),
            ("jsonl", "utf-8"), ("tsv", "utf-8")} <= shapes
    types = {t for e in entries for t in e["record_types"]}
    assert types == {"registration", "role", "investment", "licence", "inspection", "violation",
                     "enforcement",
                     "list_entry", "complaint"}


def test_files_decode_in_declared_encoding(written):
    """BOM where declared, GBK not valid UTF-8, XLSX opens with openpyxl, JSON lines parse."""
    _, entries = written
    for e in entries:
        raw = Path(e["path"]).read_bytes()
        if e["format"] == "xlsx":
            wb = openpyxl.load_workbook(e["path"], read_only=True)
            assert next(wb.active.iter_rows(values_only=True))[0] == e["columns"][0]
            wb.close()
            continue
        text = raw.decode(e["encoding"])
        if e["encoding"] == "utf-8-sig":
            assert raw.startswith(b"\xef\xbb\xbf")
        if e["encoding"] in ("gbk", "gb18030") and e["rows"]:
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
        if e["format"] == "jsonl":
            assert all(isinstance(json.loads(line), dict) for line in text.splitlines())
        else:
            header = next(csv.reader(io.StringIO(text), delimiter=e["delimiter"]))
            assert header == e["columns"]


def test_truth_has_one_row_per_data_row(written, tables, truth):
    """truth/records.csv maps every data row of every file, by 1-based row number and source key."""
    _, entries = written
    for rel, (df, e) in tables.items():
        t = truth.loc[truth["file"].eq(rel)].sort_values("row_number")
        assert len(df) == e["rows"] == len(t), rel
        assert t["row_number"].tolist() == list(range(1, len(df) + 1))
        keys = df[e["source_key_column"]].astype(str)
        assert keys.tolist() == t["source_key"].astype(str).tolist(), rel
        assert keys.is_unique, rel
    assert len(truth) == sum(e["rows"] for e in entries)


def test_mistyped_codes_fail_and_truth_points_to_entity(world, tables, truth):
    """A mistyped USCC fails its check; the truth row still names the entity whose code it garbles."""
    true_code = world.entities.set_index("entity_key")["uscc"]
    uscc_cols = {"统一社会信用代码", "社会信用代码", "credit_code", "CreditCode", "纳税人识别号"}
    checked = formatted = 0
    for rel, (df, _) in tables.items():
        col = next((c for c in df.columns if c in uscc_cols), None)
        if col is None:
            continue
        t = truth.loc[truth["file"].eq(rel)].sort_values("row_number").reset_index(drop=True)
        for kind in ("mistyped", "formatted", "ok"):
            rows = t.index[t["uscc_noise"].eq(kind)]
            for written_code, ekey in zip(df.loc[rows, col], t.loc[rows, "true_entity_key"], strict=True):
                truth_code = true_code[int(ekey)]
                if kind == "mistyped":
                    assert not check_uscc(written_code).valid
                    fixed = normalise_uscc(written_code.replace("O", "0").replace("I", "1"))
                    assert len(fixed) == 18 and sum(a != b for a, b in zip(fixed, truth_code,
                                                                           strict=True)) <= 2
                    checked += 1
                elif kind == "formatted":
                    assert normalise_uscc(written_code) == truth_code
                    formatted += 1
                else:
                    assert written_code == truth_code
    assert checked >= 10 and formatted >= 5


def test_name_variants_and_missing_codes(world, tables, truth):
    """Rows without a code exist outside SAMR's register, and their names vary as described."""
    other = truth.loc[~truth["agency"].eq("SAMR") & truth["record_type"].eq("inspection")]
    assert 0.05 < other["uscc_noise"].eq("missing").mean() < 0.3
    tags = set(";".join(truth["name_noise"].astype(str)).split(";"))
    assert {"halfwidth", "drop_region", "suffix", "space", "typo"} <= tags
    reg = truth.loc[truth["record_type"].eq("registration")]
    assert reg["uscc_noise"].eq("ok").mean() > 0.99
    df, _ = tables["SAMR/samr_registration.csv"]
    names = world.entities.set_index("entity_key")["name"]
    t = reg.sort_values("row_number")
    assert df["企业名称"].tolist() == names.loc[t["entity_key"].astype(int)].tolist()


def test_address_only_complaints(tables, truth):
    """Complaints naming no entity have no entity key in the truth, only a true entity."""
    comp = truth.loc[truth["record_type"].eq("complaint")]
    blind = comp.loc[comp["entity_key"].astype(str).eq("")]
    assert len(blind) > 0 and blind["true_entity_key"].astype(str).ne("").all()
    df, _ = tables["MEE/mee_complaints.csv"]
    t = truth.loc[truth["file"].eq("MEE/mee_complaints.csv")].sort_values("row_number").reset_index(drop=True)
    empty_name = df["被投诉对象"].eq("")
    assert (empty_name == t["entity_key"].astype(str).eq("")).all()
    assert df.loc[empty_name, "污染源地址"].ne("").all()


def test_violations_inline_and_in_a_second_file(tables):
    """SAMR lists codes inline; MEE writes one row per violation keyed by its inspection number."""
    samr, _ = tables["SAMR/samr_inspections.csv"]
    assert samr["发现问题代码"].str.contains(";").any()
    mee, _ = tables["MEE/mee_inspections.csv"]
    mv, _ = tables["MEE/mee_violations.csv"]
    assert mv["检查记录号"].isin(mee["检查记录号"]).all()
    counts = mv.groupby("检查记录号").size()
    declared = mee.set_index("检查记录号")["问题数量"].astype(int)
    assert (declared.loc[counts.index] == counts).all()


def test_dates_in_each_agencys_style(tables):
    """Each agency writes dates its own way."""
    patterns = {"SAMR/samr_inspections.csv": ("检查日期", r"\d{4}-\d{2}-\d{2}"),
                "MEE/mee_inspections.csv": ("检查时间", r"\d{4}/\d{1,2}/\d{1,2}"),
                "MEM/mem_inspections.jsonl": ("check_date", r"\d{8}"),
                "FIRE/fire_inspections.xlsx": ("检查日期", r"\d{4}年\d{1,2}月\d{1,2}日"),
                "NHC/nhc_inspections.csv": ("CheckTime", r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00"),
                "TAX/tax_inspections.csv": ("检查日期", r"\d{4}\.\d{2}\.\d{2}"),
                "HRSS/hrss_inspections.tsv": ("检查日期", r"\d{4}/\d{2}/\d{2}")}
    for rel, (col, pattern) in patterns.items():
        df, _ = tables[rel]
        assert df[col].astype(str).str.fullmatch(pattern).all(), rel


def test_manifest_and_readme(written):
    """manifest.json lists every file with relative paths; README documents every column."""
    out, entries = written
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [f["path"] for f in manifest["files"]] == [e["path"].removeprefix(str(out) + "/") for e in entries]
    assert {t["table"] for t in manifest["truth"]} >= {"records", "entities", "persons"}
    readme = (out / "README.md").read_text(encoding="utf-8")
    for e in entries:
        for col in e["columns"]:
            assert f"| {col} |" in readme


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    """Files are byte-identical for one seed (XLSX included) and differ for another."""
    def digest(seed, name):
        out = tmp_path / name
        write_agency_files(generate_world(250, seed=seed), out)
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}

    a, b, c = digest(5, "a"), digest(5, "b"), digest(6, "c")
    assert a.keys() == b.keys() and all(a[k] == b[k] for k in a)
    assert a["SAMR/samr_registration.csv"] != c["SAMR/samr_registration.csv"]


def test_formats_override(tmp_path):
    """formats='csv' writes every file as CSV (GBK stays GBK); a per-agency mapping overrides one agency."""
    w = generate_world(120, seed=2)
    entries = write_agency_files(w, tmp_path / "all", formats="csv")
    assert {e["format"] for e in entries} == {"csv"}
    assert {e["encoding"] for e in entries if e["agency"] == "MEE"} == {"gbk"}
    entries = write_agency_files(w, tmp_path / "one", formats={"FIRE": "csv"})
    assert {e["format"] for e in entries if e["agency"] == "FIRE"} == {"csv"}
    assert {e["format"] for e in entries if e["agency"] == "MEM"} == {"jsonl"}
    with pytest.raises(ValueError):
        write_agency_files(w, tmp_path / "bad", formats="parquet")
