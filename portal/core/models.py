"""The portal's data: units, rounds (their pack frozen by sha256), dossiers, files, findings, events.

The Event table is the audit log: rows are only ever inserted, in the same transaction as the change
they record; `save` on an existing row and every delete raise, on the model and on its querysets."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from scoring.units import KINDS

ROLES = [("clerk", "Cán bộ xã"), ("leader", "Lãnh đạo xã"), ("verifier", "Thẩm định viên"),
         ("admin", "Quản trị tỉnh"), ("auditor", "Kiểm toán")]
UNIT_ROLES = {"clerk", "leader"}
STATES = [("draft", "Đang soạn"), ("submitted", "Đã nộp"), ("returned", "Trả lại"),
          ("resubmitted", "Nộp lại"), ("verified", "Đã thẩm định"), ("published", "Đã công bố")]
STATE_LABEL = dict(STATES)
# The portal holds the commune-level units of the official list (imported from `vietnam-provinces`);
# their labels are the scoring core's (units.KINDS), so the two never spell a kind differently.
UNIT_KINDS = [(k, KINDS[k]) for k in ("xa", "phuong", "thi_tran", "dac_khu")]


class Province(models.Model):
    name = models.CharField("tên", max_length=100)
    code = models.CharField("mã", max_length=10, unique=True)
    # PORTAL.md: the published ranking is readable by anonymous visitors "as the province decides"
    public_ranking = models.BooleanField("công khai bảng xếp hạng cho khách (không cần đăng nhập)", default=False)

    class Meta:
        verbose_name = "tỉnh"

    def __str__(self):
        return self.name


class Unit(models.Model):
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="units")
    name = models.CharField("tên", max_length=200)
    code = models.CharField("mã", max_length=20, unique=True)
    kind = models.CharField("loại", max_length=10, choices=UNIT_KINDS)
    district = models.CharField("huyện (cũ)", max_length=200, blank=True)
    source = models.CharField("nguồn", max_length=120, default="vietnam-provinces")

    class Meta:
        verbose_name = "đơn vị"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField("vai trò", max_length=10, choices=ROLES)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts")

    def __str__(self):
        return f"{self.user.username} ({self.get_role_display()})"


class Round(models.Model):
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField("tên đợt", max_length=200)
    pack_id = models.CharField("mã bộ tiêu chí", max_length=100)
    pack_file = models.CharField("tệp bộ tiêu chí (bản đóng băng)", max_length=500)
    pack_sha256 = models.CharField("sha256 bộ tiêu chí", max_length=64)
    period_year = models.PositiveIntegerField("năm đánh giá")
    opens_at = models.DateTimeField("mở")
    submission_deadline = models.DateTimeField("hạn nộp")
    verification_deadline = models.DateTimeField("hạn thẩm định")
    published_at = models.DateTimeField("công bố lúc", null=True, blank=True)
    ranking_json = models.TextField("kết quả xếp hạng (JSON)", blank=True)

    class Meta:
        verbose_name = "đợt đánh giá"
        ordering = ["-period_year", "-id"]

    def __str__(self):
        return self.name

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now <= self.submission_deadline and not self.published_at

    def after_deadline(self, now=None) -> bool:
        return (now or timezone.now()) > self.submission_deadline


class Dossier(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="dossiers")
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="dossiers")
    state = models.CharField("trạng thái", max_length=12, choices=STATES, default="draft")
    evidence = models.JSONField("hồ sơ minh chứng", default=dict)
    explanations = models.JSONField("giải trình", default=dict)
    return_reasons = models.JSONField("lý do trả lại", default=dict)
    version = models.PositiveIntegerField("lần nộp", default=0)
    seal = models.CharField("niêm phong", max_length=64, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    result_json = models.TextField("kết quả tự chấm đã niêm phong", blank=True)
    verified_json = models.TextField("kết quả thẩm định đã niêm phong", blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField("nộp muộn (theo quy định của bộ tiêu chí)", default=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking: every change bumps it; a form carries the one it was drawn from, and a save from
    # an older drawing is refused (two verifiers on one dossier: the second never overwrites silently).
    revision = models.PositiveIntegerField("phiên bản chỉnh sửa", default=0)

    class Meta:
        verbose_name = "hồ sơ"
        unique_together = [("unit", "round")]
        ordering = ["unit__name"]

    def __str__(self):
        return f"{self.unit} — {self.round}"

    def save(self, *args, **kwargs):
        self.revision += 1
        uf = kwargs.get("update_fields")
        if uf is not None and "revision" not in uf:
            kwargs["update_fields"] = list(uf) + ["revision"]
        super().save(*args, **kwargs)

    @property
    def editable(self) -> bool:
        if self.state == "returned":
            return not self.round.published_at
        return self.state == "draft" and self.round.is_open()

    @property
    def submittable(self) -> bool:
        """Whether the leader may try to submit: a late draft reaches the workflow, which applies the
        pack's late rule or refuses naming the deadline (a refusal by a bare 403 would explain nothing)."""
        if self.round.published_at or self.state not in ("draft", "returned"):
            return False
        return self.state == "returned" or self.round.opens_at <= timezone.now()

    @property
    def state_label(self) -> str:
        return STATE_LABEL[self.state]


