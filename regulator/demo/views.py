"""One agency's view of each record type: canonical fields as the agency holds them, and the truth per row."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .catalogue import AGENCIES
from .codes import zfill
from .context import Context, source_keys
from .names import DISTRICT_NAMES, DISTRICT_SHORT

AGENCY_NAME = {a["code"]: "深圳市" + a["name"] for a in AGENCIES}
_OFFICE = dict(zip(DISTRICT_NAMES, DISTRICT_SHORT, strict=True))


def _truth(data: pd.DataFrame, record_type: str, record_key: object, entity_key: object,
           ident: pd.DataFrame | None = None, **extra: object) -> pd.DataFrame:
    """The hidden truth of each row: which world record and entity it is, and what noise it carries."""
    n = len(data)
    out = pd.DataFrame({"source_key": data["source_key"].to_numpy(), "record_type": record_type,
                        "record_key": np.asarray(record_key), "entity_key": pd.array(entity_key,
                                                                                     dtype="Int64"),
                        "true_entity_key": pd.array(extra.pop("true_entity_key", entity_key), dtype="Int64"),
                        "person_key": pd.array(extra.pop("person_key", [pd.NA] * n), dtype="Int64"),
                        "other_entity_key": pd.array(extra.pop("other_entity_key", [pd.NA] * n),
                                                     dtype="Int64")})
    for col in ("uscc_noise", "name_noise", "address_noise"):
        out[col] = ident[col].to_numpy() if ident is not None else ""
    return out


def _keyed(data: pd.DataFrame, pattern: str, dates: pd.Series | None) -> pd.DataFrame:
    keys = data[pattern[1:]].to_numpy() if pattern.startswith("@") else source_keys(pattern, dates, len(data))
    data.insert(0, "source_key", keys)
    return data


def registration(ctx: Context, agency: str, pattern: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """SAMR's register of market entities with representative, address, capital and status."""
    e = ctx.world.entities.sort_values(["registration_date", "entity_key"], ignore_index=True)
    ident = ctx.identity(ctx.rng(f"{agency}/registration"), e["entity_key"].to_numpy(), agency, registry=True)
    suffix = np.select([e["name"].str.contains("股份有限公司"), e["name"].str.endswith("专业合作社"),
                        e["name"].str.endswith("股份合作公司")], ["股份有限公司", "农民专业合作社",
                                                            "股份合作企业"],
                       "有限责任公司")
    label = np.select([e["entity_type"].eq("sole_trader"), e["entity_type"].eq("partnership"),
                       e["entity_type"].eq("branch")], ["个体工商户", "有限合伙企业",
                                                        suffix + "分公司"], suffix)
    uscc_of = e.set_index("entity_key")["uscc"]
    data = pd.DataFrame({
        "uscc": ident["uscc"], "name": ident["name"], "entity_type_cn": label, "rep_name": ident["rep_name"],
        "rep_id": ident["rep_id"], "phone": ident["phone"], "address": ident["address"],
        "district": e["district"], "industry_code": e["industry_code"], "industry": e["industry"],
        "capital_wan": (e["registered_capital"] / 10000).round(2),
        "registration_date": e["registration_date"],
        "status": e["status"], "status_date": e["status_date"],
        "parent_uscc": uscc_of.reindex(e["parent_key"].astype("float")).fillna("").to_numpy(),
        "authority": "深圳市市场监督管理局" + e["district"].map(_OFFICE) + "监管局",
    })
    data = _keyed(data, pattern, e["registration_date"])
    ctx.keys[(agency, "registration")] = pd.Series(data["source_key"].to_numpy(),
                                                   index=e["entity_key"].to_numpy())
    truth = _truth(data, "registration", e["entity_key"], e["entity_key"], ident,
                   person_key=e["representative_key"])
    return data, truth


