"""The generated world is realistic where entity resolution, the graph and the risk model are scored."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from regulator.demo import AGENCIES, generate_world
from regulator.identifiers import check_uscc, is_valid_resident_id


@pytest.fixture(scope="module")
def world():
    """A 1,500-entity world, seed 11."""
    return generate_world(n_entities=1500, seed=11, start=date(2021, 1, 1), end=date(2025, 12, 31))


def test_agencies_have_the_seven_codes_and_domains():
    """AGENCIES lists the seven agencies with their Chinese names and domains."""
    by_code = {a["code"]: a for a in AGENCIES}
    assert by_code["SAMR"]["name"] == "市场监督管理局" and by_code["SAMR"]["domain"] == "market"
    assert {c: by_code[c]["domain"] for c in ("MEE", "MEM", "FIRE", "NHC", "TAX", "HRSS")} == {
        "MEE": "environment", "MEM": "work_safety", "FIRE": "fire", "NHC": "health", "TAX": "tax",
        "HRSS": "labour"}


def test_every_true_uscc_is_valid_and_unique(world):
    """All entities carry a GB 32100 code that passes every check, no two the same."""
    codes = world.entities["uscc"]
    assert codes.is_unique
    assert all(check_uscc(c).valid for c in codes)
    prefixes = set(codes.str[:2])
    assert {"91", "92"} <= prefixes
    assert any(p[0].isalpha() for p in prefixes) or "93" in prefixes  # letter departments / cooperatives
    sole = world.entities["entity_type"].eq("sole_trader")
    assert codes[sole].str.startswith("92").all()


def test_resident_ids_valid_and_plausible(world):
    """Every person's ID number has a correct check character and a birth date matching birth_date."""
    p = world.persons
    assert all(is_valid_resident_id(x) for x in p["id_number"])
    assert (p["id_number"].str[6:14] == p["birth_date"].dt.strftime("%Y%m%d")).all()
    assert p["phone"].str.fullmatch(r"1[3-9]\d{9}").all()


def test_names_look_chinese_and_typed_by_kind(world):
    """Companies end in a legal-form suffix, branches in 分公司/分店, partnerships in （有限合伙）."""
    e = world.entities
    kinds = e.groupby("entity_type")["name"]
    assert kinds.get_group("company").str.contains("公司|合作社").mean() > 0.99
    assert kinds.get_group("branch").str.contains("分公司$|分店$").all()
    assert kinds.get_group("partnership").str.endswith("（有限合伙）").all()
    firms = e.loc[e["entity_type"].ne("sole_trader"), "name"]
    assert firms.is_unique


def test_persons_behind_several_companies(world):
    """Some legal representatives front 3 to 10 or more companies."""
    reps = world.roles.loc[world.roles["role"].eq("legal_representative")]
    counts = reps.groupby("person_key").size()
    assert (counts >= 3).sum() >= 5
    assert counts.max() >= 5


def test_shell_cluster_shares_address_and_phone(world):
    """Shell companies sit 5-30 to an address, share a phone or persons, and comply poorly."""
    e = world.entities
    shells = e.loc[e["shell_cluster"] >= 0]
    assert len(shells) >= 5
    per_address = shells.groupby("address_key").size()
    assert per_address.max() >= 5
    phones = world.phones.merge(shells[["entity_key", "shell_cluster"]], on="entity_key")
    assert phones.groupby("phone")["entity_key"].nunique().max() >= 5
    assert shells["compliance"].mean() < e.loc[e["shell_cluster"] < 0, "compliance"].mean() - 0.2


def test_related_entities_share_compliance(world):
    """Members of one family are closer in compliance than random pairs of entities."""
    e = world.entities
    fam = e.groupby("group_key").filter(lambda g: len(g) >= 3)
    within = fam.groupby("group_key")["compliance"].std().mean()
    assert within < e["compliance"].std() * 0.85


def test_shares_and_branches_are_consistent(world):
    """Person shares plus company holdings never exceed 100%; every branch has a parent company."""
    person = world.roles.loc[world.roles["role"].eq("shareholder")].groupby("entity_key")["share"].sum()
    corp = world.investments.groupby("investee_key")["share"].sum()
    total = person.add(corp, fill_value=0.0)
    assert (total <= 1.0 + 1e-9).all()
    e = world.entities.set_index("entity_key")
    branches = e.loc[e["entity_type"].eq("branch")]
    assert branches["parent_key"].notna().all()
    assert e.loc[branches["parent_key"].astype(int), "entity_type"].eq("company").all()


