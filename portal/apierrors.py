"""Errors under /api/ answer in the API's own JSON (docs/openapi.yaml), never an HTML page.

Django answers a URL that no pattern matches (a non-numeric round id), a wrong method or an unexpected
failure with its HTML error pages; a client of the JSON API would get a page it cannot read.
schemathesis found the first (tests/portal/test_api_fuzz.py keeps the input)."""
from __future__ import annotations

from django.http import HttpResponse

from scoring.render.json import dumps

MESSAGES = {404: "không có tài nguyên này", 405: "phương thức không được hỗ trợ ở địa chỉ này",
            500: "lỗi máy chủ; đã ghi nhận", 400: "yêu cầu không hợp lệ", 403: "không có quyền"}


class ApiErrorsAsJson:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        text = MESSAGES.get(response.status_code, "yêu cầu không thực hiện được")
        out = HttpResponse(dumps({"problems": [{"message": text, "field": None, "hint": None, "text": text}]}) + "\n",
                           status=response.status_code, content_type="application/json; charset=utf-8")
        for header in ("Allow", "WWW-Authenticate"):
            if header in response:
                out[header] = response[header]
        return out
