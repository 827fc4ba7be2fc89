"""`flask campaign create|draw|inputs|verify` and the offline verifier `python -m risk.campaign`."""

from __future__ import annotations

import json
import subprocess
import sys

from models import CreditClass
from regulator.extensions import db


def test_create_draw_and_verify(app, runner, make, tmp_path) -> None:  # noqa: ANN001
    make.agency("SAMR")
    make.agency("MEE", domain="environment")
    for i in range(50):
        make.entity(credit_class=[CreditClass.B, CreditClass.C, CreditClass.D][i % 3])
    db.session.commit()
    out = runner.invoke(args=["campaign", "create", "--name", "冬季抽查", "--start", "2025-12-01", "--end",
                              "2025-12-31", "--agency", "SAMR:10:价格", "--agency", "MEE:4", "--ratio", "D=0.4"])
    assert out.exit_code == 0, out.output
    assert "seed commitment (SHA-256)" in out.output
    campaign_id = int(out.output.split()[1])
    out = runner.invoke(args=["campaign", "draw", str(campaign_id)])
    assert out.exit_code == 0, out.output
    assert "joint plan:" in out.output
    assert "each agency alone (its fixed checks, then only checks worth a visit of their own):" in out.output
    path = tmp_path / "inputs.json"
    assert runner.invoke(args=["campaign", "inputs", str(campaign_id), "--out", str(path)]).exit_code == 0
    out = runner.invoke(args=["campaign", "verify", "--inputs", str(path)])
    assert out.exit_code == 0 and "VERIFIED" in out.output
    assert runner.invoke(args=["campaign", "verify", "--campaign", str(campaign_id)]).exit_code == 0
    proc = subprocess.run([sys.executable, "-m", "risk.campaign", str(path)], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0 and "VERIFIED" in proc.stdout
    document = json.loads(path.read_text(encoding="utf-8"))
    document["seed"] = "guessed"
    path.write_text(json.dumps(document), encoding="utf-8")
    out = runner.invoke(args=["campaign", "verify", "--inputs", str(path)])
    assert out.exit_code == 1 and "NOT VERIFIED" in out.output
    bad = runner.invoke(args=["campaign", "create", "--name", "x", "--start", "2025-01-01", "--end", "2025-01-02",
                              "--agency", "NOPE:3"])
    assert bad.exit_code != 0 and "no agency 'NOPE'" in bad.output
