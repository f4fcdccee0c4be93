"""URL map (Vietnamese paths). tests/portal/test_access.py walks every pattern here × every role."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from .core import accounts, api_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", auth_views.LoginView.as_view(template_name="portal/login.html"), name="login"),
    path("tai-khoan/mat-khau/", accounts.PasswordChange.as_view(), name="password_change"),
    path("tai-khoan/mat-khau/xong/", accounts.PasswordChangeDone.as_view(), name="password_change_done"),
    path("quan-tri/tai-khoan/", accounts.manage, name="accounts"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("ho-so/", views.dossiers, name="dossiers"),
    path("ho-so/<int:pk>/", views.dossier, name="dossier"),
    path("ho-so/<int:pk>/tep/", views.attach, name="attach"),
    path("ho-so/<int:pk>/tep/<int:att>/", views.attachment, name="attachment"),
    path("ho-so/<int:pk>/excel/", views.xlsx_download, name="xlsx"),
    path("ho-so/<int:pk>/excel/tai-len/", views.xlsx_upload, name="xlsx_upload"),
    path("ho-so/<int:pk>/nop/", views.submit, name="submit"),
    path("ho-so/<int:pk>/bien-nhan/", views.receipt, name="receipt"),
    path("ho-so/<int:pk>/tham-dinh/", views.review, name="review"),
    path("ho-so/<int:pk>/ket-luan/<int:fid>/", views.finding, name="finding"),
    path("ho-so/<int:pk>/tra-lai/", views.return_view, name="return"),
    path("ho-so/<int:pk>/xac-nhan/", views.verify_view, name="verify"),
    path("ho-so/<int:pk>/niem-phong.zip", views.download_zip, name="zip"),
    path("ho-so/<int:pk>/bang-diem.<str:fmt>", views.table, name="table"),
    path("nhat-ky/", views.events, name="events"),
    path("nhat-ky.json", views.events_export, name="events_export"),
    path("quan-tri/dot/", views.rounds, name="rounds"),
    path("quan-tri/dot/<int:rid>/", views.round_edit, name="round_edit"),
    path("quan-tri/don-vi/", views.units, name="units"),
    path("dot/<int:rid>/xep-hang/", views.ranking, name="ranking"),
    path("dot/<int:rid>/xep-hang.<str:fmt>", views.ranking_file, name="ranking_file"),
    path("api/v1/score", api_views.score, name="api_score"),
    path("api/v1/rounds/<int:rid>/results", api_views.results, name="api_results"),
    path("django-admin/", admin.site.urls),
]