class Attachment(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="attachments")
    target = models.CharField("số liệu / văn bản", max_length=120)
    filename = models.CharField("tên tệp", max_length=255)
    stored = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class Finding(models.Model):
    KINDS = [("fact", "số liệu"), ("document", "văn bản"), ("item", "nội dung")]
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="findings")
    kind = models.CharField("loại", max_length=10, choices=KINDS)
    ident = models.CharField("định danh", max_length=120)
    verified = models.JSONField("giá trị công nhận", null=True, blank=True)
    accepted = models.BooleanField("chấp nhận", null=True, blank=True)
    points = models.DecimalField("điểm", max_digits=8, decimal_places=2, null=True, blank=True)
    reason = models.TextField("lý do")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    @property
    def verified_text(self) -> str:
        """The verified value as the form writes it (14/16, 5, có/không), for editing."""
        v = self.verified or {}
        if "num" in v:
            return f"{v['num']}/{v['den']}"
        if isinstance(v.get("value"), bool):
            return "có" if v["value"] else "không"
        return "" if v.get("value") is None else str(v["value"])

    def to_review(self) -> dict:
        out: dict = {self.kind: self.ident}
        if self.verified is not None:
            out["verified"] = self.verified
        if self.accepted is not None:
            out["accepted"] = self.accepted
        if self.points is not None:
            out["points"] = self.points
        out["reason"] = self.reason
        return out


class AppendOnly(Exception):
    pass


class EventQuerySet(models.QuerySet):
    def update(self, **kw):
        raise AppendOnly("nhật ký chỉ được ghi thêm, không được sửa")

    def delete(self):
        raise AppendOnly("nhật ký chỉ được ghi thêm, không được xóa")


class Event(models.Model):
    at = models.DateTimeField("thời điểm", default=timezone.now)
    username = models.CharField("tài khoản", max_length=150, blank=True)
    role = models.CharField("vai trò", max_length=10, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT)
    dossier = models.ForeignKey(Dossier, null=True, blank=True, on_delete=models.PROTECT)
    round = models.ForeignKey(Round, null=True, blank=True, on_delete=models.PROTECT)
    action = models.CharField("hành động", max_length=40)
    hash_before = models.CharField(max_length=64, blank=True)
    hash_after = models.CharField(max_length=64, blank=True)
    detail = models.TextField("chi tiết", blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "sự kiện"
        ordering = ["-at", "-id"]

    @property
    def action_label(self) -> str:
        return ACTION_LABEL.get(self.action, self.action)

    @property
    def role_label(self) -> str:
        return ROLE_LABEL.get(self.role, self.role)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("nhật ký chỉ được ghi thêm, không được sửa")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("nhật ký chỉ được ghi thêm, không được xóa")


ACTION_LABEL = {"evidence.save": "lưu hồ sơ", "file.attach": "đính kèm tệp", "submit": "nộp", "resubmit": "nộp lại",
                "finding.add": "ghi kết luận", "return": "trả lại", "verify": "xác nhận thẩm định",
                "publish": "công bố", "round.create": "tạo đợt", "round.extend": "đổi thời hạn",
                "account.create": "tạo tài khoản", "login.failed": "đăng nhập sai", "download": "tải gói niêm phong",
                "token.create": "cấp mã API", "log.export": "xuất nhật ký",
                "finding.edit": "sửa kết luận", "finding.remove": "xóa kết luận",
                "account.password": "đổi mật khẩu", "account.reset": "đặt lại mật khẩu",
                "account.deactivate": "khóa tài khoản", "account.activate": "mở khóa tài khoản",
                "province.settings": "đổi thiết lập tỉnh"}
ROLE_LABEL = dict(ROLES)


class ApiToken(models.Model):
    """Read access for the province's other systems; only the sha256 of the key is kept."""
    name = models.CharField("tên hệ thống", max_length=100)
    key_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
