"""JSON API (docs/openapi.yaml): stateless scoring for anyone, token read access to a round's results."""
from __future__ import annotations

import hashlib
import json
from decimal import Decimal

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from scoring import api
from scoring.errors import DvcqError
from scoring.render.json import dumps, sealed

from .models import ApiToken, Round

MAX_BODY = 2 * 1024 * 1024


def _json(body, status=200) -> HttpResponse:
    return HttpResponse(dumps(body) + "\n", status=status, content_type="application/json; charset=utf-8")


def _problems(problems, status=400) -> HttpResponse:
    return _json({"problems": [{"message": p.message, "field": p.field, "hint": p.hint, "text": p.render()}
                               for p in problems]}, status)


def _msg(text, status=400) -> HttpResponse:
    return _json({"problems": [{"message": text, "field": None, "hint": None, "text": text}]}, status)


@csrf_exempt
@require_POST
def score(request):
    """Score the record in the body (stores nothing). The result is `dvcq score --format json`'s."""
    if len(request.body) > MAX_BODY:
        return _msg("hồ sơ quá lớn (tối đa 2 MB)", 413)
    try:
        data = json.loads(request.body.decode("utf-8"), parse_float=Decimal)
    except (UnicodeDecodeError, ValueError) as exc:
        return _msg(f"nội dung gửi lên không phải JSON hợp lệ (UTF-8): {exc}")
    except RecursionError:
        return _msg("hồ sơ lồng nhau quá sâu")
    if not isinstance(data, dict):
        return _msg("hồ sơ phải là một đối tượng JSON (bảng khóa: giá trị)")
    try:
        rec = api.load_record(data, name=request.GET.get("name") or "hoso.json")
        result = api.score(rec)
    except DvcqError as exc:
        return _problems(exc.problems)
    except RecursionError:
        return _msg("hồ sơ lồng nhau quá sâu")
    return _json(sealed(result.to_dict()))


@require_GET
def results(request, rid):
    auth = request.headers.get("Authorization", "")
    key = auth[7:].strip() if auth.startswith("Bearer ") else ""
    if not key or not ApiToken.objects.filter(key_sha256=hashlib.sha256(key.encode()).hexdigest()).exists():
        resp = _msg("cần mã truy cập hợp lệ (Authorization: Bearer …)", 401)
        resp["WWW-Authenticate"] = "Bearer"
        return resp
    try:
        rnd = Round.objects.get(pk=int(rid))
    except (Round.DoesNotExist, ValueError):
        return _msg("không có đợt đánh giá này", 404)
    rows = []
    for d in rnd.dossiers.select_related("unit").order_by("unit__name"):
        r = json.loads(d.verified_json or d.result_json) if (d.verified_json or d.result_json) else None
        rows.append({"unit": d.unit.name, "code": d.unit.code, "state": d.state,
                     "total": r["total"] if r else None, "grade": r["grade"]["label"] if r else None,
                     "seal": r["seal"]["value"] if r else None})
    return _json({"round": {"id": rnd.pk, "name": rnd.name, "pack": rnd.pack_id, "pack_sha256": rnd.pack_sha256,
                            "year": rnd.period_year, "published": rnd.published_at is not None},
                  "results": rows})
