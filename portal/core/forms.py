"""Admin forms: a round freezes its pack (copied under its sha256); a date change is an event."""
from __future__ import annotations

from django import forms
from django.db import transaction

from scoring import api

from . import services as S
from .models import Province, Round


def _dates_in_order(c: dict) -> dict:
    """A round's dates: opening, then the submission deadline, then the verification deadline."""
    o, s, v = c.get("opens_at"), c.get("submission_deadline"), c.get("verification_deadline")
    if o and s and v and not (o < s < v):
        raise forms.ValidationError("Thời hạn phải theo thứ tự: mở < hạn nộp < hạn thẩm định.")
    return c


def _pack_choices():
    from pathlib import Path

    return [(e.path, f"{Path(e.path).parent.name}/{Path(e.path).name}") for e in api.list_packs().usable]


class RoundForm(forms.Form):
    name = forms.CharField(label="Tên đợt", max_length=200)
    pack = forms.ChoiceField(label="Bộ tiêu chí", choices=())
    period_year = forms.IntegerField(label="Năm đánh giá", min_value=2000, max_value=2100)
    opens_at = forms.DateTimeField(label="Mở nhận hồ sơ", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    submission_deadline = forms.DateTimeField(label="Hạn nộp", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    verification_deadline = forms.DateTimeField(label="Hạn thẩm định",
                                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.fields["pack"].choices = _pack_choices()

    def clean(self):
        return _dates_in_order(super().clean())

    def create(self, user) -> Round:
        c = self.cleaned_data
        path, sha, pack_id = S.freeze_pack(c["pack"])
        province = Province.objects.order_by("id").first()
        if province is None:
            raise S.WorkflowError("chưa có tỉnh: hãy nhập đơn vị trước")
        with transaction.atomic():
            rnd = Round.objects.create(province=province, name=c["name"], pack_id=pack_id, pack_file=path,
                                       pack_sha256=sha, period_year=c["period_year"], opens_at=c["opens_at"],
                                       submission_deadline=c["submission_deadline"],
                                       verification_deadline=c["verification_deadline"])
            S.log(user, "round.create", round=rnd, after=sha, detail=f"{rnd.name}: bộ {pack_id} ({sha})")
        return rnd


class RoundDatesForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["opens_at", "submission_deadline", "verification_deadline"]
        widgets = {k: forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
                   for k in fields}

    def clean(self):
        return _dates_in_order(super().clean())

    def save_logged(self, user):
        with transaction.atomic():
            rnd = self.save()
            S.log(user, "round.extend", round=rnd, detail="; ".join(
                f"{f}: {getattr(rnd, f).isoformat()}" for f in self.Meta.fields))
        return rnd
