"""Server-rendered pages. Every view loads its object through `_dossier`, which turns a refusal on
another unit's object into a 404; every POST catches the workflow's and the core's errors and shows
them as messages (a user's bad input never gives a 500)."""
from __future__ import annotations

import hashlib
import json
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from scoring import api
from scoring.errors import DvcqError

from . import diskfull
from . import evidence_form as EF
from . import services as S
from . import uploads
from .models import Attachment, Dossier, Event, Round, Unit

ALLOWED_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                 ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _dossier(request, pk, perm="portal.view_dossier") -> Dossier:
    try:
        d = Dossier.objects.select_related("unit__province", "round").get(pk=int(pk))
    except (Dossier.DoesNotExist, ValueError, TypeError):
        raise Http404
    if not request.user.has_perm("portal.view_dossier", d):
        raise Http404
    if perm != "portal.view_dossier" and not request.user.has_perm(perm, d):
        raise PermissionDenied
    return d


def _revision(request):
    """The dossier revision the posted page was drawn from (optimistic locking), None if absent."""
    try:
        return int(request.POST["revision"])
    except (KeyError, ValueError):
        return None


def _role(request):
    prof = getattr(request.user, "profile", None)
    return prof.role if prof else None


@login_required
def home(request):
    prof = getattr(request.user, "profile", None)
    if prof and prof.role in ("clerk", "leader"):
        d = Dossier.objects.filter(unit=prof.unit).order_by("-round__period_year", "-round_id").first()
        if d:
            return redirect("dossier", pk=d.pk)
    return redirect("dossiers")


@login_required
@require_GET
def dossiers(request):
    prof = getattr(request.user, "profile", None)
    if prof is None:
        raise PermissionDenied
    qs = Dossier.objects.select_related("unit", "round")
    if not request.user.has_perm("portal.list_all"):
        qs = qs.filter(unit_id=prof.unit_id)
    state = request.GET.get("trang-thai", "")
    if state:
        qs = qs.filter(state=state)
    return render(request, "portal/dossiers.html", {"dossiers": qs, "rounds": Round.objects.all(), "state": state})


def _panel_context(d: Dossier, evidence=None, scored=None):
    result, problems = scored or S.live_score(d, evidence)
    o = EF.outline(d.round.pack_file, d.round.pack_sha256)
    grouped = []
    if result:
        for crit in result["criteria"]:
            grouped.append({"crit": crit, "items": [it for it in result["items"] if it.get("criterion") == crit["id"]]})
        others = [it for it in result["items"] if not it.get("criterion")]
        if others:
            grouped.append({"crit": {"id": "", "title": "Điểm thưởng, điểm trừ", "points": None, "max": None},
                            "items": others})
    labels = {**{k: v.get("label", k) for k, v in o["facts"].items()},
              **{k: v.get("label", k) for k, v in o["documents"].items()}}
    missing = [(m, labels.get(m, m)) for m in (result or {}).get("missing_evidence", [])]
    return {"result": result, "problems": [p.render() for p in problems], "grouped": grouped, "missing": missing}


def _past_returns(d: Dossier) -> list:
    """Every earlier return with its reasons (the current one is shown apart while the dossier is returned)."""
    rr = d.return_reasons or {}
    past = list(rr.get("history", []))
    if rr.get("version") and d.state != "returned":
        past.append({k: rr[k] for k in ("general", "items", "version") if k in rr})
    return past


def _form_context(request, d: Dossier, evidence=None, problems=()):
    ev = evidence if evidence is not None else d.evidence
    secs = EF.sections(d.round.pack_file, d.round.pack_sha256, ev)
    atts = {}
    for a in d.attachments.all():
        atts.setdefault(a.target, []).append(a)
    for s in secs:
        for e in s.entries:
            e.attachments = atts.get(e.ident, [])
    scored = S.live_score(d, ev)
    ctx = _panel_context(d, ev, scored)
    probs = scored[1]
    loose = EF.attach_problems(secs, probs, S.with_ward(d, ev))
    ctx.update(d=d, sections=secs, loose=loose, explanations=d.explanations,
               can_edit=request.user.has_perm("portal.edit_dossier", d),
               can_submit=request.user.has_perm("portal.submit_dossier", d),
               can_review=request.user.has_perm("portal.review_dossier", d),
               reasons=(d.return_reasons or {}).get("items", {}), general_reason=(d.return_reasons or {}).get("general", ""),
               now=timezone.now(), past_returns=_past_returns(d), versions=S.versions(d),
               late_refusal=S.late_refusal(d.round) if d.state == "draft" and d.round.after_deadline()
               and not d.round.published_at and not S.late_rule(scored[0] or {}) else "")
    if ctx["late_refusal"]:
        ctx["can_submit"] = False  # the refusal is shown instead of a button that can only fail
    return ctx


