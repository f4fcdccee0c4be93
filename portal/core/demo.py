"""Demo data and the admin's unit import: units come from `vietnam-provinces` (never typed by hand);
the four Quảng Ngãi samples are communes of 2023 (before the 2025 merger, so they keep their own
names from the sample files); the other units get dossiers generated from a fixed seed."""
from __future__ import annotations

import random
import secrets
from datetime import timedelta
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from vietnam_provinces import Province as VNProvince, Ward as VNWard

from . import services as S
from .models import Dossier, Profile, Province, Round, Unit

DEMO_PASSWORD = "dvcq-demo"
REPO = Path(__file__).resolve().parents[2]
SAMPLES = {  # sample file → demo account stem
    "pho-van-2023.yaml": "phovan",
    "nguyen-nghiem-2023.yaml": "nguyennghiem",
    "pho-hoa-2023.yaml": "phohoa",
    "truong-quang-trong-2023.yaml": "truongquangtrong",
}
ACCOUNTS = [("canbo.phovan", "clerk", "phovan"), ("lanhdao.phovan", "leader", "phovan"),
            ("canbo.nguyennghiem", "clerk", "nguyennghiem"), ("thamdinh", "verifier", None),
            ("quantri", "admin", None), ("kiemtoan", "auditor", None)]
PACK = REPO / "rules" / "quang-ngai" / "qd-1211-2022.yaml"


def vn_province(name: str):
    return next(p for p in VNProvince.iter_all() if p.name == name)


def official_wards(province_code: int):
    """Commune-level units of a province, with the pack's kind words."""
    for w in VNWard.iter_all():
        if w.province_code.value == province_code:
            kind = S.KIND_OF_UNIT.get(w.division_type.value)
            if kind:
                yield w, kind


def _account(username: str, role: str, unit, password: str):
    User = get_user_model()
    user, made = User.objects.get_or_create(username=username)
    if made:
        user.set_password(password)
        user.is_staff = role == "admin"
        user.save()
        Profile.objects.create(user=user, role=role, unit=unit)
    return user, made


def import_units(province, rnd, user, limit=None):
    """Add the province's official units not yet present, a dossier for each in `rnd`, and a clerk and a
    leader account per unit (random passwords, returned once). One transaction, one event per unit."""
    if province is None:
        return []
    vp = vn_province(province.name)
    created = []
    with transaction.atomic():
        for w, kind in official_wards(vp.code.value):
            if limit is not None and len(created) >= limit:
                break
            code = str(w.code.value)
            if Unit.objects.filter(code=code).exists():
                continue
            unit = Unit.objects.create(province=province, name=w.name, code=code, kind=kind)
            stem = w.codename.split("_", 1)[-1].replace("_", "")
            accounts = []
            for prefix, role in (("canbo", "clerk"), ("lanhdao", "leader")):
                pw = secrets.token_urlsafe(9)
                acc, made = _account(f"{prefix}.{stem}.{code}", role, unit, pw)
                if made:
                    accounts.append((acc.username, pw))
            if rnd is not None and kind in ("xa", "phuong", "thi_tran"):
                Dossier.objects.get_or_create(unit=unit, round=rnd, defaults={"evidence": {}})
            S.log(user, "account.create", round=rnd, detail=f"{unit.name} ({code}): "
                  + ", ".join(a for a, _ in accounts))
            created.append((unit, accounts))
    return created


def _generated(outline: dict, rng: random.Random) -> dict:
    """A plausible record: each fact filled with probability 0.8, values drawn from the seed."""
    facts = {}
    for fid, meta in outline["facts"].items():
        if fid == "ward.residential_groups" or rng.random() < 0.2:
            continue
        t = meta.get("type")
        if t == "count":
            v = 0 if fid.startswith(("petitions.mass", "security.", "staff.disciplined")) else rng.randint(0, 12)
            facts[fid] = {"value": v}
        elif t == "yesno":
            facts[fid] = {"value": rng.random() < 0.85}
        elif t == "rate":
            den = rng.randint(10, 200)
            facts[fid] = {"num": rng.randint(den * 7 // 10, den), "den": den}
        elif t == "checklist":
            total = int(meta.get("total") or 4)
            facts[fid] = {"done": rng.randint(total // 2, total), "total": total}
        if fid in facts:
            facts[fid]["source"] = "Dữ liệu minh họa (sinh tự động cho bản demo)"
    return {"documents": [], "facts": facts}


@transaction.atomic
def load_demo(n_generated: int = 12, seed: int = 2023) -> dict:
    """Idempotent: a second run changes nothing. Returns what to print."""
    if Round.objects.exists():
        return {"fresh": False}
    vp = vn_province("Quảng Ngãi")
    province = Province.objects.create(name=vp.name, code=str(vp.code.value))
    now = timezone.now()
    path, sha, pack_id = S.freeze_pack(PACK)
    rnd = Round.objects.create(province=province, name="Đánh giá công tác dân vận chính quyền năm 2023",
                               pack_id=pack_id, pack_file=path, pack_sha256=sha, period_year=2023,
                               opens_at=now - timedelta(days=10), submission_deadline=now + timedelta(days=20),
                               verification_deadline=now + timedelta(days=40))
    units = {}
    official = {w.name: w for w, _ in official_wards(vp.code.value)}
    for fname, stem in SAMPLES.items():
        data = yaml.safe_load((REPO / "samples" / "quang-ngai" / fname).read_text(encoding="utf-8"))
        w = data["ward"]
        same = official.get(w["name"])  # still on the official list after the 2025 merger: its code
        unit = Unit.objects.create(province=province, name=w["name"], code=str(same.code.value) if same else f"mau-{stem}",
                                   kind=w["kind"], district=w.get("district", ""),
                                   source=f"samples/quang-ngai/{fname}" + (" + vietnam-provinces" if same else ""))
        units[stem] = unit
        import json

        ev = json.loads(S.dumps({k: v for k, v in data.items() if k in ("ward", "period", "status", "documents",
                                                                         "facts", "notes")}))
        Dossier.objects.create(unit=unit, round=rnd, evidence=ev)
    for username, role, stem in ACCOUNTS:
        _account(username, role, units.get(stem) if stem else None, DEMO_PASSWORD)
    admin = get_user_model().objects.get(username="quantri")
    rng = random.Random(seed)
    import_units(province, rnd, admin, limit=n_generated)
    outline = S.api.pack_outline(path)
    for d in Dossier.objects.filter(round=rnd, unit__source="vietnam-provinces").select_related("unit__province", "round"):
        d.evidence = S.with_ward(d, _generated(outline, rng))
        d.save()
    S.log(admin, "round.create", round=rnd, after=sha, detail=f"dữ liệu demo: {rnd.name}, bộ {pack_id}")
    return {"fresh": True, "round": rnd}
