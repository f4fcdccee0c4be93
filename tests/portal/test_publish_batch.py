"""Publishing applies the round's pack batch rules to the whole round: a quota on the top grade and
ineligibility, exactly as `api.batch` rules on the same records (a test pack that has both)."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from fixtures.records3 import BATCH_PACK, tn_record

from scoring import api

pytestmark = pytest.mark.django_db


def test_publish_applies_quota_and_ineligibility(client):
    from django.contrib.auth import get_user_model

    from portal.core import services as S
    from portal.core.models import Dossier, Profile, Province, Round, Unit

    prov = Province.objects.create(name="Tỉnh Thử Nghiệm", code="tn")
    path, sha, pack_id = S.freeze_pack(BATCH_PACK)
    now = timezone.now()
    rnd = Round.objects.create(province=prov, name="Đợt thử", pack_id=pack_id, pack_file=path, pack_sha256=sha,
                               period_year=2023, opens_at=now - timedelta(days=2),
                               submission_deadline=now + timedelta(days=1), verification_deadline=now + timedelta(days=9))
    User = get_user_model()
    leader, verifier, admin = (User.objects.create(username=u) for u in ("ld", "td", "qt"))
    Profile.objects.create(user=verifier, role="verifier")
    Profile.objects.create(user=leader, role="auditor")
    Profile.objects.create(user=admin, role="admin")
    wards = {"Phường An": (60, 30, True), "Phường Bình": (60, 30, True), "Phường Cát": (50, 25, True),
             "Phường Đông": (50, 25, True), "Phường Én": (60, 30, False), "Phường Giang": None}
    for i, (name, spec) in enumerate(wards.items()):
        u = Unit.objects.create(province=prov, name=name, code=f"tn-{i}", kind="phuong", district="Huyện Thử",
                                source="test")
        d = Dossier.objects.create(unit=u, round=rnd)
        if spec:
            a, b, plan = spec
            rec = tn_record(name, a, b, plan=plan)
            d.evidence = S.with_ward(d, {k: v for k, v in rec.items() if k not in ("ward", "period")})
            d.save()
            S.submit(d, leader)
    rnd.submission_deadline = now - timedelta(minutes=1)
    rnd.save()
    for d in rnd.dossiers.exclude(state="draft"):
        S.verify(d, verifier)
    S.publish(rnd, admin)
    rnd.refresh_from_db()
    data = json.loads(rnd.ranking_json)
    rows = {r["ward"]: r for g in data["groups"] for r in g["ranking"]}
    assert set(rows) == {"Phường An", "Phường Bình", "Phường Cát", "Phường Đông", "Phường Én"}
    assert rows["Phường Én"]["rank"] is None and rows["Phường Én"]["ineligible"]          # no annual plan
    assert rows["Phường An"]["grade"]["id"] == rows["Phường Bình"]["grade"]["id"] == "tot"  # quota: 20% of 4 → 0
    # the same ruling as api.batch on the published records and reviews
    out = S.data_dir() / "rounds" / str(rnd.pk)
    again = json.loads(api.render_batch(api.batch(out / "ho-so", reviews=out / "tham-dinh", pack=path, jobs=1), "json"))
    assert again == data
    assert Dossier.objects.get(unit__name="Phường Giang").state == "draft"
    assert rows["Phường An"]["review"]["reviewer"] == "Sở Nội vụ Tỉnh Thử Nghiệm"
    # the page says why, in words: the ineligibility and the quota move, and who never submitted
    client.force_login(leader)
    page = client.get(f"/dot/{rnd.pk}/xep-hang/").content.decode()
    assert "K1: Không có kế hoạch năm (thiếu doc.plan)" in page and "do chỉ tiêu" in page
    assert "{&#x27;id&#x27;" not in page and "Đơn vị chưa nộp (không xếp hạng)" in page and "Phường Giang" in page