@login_required
def dossier(request, pk):
    d = _dossier(request, pk)
    if request.method == "POST":
        if not request.user.has_perm("portal.edit_dossier", d):
            raise PermissionDenied
        rec, expl = EF.parse(d.round.pack_file, d.round.pack_sha256, request.POST, d.evidence)
        try:
            d = S.save_evidence(d, request.user, rec, expl)
        except S.WorkflowError as exc:
            messages.error(request, str(exc))
            return redirect("dossier", pk=d.pk)
        if request.headers.get("HX-Request"):
            ctx = _panel_context(d)
            ctx.update(d=d, saved=True)
            return render(request, "portal/_panel.html", ctx)
        messages.success(request, "Đã lưu bản nháp.")
        return redirect("dossier", pk=d.pk)
    return render(request, "portal/dossier.html", _form_context(request, d))


def _dropped_upload(request) -> str:
    """Why the upload handlers dropped the posted file while it streamed in (too large, or a full disk
    while spooling it), as the message for the user; "" if they did not."""
    too_large = getattr(request, "dvcq_too_large", None)
    if too_large is not None:
        return f"Tệp '{too_large}' quá lớn (tối đa {settings.UPLOAD_MAX_BYTES} byte)."
    if getattr(request, "dvcq_disk_full", None) is not None:
        return uploads.DISK_FULL
    return ""


@login_required
@require_POST
def attach(request, pk):
    d = _dossier(request, pk, "portal.edit_dossier")
    f = request.FILES.get("tep")
    target = (request.POST.get("target") or "").strip()
    o = EF.outline(d.round.pack_file, d.round.pack_sha256)
    if target not in o["facts"] and target not in o["documents"]:
        messages.error(request, "Tệp phải gắn với một số liệu hoặc văn bản của bộ tiêu chí.")
        return redirect("dossier", pk=d.pk)
    refused = _dropped_upload(request)
    if refused:
        messages.error(request, refused)
        return redirect("dossier", pk=d.pk)
    if f is None:
        messages.error(request, "Chưa chọn tệp.")
        return redirect("dossier", pk=d.pk)
    from django.db import transaction

    try:
        ok = uploads.accept(f, existing=d.attachments.count())
        stored = uploads.store(ok.raw)
    except uploads.UploadRefused as exc:
        messages.error(request, str(exc))
        return redirect("dossier", pk=d.pk)
    try:
        with transaction.atomic():
            a = Attachment.objects.create(dossier=d, target=target, filename=ok.label, stored=stored,
                                          sha256=ok.sha256, size=len(ok.raw), content_type=ok.content_type,
                                          uploaded_by=request.user)
            S.log(request.user, "file.attach", dossier=d, after=ok.sha256,
                  detail=f"{target}: {a.filename} ({a.size} byte)")
    except BaseException:
        uploads.discard(stored)
        raise
    messages.success(request, f"Đã đính kèm '{a.filename}'.")
    return redirect("dossier", pk=d.pk)


@login_required
@require_GET
def attachment(request, pk, att):
    d = _dossier(request, pk)
    try:
        a = d.attachments.get(pk=int(att))
    except (Attachment.DoesNotExist, ValueError):
        raise Http404
    resp = FileResponse(open(S.data_dir() / "files" / a.stored, "rb"), as_attachment=True, filename=a.filename,
                        content_type=a.content_type)
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return resp


