"""The workflow: every change to a dossier or a round goes through one function here, which checks
the state, writes the change and its Event in one transaction, and seals with the core's own seal.

Sealed inputs are written as files under DVCQ_DATA_DIR (evidence.json holds exactly the bytes whose
sha256 the result records), so a download of them passes `dvcq audit` outside the portal."""
from __future__ import annotations

import hashlib
import io
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from scoring import api
from scoring.errors import DvcqError
from scoring.render.json import dumps, sealed

from . import diskfull
from .models import ACTION_LABEL, Dossier, Event, Finding, Round

PENDING = ("submitted", "returned", "resubmitted")  # a round with any of these cannot be published
KIND_OF_UNIT = {"xã": "xa", "phường": "phuong", "thị trấn": "thi_tran", "đặc khu": "dac_khu"}


class WorkflowError(Exception):
    """A refused action, with a Vietnamese message for the user (never a 500)."""


def canonical_hash(data) -> str:
    return hashlib.sha256(dumps(data).encode("utf-8")).hexdigest() if data else ""


def data_dir() -> Path:
    return Path(settings.DATA_DIR)


def dossier_dir(d: Dossier, version: Optional[int] = None) -> Path:
    return data_dir() / "dossiers" / str(d.pk) / f"v{version if version is not None else d.version}"


def freeze_pack(pack_path: str | Path) -> tuple[str, str, str]:
    """Copy a pack into the data folder under its sha256: (frozen path, sha256, pack id)."""
    src = Path(pack_path)
    raw = src.read_bytes()
    sha = hashlib.sha256(raw).hexdigest()
    dest = data_dir() / "packs" / sha / src.name
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(raw)
    return str(dest), sha, api.load_pack(dest).id


def log(user, action: str, *, dossier: Optional[Dossier] = None, round: Optional[Round] = None,
        before: str = "", after: str = "", detail: str = "") -> Event:
    prof = getattr(user, "profile", None) if user is not None and user.is_authenticated else None
    return Event.objects.create(
        username=user.get_username() if user is not None and user.is_authenticated else "",
        role=prof.role if prof else "", unit=dossier.unit if dossier else (prof.unit if prof else None),
        dossier=dossier, round=round or (dossier.round if dossier else None), action=action,
        hash_before=before, hash_after=after, detail=detail[:2000])


def with_ward(d: Dossier, evidence: dict) -> dict:
    """The record with its ward and period taken from the unit and round (never from the form)."""
    rec = dict(evidence)
    ward = dict(rec.get("ward") or {})
    ward.update(name=d.unit.name, province=d.unit.province.name, kind=d.unit.kind)
    if d.unit.district:
        ward["district"] = d.unit.district
    rec["ward"] = ward
    rec["period"] = {"year": d.round.period_year}
    rec.setdefault("status", "final")
    order = ["schema", "ward", "period", "status", "documents", "facts", "notes"]
    return {k: rec[k] for k in order if k in rec} | {k: v for k, v in rec.items() if k not in order}


def live_score(d: Dossier, evidence: Optional[dict] = None):
    """(result dict, problems): the self score of the current form, or why it cannot be scored."""
    rec = with_ward(d, evidence if evidence is not None else d.evidence)
    try:
        return api.score(rec, d.round.pack_file).to_dict(), []
    except DvcqError as exc:
        return None, list(exc.problems)


def save_evidence(d: Dossier, user, evidence: dict, explanations: dict) -> Dossier:
    with transaction.atomic():
        d = Dossier.objects.select_for_update().select_related("round", "unit__province").get(pk=d.pk)
        if not d.editable:
            raise WorkflowError("hồ sơ đã khóa (đã nộp hoặc ngoài thời gian nhận), không sửa được")
        before = canonical_hash(d.evidence)
        d.evidence = with_ward(d, evidence)
        d.explanations = {k: v for k, v in explanations.items() if v}
        d.save()
        log(user, "evidence.save", dossier=d, before=before, after=canonical_hash(d.evidence))
    return d


def _write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    except OSError as exc:  # a failed write names no file; the log line for a full disk should
        exc.filename = exc.filename or str(path)
        raise


DISK_FULL = "Máy chủ hết chỗ lưu trữ nên {}. Hãy báo quản trị tỉnh và thử lại sau."