def test_serious_violation_rate_in_band(world):
    """10-20% of inspections find a serious or critical violation."""
    rate = world.inspections["serious_found"].mean()
    assert 0.08 <= rate <= 0.22


def test_low_compliance_fails_more_often(world):
    """Failure rate falls monotonically across compliance quintiles."""
    i = world.inspections.merge(world.entities[["entity_key", "compliance"]], on="entity_key")
    i["quintile"] = pd.qcut(i["compliance"], 5, labels=False)
    fail = i.groupby("quintile")["result"].apply(lambda r: (r == "fail").mean()).to_numpy()
    assert (np.diff(fail) < 0).all(), fail
    assert fail[0] > 3 * fail[-1]


def test_selection_reasons_and_probabilities(world):
    """Random draws carry their probability; risk-ranked picks sit on lower compliance than random ones."""
    i = world.inspections.merge(world.entities[["entity_key", "compliance"]], on="entity_key")
    assert set(i["selection_reason"]) == {"random_draw", "risk_ranking", "complaint", "follow_up", "licence"}
    rand = i.loc[i["selection_reason"].eq("random_draw")]
    assert rand["selection_probability"].between(0.001, 0.5).all()
    assert i.loc[i["selection_reason"].isin(["complaint", "follow_up", "licence"]),
                 "selection_probability"].isna().all()
    rank = i.loc[i["selection_reason"].eq("risk_ranking")]
    assert rank["compliance"].mean() < rand["compliance"].mean() - 0.1
    assert rank["selection_probability"].notna().any() and rank["selection_probability"].isna().any()
    follow = i.loc[i["selection_reason"].eq("follow_up")]
    prev = world.inspections.set_index("inspection_key").loc[follow["previous_inspection_key"].astype(int)]
    assert prev["result"].eq("fail").all()
    assert (follow["inspection_date"].to_numpy() > prev["inspection_date"].to_numpy()).all()


def test_enforcement_follows_violations(world):
    """Decisions come after their inspection, in the 深市监罚〔YYYY〕N号 style, with publication periods."""
    en = world.enforcement.merge(world.inspections[["inspection_key", "inspection_date"]],
                                 on="inspection_key")
    assert (en["decision_date"] > en["inspection_date"]).all()
    samr = en.loc[en["agency"].eq("SAMR"), "decision_number"]
    assert samr.str.fullmatch(r"深市监罚〔20\d\d〕\d+号").all()
    assert en["decision_number"].is_unique
    years = (en["publication_end"] - en["decision_date"]).dt.days / 365.25
    assert years.round().isin([1, 3]).all()
    assert set(en["penalty_type"]) <= {"warning", "fine", "confiscation", "suspension", "licence_revocation"}


def test_lists_and_complaints(world):
    """Both credit lists exist, shells fill the abnormal list, some complaints name no entity."""
    le = world.list_entries
    assert set(le["list_type"]) == {"abnormal_operations", "serious_illegal"}
    shells = set(world.entities.loc[world.entities["shell_cluster"] >= 0, "entity_key"])
    ab = le.loc[le["list_type"].eq("abnormal_operations")]
    assert ab["entity_key"].isin(shells).mean() > 0.1
    assert (le["removed_date"].dropna() > le.loc[le["removed_date"].notna(), "added_date"]).all()
    c = world.complaints
    assert set(c["agency"]) == {"SAMR", "MEE", "HRSS"}
    assert 0.05 < (~c["names_entity"]).mean() < 0.6
    assert world.licences["licence_number"].str.startswith("JY").any()


def test_same_seed_same_world_other_seed_differs():
    """Generation is deterministic in the seed."""
    a, b, c = generate_world(300, seed=3), generate_world(300, seed=3), generate_world(300, seed=4)
    for name, df in a.tables().items():
        pd.testing.assert_frame_equal(df, b.tables()[name], obj=name)
    assert not a.entities["uscc"].equals(c.entities["uscc"])


@pytest.mark.parametrize("n", [50, 200])
def test_tiny_worlds_work(n):
    """Small sizes still produce every table."""
    w = generate_world(n, seed=1)
    assert len(w.entities) == n
    assert len(w.inspections) > 0 and len(w.roles) > 0