@login_required
@require_GET
def xlsx_download(request, pk):
    d = _dossier(request, pk)
    data = api.workbook(d.round.pack_file, S.with_ward(d, d.evidence)) if d.evidence else \
        api.workbook(d.round.pack_file, S.with_ward(d, {}))
    resp = HttpResponse(data, content_type=ALLOWED_TYPES[".xlsx"])
    resp["Content-Disposition"] = f'attachment; filename="ho-so-{d.unit.code}-{d.round.period_year}.xlsx"'
    return resp


@login_required
@require_POST
def xlsx_upload(request, pk):
    d = _dossier(request, pk, "portal.edit_dossier")
    f = request.FILES.get("tep")
    refused = _dropped_upload(request)
    if refused:
        messages.error(request, refused)
        return redirect("dossier", pk=d.pk)
    if f is None or not f.name.lower().endswith(".xlsx"):
        messages.error(request, "Hãy chọn tệp Excel (.xlsx) đã tải về từ cổng.")
        return redirect("dossier", pk=d.pk)
    try:  # a zip bomb or an entity bomb stops here, before openpyxl opens it
        ok = uploads.accept(f, existing=0)
    except uploads.UploadRefused as exc:
        messages.error(request, str(exc))
        return redirect("dossier", pk=d.pk)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            p = Path(tmp) / ok.label
            p.write_bytes(ok.raw)
            try:
                rec = api.record_data(api.read_workbook(p))
                api.check(S.with_ward(d, rec), d.round.pack_file)
            except DvcqError as exc:
                for pr in exc.problems:
                    messages.error(request, pr.render())
                return redirect("dossier", pk=d.pk)
    except OSError as exc:  # the system's temporary folder is full: the workbook was not read
        if not diskfull.noted(exc, "đọc tệp Excel tải lên", tempfile.gettempdir()):
            raise
        messages.error(request, uploads.DISK_FULL)
        return redirect("dossier", pk=d.pk)
    rec = json.loads(S.dumps(rec))
    try:
        S.save_evidence(d, request.user, rec, d.explanations)
    except S.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("dossier", pk=d.pk)
    messages.success(request, f"Đã nhận số liệu từ tệp Excel '{f.name}'.")
    return redirect("dossier", pk=d.pk)


@login_required
@require_POST
def submit(request, pk):
    d = _dossier(request, pk, "portal.submit_dossier")
    try:
        d = S.submit(d, request.user)
    except S.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("dossier", pk=d.pk)
    messages.success(request, "Đã nộp hồ sơ; hồ sơ đã khóa và được niêm phong.")
    return redirect("receipt", pk=d.pk)


@login_required
@require_GET
def receipt(request, pk):
    d = _dossier(request, pk)
    if not d.version:
        raise Http404
    result = json.loads(d.result_json)
    return render(request, "portal/receipt.html", {"d": d, "result": result, "pack_name": Path(d.round.pack_file).name})


def _side_by_side(d: Dossier, user):
    self_r = json.loads(d.result_json) if d.result_json else None
    ver = json.loads(d.verified_json) if d.verified_json else S.preview(d, user)
    rows = []
    if self_r:
        vitems = {it["id"]: it for it in (ver or {}).get("items", [])}
        for it in self_r["items"]:
            v = vitems.get(it["id"])
            rows.append({"it": it, "verified": v, "moved": v is not None and str(v["points"]) != str(it["points"])})
    return self_r, ver, rows


@login_required
def review(request, pk):
    d = _dossier(request, pk)
    if _role(request) not in ("verifier", "admin", "auditor"):
        raise Http404
    if request.method == "POST":
        if not request.user.has_perm("portal.review_dossier", d):
            raise PermissionDenied
        kind = request.POST.get("kind", "")
        ident = (request.POST.get("ident") or "").strip()
        reason = request.POST.get("reason", "")
        try:
            verified, accepted, points = _finding_values(request.POST)
            S.add_finding(d, request.user, kind, ident, reason, verified=verified, accepted=accepted, points=points,
                          revision=_revision(request))
            messages.success(request, "Đã ghi kết luận.")
        except (InvalidOperation, ValueError):
            messages.error(request, "Điểm hoặc giá trị công nhận không hợp lệ (số, ví dụ 1,5 hoặc 14/16).")
        except S.WorkflowError as exc:
            messages.error(request, str(exc))
        return redirect("review", pk=d.pk)
    self_r, ver, rows = _side_by_side(d, request.user)
    o = EF.outline(d.round.pack_file, d.round.pack_sha256)
    return render(request, "portal/review.html", {
        "d": d, "self_r": self_r, "ver": ver, "rows": rows, "findings": d.findings.all(),
        "attachments": d.attachments.all(), "explanations": d.explanations,
        "versions": S.versions(d), "past_returns": _past_returns(d),
        "can_review": request.user.has_perm("portal.review_dossier", d), "evidence": json.dumps(
            d.evidence, ensure_ascii=False, indent=2, default=str),
        "idents": sorted(list(o["facts"]) + list(o["documents"])),
        "items": [it["id"] for c in o["criteria"] for it in c["items"]]})