@contextmanager
def _sealing(doing: str, outcome: str, undo):
    """Around the file writes of one sealing step, inside its transaction (the row lock is held, so no
    other request writes the same files): an OSError removes what this step wrote — never anything a
    committed version refers to — and a full disk becomes a WorkflowError (a message for the user; the
    transaction rolls back, so the dossier stays as it was) instead of a 500 and half-written files."""
    try:
        yield
    except OSError as exc:
        undo()
        if diskfull.noted(exc, doing):
            raise WorkflowError(DISK_FULL.format(outcome)) from None
        raise


def submit(d: Dossier, user) -> Dossier:
    """Lock and seal: the record is written as evidence.json and scored from that file."""
    with transaction.atomic():
        d = Dossier.objects.select_for_update().select_related("round", "unit__province").get(pk=d.pk)
        if d.state not in ("draft", "returned") or d.round.published_at:
            raise WorkflowError("hồ sơ không ở trạng thái được nộp")
        if d.state == "draft" and timezone.now() < d.round.opens_at:
            raise WorkflowError(f"đợt đánh giá chưa mở (mở lúc {_when(d.round.opens_at)})")
        late = d.state == "draft" and d.round.after_deadline()
        before = canonical_hash(d.evidence)
        d.version += 1
        folder = dossier_dir(d)  # a new version's folder: nothing committed refers to it yet
        rec = with_ward(d, d.evidence)
        ev_path = folder / "evidence.json"
        with _sealing("nộp hồ sơ",
                      "chưa nộp được hồ sơ; hồ sơ giữ nguyên như trước khi bấm nộp, không mất số liệu nào",
                      lambda: shutil.rmtree(folder, ignore_errors=True)):
            _write(ev_path, dumps(rec))
            try:
                result = api.score(str(ev_path), d.round.pack_file)
            except DvcqError as exc:
                shutil.rmtree(folder, ignore_errors=True)
                raise WorkflowError("hồ sơ chưa hợp lệ, chưa nộp được: "
                                    + "; ".join(p.render() for p in exc.problems))
            body = sealed(result.to_dict())
            if late:
                rule = late_rule(body)
                if not rule:
                    shutil.rmtree(folder, ignore_errors=True)
                    raise WorkflowError(late_refusal(d.round))
                d.late = True
            _write(folder / "result.json", dumps(body) + "\n")
            _write(folder / "explanations.json", dumps(d.explanations) + "\n")
        d.result_json = dumps(body)
        d.seal = body["seal"]["value"]
        d.evidence_sha256 = body["evidence"]["sha256"]
        d.state = "submitted" if d.state == "draft" else "resubmitted"
        d.submitted_at = timezone.now()
        d.save()
        log(user, "submit" if d.state == "submitted" else "resubmit", dossier=d, before=before,
            after=d.evidence_sha256, detail=f"lần nộp {d.version}, niêm phong {d.seal}"
            + ("; nộp muộn: " + "; ".join(late_rule(body)) if late else ""))
    return d


def _when(dt) -> str:
    return timezone.localtime(dt).strftime("%d/%m/%Y %H:%M")


def late_rule(result: dict) -> list[str]:
    """The pack's own ruling on a late dossier, when the core's result carries one: an eligibility
    rule on dates that held (`warnings_data` codes `ineligible` and `date_cap`, docs/rule-format.md):
    the unit is marked, not refused; [] when the pack has no such rule."""
    out = []
    for w in result.get("warnings_data") or []:
        if isinstance(w, dict) and w.get("code") in ("ineligible", "date_cap") and "when" not in w:  # not a rule on results
            out.append(f"{w.get('rule', '')}: {w.get('reason', '')}".strip(": "))
    return out


def late_refusal(rnd: Round) -> str:
    from .models import Profile

    admins = ", ".join(sorted(Profile.objects.filter(role="admin", user__is_active=True)
                              .values_list("user__username", flat=True))) or "quản trị tỉnh"
    return (f"đã quá hạn nộp ({_when(rnd.submission_deadline)}) và bộ tiêu chí không có quy định nộp muộn; "
            f"quản trị tỉnh ({admins}) có thể gia hạn đợt đánh giá")