def role(ctx: Context, agency: str, pattern: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Shareholders and officers (the legal representative is in the register itself)."""
    r = ctx.world.roles.loc[ctx.world.roles["role"].ne("legal_representative")]
    etype = ctx.world.entities.set_index("entity_key")["entity_type"]
    r = r.loc[etype.reindex(r["entity_key"]).ne("branch").to_numpy()].reset_index(drop=True)
    persons = ctx.world.persons.set_index("person_key")
    e = ctx.ent.reindex(r["entity_key"])
    pripid = ctx.keys.get((agency, "registration"), pd.Series(dtype=str)).reindex(r["entity_key"])
    data = pd.DataFrame({
        "pripid": pripid.fillna("").to_numpy(), "uscc": e["uscc"].to_numpy(), "name": e["name"].to_numpy(),
        "person_name": persons["name"].reindex(r["person_key"]).to_numpy(),
        "person_id": persons["id_number"].reindex(r["person_key"]).to_numpy(), "role": r["role"],
        "partnership": etype.reindex(r["entity_key"]).eq("partnership").to_numpy(),
        "share": r["share"], "subscribed_wan": (r["share"] * e["capital"].to_numpy() / 10000).round(2),
    })
    data = _keyed(data, pattern, None)
    return data, _truth(data, "role", np.arange(1, len(r) + 1), r["entity_key"], person_key=r["person_key"])


def investment(ctx: Context, agency: str, pattern: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Company shareholdings in other companies."""
    inv = ctx.world.investments
    a, b = ctx.ent.reindex(inv["investor_key"]), ctx.ent.reindex(inv["investee_key"])
    data = pd.DataFrame({"investor_uscc": a["uscc"].to_numpy(), "investor_name": a["name"].to_numpy(),
                         "investee_uscc": b["uscc"].to_numpy(), "investee_name": b["name"].to_numpy(),
                         "share": inv["share"],
                         "subscribed_wan": (inv["share"] * b["capital"].to_numpy() / 10000).round(2)})
    data = _keyed(data, pattern, None)
    return data, _truth(data, "investment", np.arange(1, len(inv) + 1), inv["investee_key"],
                        other_entity_key=inv["investor_key"])


def _subset(df: pd.DataFrame, agency: str, by: list[str]) -> pd.DataFrame:
    return df.loc[df["agency"].eq(agency)].sort_values(by, ignore_index=True)


def licence(ctx: Context, agency: str, pattern: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Licences and permits issued by the agency."""
    lic = _subset(ctx.world.licences, agency, ["issue_date", "licence_key"])
    ident = ctx.identity(ctx.rng(f"{agency}/licence"), lic["entity_key"].to_numpy(), agency)
    industry = ctx.world.entities.set_index("entity_key")["industry"].reindex(lic["entity_key"]).to_numpy()
    fields = ["licence_number", "licence_name", "licence_type", "issue_date", "expiry_date", "status",
              "status_date"]
    data = pd.concat([ident[["uscc", "name", "site_address", "rep_name"]], lic[fields]], axis=1)
    data = data.assign(industry=industry, major=lic["licence_number"].str.endswith("P").to_numpy())
    data = _keyed(data, pattern, lic["issue_date"])
    return data, _truth(data, "licence", lic["licence_key"], lic["entity_key"], ident)


def _grouped_lists(v: pd.DataFrame, agency: str, keys: np.ndarray) -> dict[str, list[list[str]]]:
    """Codes, descriptions and severities found at each inspection in ``keys`` (empty lists if none)."""
    v = v.loc[v["agency"].eq(agency)].sort_values(["inspection_key", "violation_key"])
    uniq, first = np.unique(v["inspection_key"].to_numpy(), return_index=True)
    where = pd.Index(uniq).get_indexer(keys)
    out = {}
    for col in ("code", "description", "severity"):
        parts = [p.tolist() for p in np.split(v[col].to_numpy(dtype=object), first[1:])] if len(v) else []
        out[col] = [parts[i] if i >= 0 else [] for i in where]
    return out


def inspection(ctx: Context, agency: str, pattern: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Inspections with selection reason and probability, result, inspectors and violations found."""
    ins = _subset(ctx.world.inspections, agency, ["inspection_key"])
    rng = ctx.rng(f"{agency}/inspection")
    ident = ctx.identity(rng, ins["entity_key"].to_numpy(), agency)
    found = _grouped_lists(ctx.world.violations, agency, ins["inspection_key"].to_numpy())
    data = pd.concat([ident, ins[["inspection_date", "inspection_type", "selection_reason",
                                  "selection_probability", "result", "inspector_1", "inspector_2",
                                  "n_violations"]]], axis=1)
    data["minutes"] = rng.integers(8 * 60 + 30, 17 * 60 + 30, size=len(ins))
    data["inspectors"] = [[a, b] for a, b in zip(ins["inspector_1"], ins["inspector_2"], strict=True)]
    for col, lists in found.items():
        data[col + "s"] = lists
    data = _keyed(data, pattern, ins["inspection_date"])
    key_of = pd.Series(data["source_key"].to_numpy(), index=ins["inspection_key"].to_numpy())
    ctx.keys[(agency, "inspection")] = key_of
    previous = key_of.reindex(ins["previous_inspection_key"].astype("float"))
    data["previous_key"] = previous.fillna("").to_numpy()
    return data, _truth(data, "inspection", ins["inspection_key"], ins["entity_key"], ident)


def violation(ctx: Context, agency: str, pattern: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Violations as separate rows keyed by the agency's inspection number."""
    v = _subset(ctx.world.violations, agency, ["inspection_key", "violation_key"])
    insp_key = ctx.keys[(agency, "inspection")].reindex(v["inspection_key"]).to_numpy()
    nth = v.groupby("inspection_key").cumcount().to_numpy() + 1
    data = v[["code", "description", "severity"]].assign(inspection_source_key=insp_key)
    data.insert(0, "source_key", insp_key.astype(object) + "-" + zfill(nth.astype(str), 2).astype(object))
    return data, _truth(data, "violation", v["violation_key"], v["entity_key"])


def enforcement(ctx: Context, agency: str, pattern: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Administrative penalty decisions."""
    en = _subset(ctx.world.enforcement, agency, ["decision_date", "enforcement_key"])
    ident = ctx.identity(ctx.rng(f"{agency}/enforcement"), en["entity_key"].to_numpy(), agency)
    insp = ctx.keys.get((agency, "inspection"), pd.Series(dtype=str)).reindex(en["inspection_key"])
    data = pd.concat([ident, en[["decision_number", "decision_date", "legal_basis", "violation_code", "facts",
                                 "penalty_type", "amount", "publication_end"]]], axis=1)
    data = data.assign(amount=en["amount"].round().astype("Int64"),
                       amount_wan=(en["amount"] / 10000).round(4),
                       authority=AGENCY_NAME[agency],
                       inspection_source_key=insp.fillna("").to_numpy())
    data = _keyed(data, pattern, en["decision_date"])
    return data, _truth(data, "enforcement", en["enforcement_key"], en["entity_key"], ident)


def list_entry(ctx: Context, agency: str, pattern: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Entries on the abnormal-operations and serious-illegal lists."""
    le = _subset(ctx.world.list_entries, agency, ["added_date", "list_key"])
    ident = ctx.identity(ctx.rng(f"{agency}/list_entry"), le["entity_key"].to_numpy(), agency)
    data = pd.concat([ident, le[["list_type", "added_date", "reason", "removed_date", "removed_reason"]]],
                     axis=1)
    data = _keyed(data.assign(authority=AGENCY_NAME[agency]), pattern, le["added_date"])
    return data, _truth(data, "list_entry", le["list_key"], le["entity_key"], ident)


def complaint(ctx: Context, agency: str, pattern: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Complaints; those naming no entity carry only the address of the place complained about."""
    c = _subset(ctx.world.complaints, agency, ["complaint_key"])
    rng = ctx.rng(f"{agency}/complaint")
    ident = ctx.identity(rng, c["entity_key"].to_numpy(), agency)
    named = c["names_entity"].to_numpy(dtype=bool)
    with_code = named & (rng.random(len(c)) < 0.3)
    ident["uscc"] = np.where(with_code, ident["uscc"], "")
    ident["uscc_noise"] = np.where(with_code, ident["uscc_noise"], "missing")
    ident["name"] = np.where(named, ident["name"], "")
    ident["name_noise"] = np.where(named, ident["name_noise"], "absent")
    ident["address_noise"] = ident["site_address_noise"]
    data = pd.concat([ident, c[["received_date", "category", "category_name", "content", "substantiated",
                                "workers"]]], axis=1)
    data["amount_owed"] = c["amount_owed"].round().astype("Int64").to_numpy()
    data = _keyed(data, pattern, c["received_date"])
    ekey = c["entity_key"].astype("Int64").where(named, pd.NA)
    return data, _truth(data, "complaint", c["complaint_key"], ekey, ident, true_entity_key=c["entity_key"])


VIEWS = {f.__name__: f for f in (registration, role, investment, licence, inspection, violation, enforcement,
                                 list_entry, complaint)}