def _finding_values(post):
    """(verified, accepted, points) from a finding form; raises ValueError/InvalidOperation on bad text."""
    kind = post.get("kind", "")
    verified = accepted = points = None
    if kind == "item":
        points = Decimal((post.get("points") or "").strip().replace(",", "."))
        if not points.is_finite():
            raise ValueError(points)
    elif kind == "document":
        accepted = post.get("accepted") == "true"
    elif kind == "fact":
        if post.get("accepted") == "false":
            accepted = False
        else:
            verified = _verified_value(post.get("verified", ""))
    return verified, accepted, points


@login_required
@require_POST
def finding(request, pk, fid):
    """Edit or remove one finding before the dossier is verified (events finding.edit / finding.remove)."""
    d = _dossier(request, pk, "portal.review_dossier")
    try:
        f = d.findings.get(pk=int(fid))
    except (ValueError, d.findings.model.DoesNotExist):
        raise Http404
    try:
        if request.POST.get("action") == "remove":
            S.remove_finding(d, request.user, f.pk, request.POST.get("why", ""))
            messages.success(request, "Đã xóa kết luận.")
        else:
            post = request.POST.copy()
            post["kind"] = f.kind
            verified, accepted, points = _finding_values(post)
            S.edit_finding(d, request.user, f.pk, request.POST.get("why", ""), reason=request.POST.get("reason", ""),
                           verified=verified, accepted=accepted, points=points)
            messages.success(request, "Đã sửa kết luận.")
    except (InvalidOperation, ValueError):
        messages.error(request, "Điểm hoặc giá trị công nhận không hợp lệ (số, ví dụ 1,5 hoặc 14/16).")
    except S.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("review", pk=d.pk)


def _verified_value(text: str):
    """"14/16" → rate, "5" → count, "có"/"không" → yes/no; anything else is refused."""
    t = text.strip().lower()
    if "/" in t:
        a, b = t.split("/", 1)
        return {"num": int(a), "den": int(b)}
    if t in ("có", "true"):
        return {"value": True}
    if t in ("không", "false"):
        return {"value": False}
    return {"value": int(t)}


@login_required
@require_POST
def return_view(request, pk):
    d = _dossier(request, pk, "portal.review_dossier")
    reasons = {k.split("|", 1)[1]: v for k, v in request.POST.items() if k.startswith("reason|")}
    if request.POST.get("item") and request.POST.get("item_reason"):
        reasons[request.POST["item"][:40]] = request.POST["item_reason"][:2000]
    try:
        S.return_dossier(d, request.user, reasons, request.POST.get("general", ""), revision=_revision(request))
        messages.success(request, "Đã trả lại hồ sơ cho xã.")
    except S.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("review", pk=d.pk)


@login_required
@require_POST
def verify_view(request, pk):
    d = _dossier(request, pk, "portal.review_dossier")
    try:
        S.verify(d, request.user, revision=_revision(request))
        messages.success(request, "Đã xác nhận kết quả thẩm định (niêm phong).")
    except S.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("review", pk=d.pk)


@login_required
@require_GET
def download_zip(request, pk):
    d = _dossier(request, pk)
    try:
        data = S.sealed_zip(d)
    except S.WorkflowError:
        raise Http404
    S.log(request.user, "download", dossier=d, after=hashlib.sha256(data).hexdigest(), detail="tải gói niêm phong")
    resp = HttpResponse(data, content_type="application/zip")
    resp["Content-Disposition"] = f'attachment; filename="niem-phong-{d.unit.code}-v{d.version}.zip"'
    return resp