def _same_revision(d: Dossier, revision: Optional[int]) -> None:
    """Optimistic locking: the page the user acted on was drawn from `revision`; if the dossier changed
    since (another verifier recorded a finding, returned or confirmed it), refuse instead of overwriting."""
    if revision is not None and revision != d.revision:
        last = Event.objects.filter(dossier=d).order_by("-id").first()
        who = f" ({last.username}, {ACTION_LABEL.get(last.action, last.action)})" if last and last.username else ""
        raise WorkflowError(f"hồ sơ vừa được người khác thay đổi{who} sau khi anh/chị mở trang; thao tác chưa được "
                            "ghi — hãy xem lại trang đã tải lại rồi làm lại nếu vẫn cần")


def _reviewable(d: Dossier) -> None:
    if d.state not in ("submitted", "resubmitted"):
        raise WorkflowError("hồ sơ không ở trạng thái chờ thẩm định")
    if not d.round.after_deadline():
        raise WorkflowError("chưa hết hạn nộp: chỉ thẩm định sau hạn nộp")


def add_finding(d: Dossier, user, kind: str, ident: str, reason: str, *, verified=None, accepted=None,
                points=None, revision: Optional[int] = None) -> Finding:
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("phải ghi lý do cho mỗi kết luận")
    if kind not in ("fact", "document", "item"):
        raise WorkflowError("loại kết luận phải là số liệu, văn bản hoặc nội dung")
    with transaction.atomic():
        d = Dossier.objects.select_for_update().select_related("round", "unit__province").get(pk=d.pk)
        _same_revision(d, revision)
        _reviewable(d)
        f = Finding(dossier=d, kind=kind, ident=ident, reason=reason, verified=verified, accepted=accepted,
                    points=points, author=user)
        review = build_review(d, user, list(d.findings.all()) + [f])
        _check_review(d, review)
        f.save()
        d.save(update_fields=["revision", "updated_at"])
        log(user, "finding.add", dossier=d, after=d.evidence_sha256, detail=f"{f.get_kind_display()} {ident}: {reason}")
    return f


def _finding_text(f: Finding) -> str:
    parts = [f"{f.get_kind_display()} {f.ident}"]
    if f.verified is not None:
        parts.append(f"công nhận {dumps(f.verified)}")
    if f.accepted is not None:
        parts.append("chấp nhận" if f.accepted else "không chấp nhận")
    if f.points is not None:
        parts.append(f"{f.points} điểm")
    return ", ".join(parts) + f" — {f.reason}"


def _locked_finding(d: Dossier, fid: int) -> tuple[Dossier, Finding]:
    """The dossier, locked for the caller's transaction and still open to review, and its finding."""
    d = Dossier.objects.select_for_update().select_related("round", "unit__province").get(pk=d.pk)
    _reviewable(d)
    try:
        return d, d.findings.get(pk=fid)
    except Finding.DoesNotExist:
        raise WorkflowError("không có kết luận này")


def edit_finding(d: Dossier, user, fid: int, why: str, *, reason: str, verified=None, accepted=None,
                 points=None) -> Finding:
    """Change a finding before the dossier is verified; the change and why are an event."""
    why, reason = (why or "").strip(), (reason or "").strip()
    if not why:
        raise WorkflowError("phải ghi lý do sửa kết luận")
    if not reason:
        raise WorkflowError("phải ghi lý do cho mỗi kết luận")
    with transaction.atomic():
        d, f = _locked_finding(d, fid)
        old = _finding_text(f)
        f.verified, f.accepted, f.points, f.reason = verified, accepted, points, reason
        others = [x if x.pk != f.pk else f for x in d.findings.all()]
        _check_review(d, build_review(d, user, others))
        f.save()
        log(user, "finding.edit", dossier=d, after=d.evidence_sha256,
            detail=f"lý do sửa: {why}; trước: {old}; sau: {_finding_text(f)}")
    return f


def remove_finding(d: Dossier, user, fid: int, why: str) -> None:
    why = (why or "").strip()
    if not why:
        raise WorkflowError("phải ghi lý do xóa kết luận")
    with transaction.atomic():
        d, f = _locked_finding(d, fid)
        old = _finding_text(f)
        f.delete()
        log(user, "finding.remove", dossier=d, after=d.evidence_sha256, detail=f"lý do xóa: {why}; đã xóa: {old}")


