"""Accounts: a user changes their own password with Django's own views (its validators, its session
handling); the province admin resets a password (a fresh one, shown once) and deactivates or reactivates
an account. Every change is an event; login failures are logged by the signal in apps.py."""
from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from . import services as S


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "portal/password_change.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        with transaction.atomic():
            resp = super().form_valid(form)
            S.log(self.request.user, "account.password", detail="tự đổi mật khẩu")
        return resp


class PasswordChangeDone(auth_views.PasswordChangeDoneView):
    template_name = "portal/password_change_done.html"


@login_required
def manage(request):
    if not request.user.has_perm("portal.manage"):
        raise PermissionDenied
    User = get_user_model()
    shown = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            target = User.objects.get(pk=int(request.POST.get("user") or 0))
        except (User.DoesNotExist, ValueError):
            messages.error(request, "Không có tài khoản này.")
            return redirect("accounts")
        if target.pk == request.user.pk and action != "reset":
            messages.error(request, "Không tự khóa tài khoản của chính mình.")
            return redirect("accounts")
        with transaction.atomic():
            if action == "reset":
                shown = (target.username, secrets.token_urlsafe(9))
                target.set_password(shown[1])
                target.save(update_fields=["password"])
                S.log(request.user, "account.reset", detail=f"đặt lại mật khẩu cho {target.username}")
            elif action in ("deactivate", "activate"):
                target.is_active = action == "activate"
                target.save(update_fields=["is_active"])
                S.log(request.user, f"account.{action}", detail=target.username)
                messages.success(request, f"Đã {'mở khóa' if target.is_active else 'khóa'} tài khoản {target.username}.")
                return redirect("accounts")
            else:
                messages.error(request, "Thao tác không hợp lệ.")
                return redirect("accounts")
    users = User.objects.select_related("profile__unit").order_by("username")
    return render(request, "portal/accounts.html", {"users": users, "shown": shown})