@login_required
@require_GET
def table(request, pk, fmt):
    """A unit's official table (printable HTML or xlsx) of its latest sealed result."""
    d = _dossier(request, pk)
    if not d.version or fmt not in ("html", "xlsx"):
        raise Http404
    folder = S.dossier_dir(d)
    if (folder / "review.json").is_file() and d.verified_json:
        result = api.score(str(folder / "evidence.json"), d.round.pack_file, str(folder / "review.json"))
    else:
        result = api.score(str(folder / "evidence.json"), d.round.pack_file)
    out = api.render_result(result, fmt)
    if fmt == "html":
        return HttpResponse(out, content_type="text/html; charset=utf-8")
    resp = HttpResponse(out, content_type=ALLOWED_TYPES[".xlsx"])
    resp["Content-Disposition"] = f'attachment; filename="bang-diem-{d.unit.code}.xlsx"'
    return resp


@login_required
@require_GET
def events(request):
    prof = getattr(request.user, "profile", None)
    if prof is None or not request.user.has_perm("portal.view_log"):
        raise PermissionDenied
    qs = Event.objects.select_related("unit", "dossier")
    if prof.role in ("clerk", "leader"):
        qs = qs.filter(unit_id=prof.unit_id)
    return render(request, "portal/events.html", {"events": qs[:500]})


