"""Issue 13, construct 2, in the portal: a round of units without a district (the two-tier government)
publishes a ranking whose printed page and workbook have no district column; units with a district
keep it."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from fixtures.records3 import BATCH_PACK, tn_record
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db
HEADER = "Huyện, thị xã, thành phố"


def published_round(district: str):
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
    for i, name in enumerate(("Phường An", "Xã Bình")):
        u = Unit.objects.create(province=prov, name=name, code=f"tn-{i}", kind="phuong", district=district,
                                source="test")
        d = Dossier.objects.create(unit=u, round=rnd)
        rec = tn_record(name, 40 + i, 20)
        d.evidence = S.with_ward(d, {k: v for k, v in rec.items() if k not in ("ward", "period")})
        d.save()
        S.submit(d, leader)
    rnd.submission_deadline = now - timedelta(minutes=1)
    rnd.save()
    for d in rnd.dossiers.exclude(state="draft"):
        S.verify(d, verifier)
    S.publish(rnd, admin)
    return rnd, leader


@pytest.mark.parametrize("district", ["", "Huyện Thử"], ids=["two-tier", "with-district"])
def test_published_ranking_has_a_district_column_only_with_districts(client, district):
    rnd, leader = published_round(district)
    client.force_login(leader)
    page = client.get(f"/dot/{rnd.pk}/xep-hang.html").content.decode()
    assert "Phường An" in page and (HEADER in page) == bool(district)
    assert ("<td class=\"district\">Huyện Thử</td>" in page) == bool(district)
    data = b"".join(client.get(f"/dot/{rnd.pk}/xep-hang.xlsx").streaming_content)
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    assert (HEADER in [c.value for c in ws[4]]) == bool(district)
