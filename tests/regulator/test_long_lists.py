"""Lists that grow for years (campaigns, public and for the agencies; referrals) are paged: every row can be
reached, none is cut off without a word."""

from __future__ import annotations

import re
from datetime import date

from models import Campaign, CampaignAgency, CampaignStatus, Referral, Role
from regulator.extensions import db


def _ids(page: str, table: str) -> list[int]:
    body = page.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    return [int(i) for i in re.findall(r'<tr data-id="(\d+)"', body)]


def test_campaign_lists_are_paged_newest_first(app, make, client, auth) -> None:  # noqa: ANN001
    samr = make.agency("SAMR")
    campaigns = [Campaign(name=f"抽查{i}", period_start=date(2025, 1, 1), period_end=date(2025, 2, 1),
                          lead_agency_id=samr.id, status=CampaignStatus.PUBLISHED, seed_commitment="c")
                 for i in range(53)]
    db.session.add_all(campaigns)
    db.session.flush()
    db.session.add_all([CampaignAgency(campaign_id=c.id, agency_id=samr.id, capacity=1) for c in campaigns])
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    db.session.commit()
    newest_first = sorted((c.id for c in campaigns), reverse=True)
    for path, table in (("/campaigns", "public-campaigns"), ("/coordinator/campaigns", "campaigns")):
        if path.startswith("/coordinator"):
            auth.login("coord")
        first = client.get(path + "?lang=en").get_data(as_text=True)
        second = client.get(path + "?page=2&lang=en").get_data(as_text=True)
        assert _ids(first, table) == newest_first[:50] and _ids(second, table) == newest_first[50:]
        assert "Page 1 of 2" in first and "page=2" in first


def test_referrals_are_paged(app, make, client, auth) -> None:  # noqa: ANN001
    samr, mee = make.agency("SAMR"), make.agency("MEE")
    entity = make.entity()
    coord = make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    db.session.flush()
    referrals = [Referral(entity_id=entity.id, from_agency_id=samr.id, to_agency_id=mee.id, description=f"发现{i}",
                          created_by_id=coord.id) for i in range(51)]
    db.session.add_all(referrals)
    db.session.commit()
    auth.login("coord")
    first = client.get("/coordinator/referrals?lang=en").get_data(as_text=True)
    second = client.get("/coordinator/referrals?page=2&lang=en").get_data(as_text=True)
    ids = sorted((r.id for r in referrals), reverse=True)
    assert _ids(first, "referrals") == ids[:50] and _ids(second, "referrals") == ids[50:]