@login_required
@require_GET
def events_export(request):
    """The log as sealed JSON (same seal as results: sha256 of the canonical body), for the province roles."""
    if not request.user.has_perm("portal.list_all"):
        raise PermissionDenied
    rows = [{"id": e.pk, "at": e.at.isoformat(), "account": e.username, "role": e.role,
             "unit": e.unit.name if e.unit else None, "dossier": e.dossier_id, "round": e.round_id,
             "action": e.action, "hash_before": e.hash_before, "hash_after": e.hash_after, "detail": e.detail}
            for e in Event.objects.select_related("unit").order_by("id")]
    body = S.sealed({"schema": "dvcq-events/1", "exported_at": timezone.now().isoformat(), "events": rows})
    S.log(request.user, "log.export", after=body["seal"]["value"], detail=f"{len(rows)} sự kiện")
    resp = HttpResponse(S.dumps(body) + "\n", content_type="application/json; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="nhat-ky.json"'
    return resp


def _admin(request):
    if not request.user.has_perm("portal.manage"):
        raise PermissionDenied


@login_required
def rounds(request):
    _admin(request)
    if request.method == "POST" and "public_ranking" in request.POST:
        from django.db import transaction

        from .models import Province

        public = request.POST.get("public_ranking") == "1"
        with transaction.atomic():
            for prov in Province.objects.select_for_update():
                prov.public_ranking = public
                prov.save(update_fields=["public_ranking"])
                S.log(request.user, "province.settings", detail=f"{prov.name}: bảng xếp hạng đã công bố "
                      + ("công khai cho khách" if public else "chỉ cho tài khoản đăng nhập"))
        messages.success(request, "Đã lưu thiết lập: bảng xếp hạng " + (
            "công khai cho khách." if public else "chỉ dành cho tài khoản đăng nhập."))
        return redirect("rounds")
    if request.method == "POST" and "token_name" in request.POST:
        name = request.POST.get("token_name", "").strip()[:100]
        if not name:
            messages.error(request, "Hãy ghi tên hệ thống được cấp mã truy cập.")
            return redirect("rounds")
        import secrets

        from django.db import transaction

        from .models import ApiToken

        key = secrets.token_urlsafe(32)
        with transaction.atomic():
            ApiToken.objects.create(name=name, key_sha256=hashlib.sha256(key.encode()).hexdigest())
            S.log(request.user, "token.create", detail=f"mã truy cập API cho: {name}")
        messages.success(request, f"Mã truy cập API cho '{name}' (chỉ hiện một lần): {key}")
        return redirect("rounds")
    if request.method == "POST":
        from .forms import RoundForm

        form = RoundForm(request.POST)
        if form.is_valid():
            try:
                rnd = form.create(request.user)
                messages.success(request, f"Đã tạo đợt '{rnd.name}'.")
                return redirect("rounds")
            except (DvcqError, S.WorkflowError) as exc:
                form.add_error(None, str(exc) if isinstance(exc, S.WorkflowError) else "; ".join(
                    p.render() for p in exc.problems))
    else:
        from .forms import RoundForm

        form = RoundForm()
    from .models import Province

    prov = Province.objects.order_by("id").first()
    return render(request, "portal/rounds.html", {"rounds": Round.objects.all(), "form": form,
                                                  "public_ranking": bool(prov and prov.public_ranking)})


@login_required
def round_edit(request, rid):
    _admin(request)
    try:
        rnd = Round.objects.get(pk=int(rid))
    except (Round.DoesNotExist, ValueError):
        raise Http404
    from .forms import RoundDatesForm

    if rnd.published_at:
        messages.error(request, "Đợt đánh giá đã công bố: mọi thứ chỉ còn để đọc, không đổi thời hạn được.")
        return redirect("rounds")
    form = RoundDatesForm(request.POST or None, instance=rnd)
    if request.method == "POST" and form.is_valid():
        form.save_logged(request.user)
        messages.success(request, "Đã cập nhật thời hạn của đợt.")
        return redirect("rounds")
    return render(request, "portal/round_edit.html", {"rnd": rnd, "form": form})


@login_required
def units(request):
    _admin(request)
    created = []
    if request.method == "POST":
        from .demo import import_units

        try:
            rnd = Round.objects.get(pk=int(request.POST.get("round") or 0))
        except (Round.DoesNotExist, ValueError):
            rnd = None
        created = import_units(rnd.province if rnd else None, rnd, request.user)
        messages.success(request, f"Đã nhập {len(created)} đơn vị mới và tạo tài khoản.")
    return render(request, "portal/units.html", {"units": Unit.objects.select_related("province"),
                                                 "rounds": Round.objects.all(), "created": created})


def _ranking_round(request, rid):
    """The round whose ranking is asked for: signed-in users see it once published (the admin before, to
    publish); anonymous visitors only where the province made rankings public; otherwise the login page."""
    from django.contrib.auth.views import redirect_to_login

    try:
        rnd = Round.objects.select_related("province").get(pk=int(rid))
    except (Round.DoesNotExist, ValueError):
        if not request.user.is_authenticated:
            return None, redirect_to_login(request.get_full_path())
        raise Http404
    if not request.user.is_authenticated and not (rnd.published_at and rnd.province.public_ranking):
        return None, redirect_to_login(request.get_full_path())
    if not rnd.published_at and not request.user.has_perm("portal.manage"):
        raise Http404
    return rnd, None


def ranking(request, rid):
    rnd, refusal = _ranking_round(request, rid)
    if refusal:
        return refusal
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise PermissionDenied
        _admin(request)
        try:
            S.publish(rnd, request.user)
            messages.success(request, "Đã công bố kết quả xếp hạng.")
        except (S.WorkflowError, DvcqError) as exc:
            messages.error(request, str(exc) if isinstance(exc, S.WorkflowError) else "; ".join(
                p.render() for p in exc.problems))
        return redirect("ranking", rid=rnd.pk)
    data = json.loads(rnd.ranking_json) if rnd.ranking_json else None
    units = rnd.dossiers.select_related("unit")
    return render(request, "portal/ranking.html", {
        "rnd": rnd, "data": data, "pending": units.filter(state__in=S.PENDING),
        "absent": units.filter(state="draft"), "verified": units.filter(state="verified").count()})


@require_GET
def ranking_file(request, rid, fmt):
    rnd, refusal = _ranking_round(request, rid)
    if refusal:
        return refusal
    if fmt not in ("html", "xlsx"):
        raise Http404
    p = S.data_dir() / "rounds" / str(rnd.pk) / f"xep-hang.{fmt}"
    if not rnd.published_at or not p.is_file():
        raise Http404
    if fmt == "html":
        return HttpResponse(p.read_text(encoding="utf-8"), content_type="text/html; charset=utf-8")
    return FileResponse(open(p, "rb"), as_attachment=True, filename=f"xep-hang-{rnd.period_year}.xlsx",
                        content_type=ALLOWED_TYPES[".xlsx"])


def bad_request(request, exception=None):
    return HttpResponseBadRequest("Yêu cầu không hợp lệ.")