def versions(d: Dossier) -> list[dict]:
    """Every sealed version of the dossier, read from its own folder (a return never overwrites one, so
    each earlier submission stays auditable): number, seal, total, grade, evidence sha256."""
    import json as _json

    out = []
    for v in range(1, d.version + 1):
        p = dossier_dir(d, v) / "result.json"
        if not p.is_file():
            continue
        body = _json.loads(p.read_text(encoding="utf-8"))
        out.append({"version": v, "seal": body["seal"]["value"], "total": body["total"],
                    "grade": body["grade"]["label"], "evidence_sha256": body["evidence"]["sha256"],
                    "current": v == d.version})
    return out


def _province_phrase(name: str) -> str:
    """'Quảng Ngãi' → 'tỉnh Quảng Ngãi'; a name that already says what it is ('Tỉnh …', 'Thành phố …') stays."""
    return name if name.lower().startswith(("tỉnh ", "thành phố ")) else f"tỉnh {name}"


def build_review(d: Dossier, user, findings) -> dict:
    """The review structure `dvcq verify` reads, from the portal's findings."""
    prof = getattr(user, "profile", None)
    name = user.get_full_name() or user.get_username()
    return {
        "review_of": {"ward": d.unit.name, "period": {"year": d.round.period_year},
                      "evidence_sha256": d.evidence_sha256},
        "reviewer": {"unit": f"Sở Nội vụ {_province_phrase(d.unit.province.name)}", "name": name,
                     **({"title": prof.get_role_display()} if prof else {})},
        "reviewed_on": timezone.localdate().isoformat(),
        "findings": [f.to_review() for f in findings],
    }


def _check_review(d: Dossier, review: dict):
    """Run the review through the core (a finding that does not fit the record is refused here)."""
    folder = Path(tempfile.mkdtemp(prefix="dvcq-review-"))
    try:
        path = folder / "hoso.review.json"
        path.write_text(dumps(review), encoding="utf-8")
        return api.verify(str(dossier_dir(d) / "evidence.json"), str(path), d.round.pack_file)
    except DvcqError as exc:
        raise WorkflowError("; ".join(p.message + (f" ({p.field})" if p.field else "") for p in exc.problems))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def preview(d: Dossier, user) -> Optional[dict]:
    """The verified result the findings so far would give (shown before the verifier confirms)."""
    findings = list(d.findings.all())
    if not findings or not d.version or d.verified_json:
        return None
    try:
        return _check_review(d, build_review(d, user, findings)).to_json_dict()
    except WorkflowError:
        return None


def return_dossier(d: Dossier, user, reasons: dict, general: str, *, revision: Optional[int] = None) -> Dossier:
    reasons = {k: v.strip() for k, v in reasons.items() if v and v.strip()}
    general = (general or "").strip()
    if not general and not reasons:
        raise WorkflowError("phải ghi lý do trả lại")
    with transaction.atomic():
        d = Dossier.objects.select_for_update().select_related("round", "unit__province").get(pk=d.pk)
        _same_revision(d, revision)
        _reviewable(d)
        history = list((d.return_reasons or {}).get("history", []))
        if d.return_reasons and d.return_reasons.get("version"):
            history.append({k: d.return_reasons[k] for k in ("general", "items", "version") if k in d.return_reasons})
        d.return_reasons = {"general": general, "items": reasons, "version": d.version, "history": history}
        d.state = "returned"
        d.save()
        log(user, "return", dossier=d, before=d.evidence_sha256, after=d.evidence_sha256,
            detail=general + ("; " if general and reasons else "") + "; ".join(f"{k}: {v}" for k, v in reasons.items()))
    return d


def verify(d: Dossier, user, *, revision: Optional[int] = None) -> Dossier:
    """Freeze the findings as review.json and seal the verified result (`dvcq verify`)."""
    with transaction.atomic():
        d = Dossier.objects.select_for_update().select_related("round", "unit__province").get(pk=d.pk)
        _same_revision(d, revision)
        _reviewable(d)
        review = build_review(d, user, list(d.findings.all()))
        folder = dossier_dir(d)  # the committed version's folder: only the two new files are undone
        rpath = folder / "review.json"

        def undo():
            rpath.unlink(missing_ok=True)
            (folder / "verified.json").unlink(missing_ok=True)
        with _sealing("xác nhận kết quả thẩm định",
                      "chưa xác nhận được kết quả thẩm định; hồ sơ vẫn chờ xác nhận, các kết luận còn nguyên",
                      undo):
            _write(rpath, dumps(review))
            try:
                ver = api.verify(str(folder / "evidence.json"), str(rpath), d.round.pack_file)
            except DvcqError as exc:
                rpath.unlink(missing_ok=True)
                raise WorkflowError("; ".join(p.message for p in exc.problems))
            body = sealed(ver.to_json_dict())
            _write(folder / "verified.json", dumps(body) + "\n")
        d.verified_json = dumps(body)
        d.state = "verified"
        d.save()
        log(user, "verify", dossier=d, before=d.evidence_sha256, after=d.evidence_sha256,
            detail=f"tổng điểm thẩm định {body['total']}, niêm phong {body['seal']['value']}")
    return d


def publish(rnd: Round, user) -> Round:
    """Rank the round's verified dossiers with the pack's batch rules (quota, ineligibility)."""
    with transaction.atomic():
        rnd = Round.objects.select_for_update().get(pk=rnd.pk)
        if rnd.published_at:
            raise WorkflowError("đợt đánh giá đã công bố")
        pending = list(rnd.dossiers.select_related("unit").filter(state__in=PENDING))
        if pending:
            raise WorkflowError("chưa công bố được: còn hồ sơ chưa thẩm định xong — " + "; ".join(
                f"{d.unit.name} ({d.state_label})" for d in pending))
        dossiers = list(rnd.dossiers.select_related("unit").filter(state="verified"))
        if not dossiers:
            raise WorkflowError("chưa có hồ sơ nào đã thẩm định để công bố")
        out = data_dir() / "rounds" / str(rnd.pk)  # an unpublished round's folder: only a failed attempt's
        recs, revs = out / "ho-so", out / "tham-dinh"
        with _sealing("công bố xếp hạng", "chưa công bố được xếp hạng; đợt đánh giá và các hồ sơ giữ nguyên",
                      lambda: shutil.rmtree(out, ignore_errors=True)):
            for folder in (recs, revs):
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True)
            for d in dossiers:
                src = dossier_dir(d)
                shutil.copyfile(src / "evidence.json", recs / f"{d.unit.code}.json")
                shutil.copyfile(src / "review.json", revs / f"{d.unit.code}.review.json")
            b = api.batch(recs, reviews=revs, pack=rnd.pack_file, jobs=1)
            _write(out / "xep-hang.json", api.render_batch(b, "json"))
            _write(out / "xep-hang.html", api.render_batch(b, "html"))
            _write(out / "xep-hang.xlsx", api.render_batch(b, "xlsx"))
        rnd.ranking_json = (out / "xep-hang.json").read_text(encoding="utf-8")
        rnd.published_at = timezone.now()
        rnd.save()
        Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).update(state="published")
        absent = [d.unit.name for d in rnd.dossiers.select_related("unit").exclude(state="published")]
        log(user, "publish", round=rnd, after=hashlib.sha256(rnd.ranking_json.encode()).hexdigest(),
            detail=f"{len(dossiers)} hồ sơ được xếp hạng; {len(absent)} đơn vị chưa nộp, không xếp hạng"
            + (": " + ", ".join(absent) if absent else ""))
    return rnd


def sealed_zip(d: Dossier) -> bytes:
    """Result(s), evidence, review and pack of the last sealed version, laid out for `dvcq audit`."""
    if not d.version:
        raise WorkflowError("hồ sơ chưa nộp nên chưa có kết quả niêm phong")
    folder = dossier_dir(d)
    pack = Path(d.round.pack_file)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in ("evidence.json", "result.json", "review.json", "verified.json", "explanations.json"):
            if (folder / name).is_file():
                z.write(folder / name, name)
        z.write(pack, pack.name)
        lines = ["Kiểm tra niêm phong ngoài cổng (cần dvcq):",
                 f"  dvcq audit result.json --rules {pack.name}"]
        if (folder / "verified.json").is_file():
            lines.append(f"  dvcq audit verified.json --rules {pack.name}")
        lines.append("")
        lines.append("Tệp đính kèm (sha256  tên):")
        for a in d.attachments.all():
            z.write(data_dir() / "files" / a.stored, f"dinh-kem/{a.pk}-{a.filename}")
            lines.append(f"  {a.sha256}  dinh-kem/{a.pk}-{a.filename}")
        z.writestr("HUONG-DAN.txt", "\n".join(lines) + "\n")
    return buf.getvalue()
