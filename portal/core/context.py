"""Template context: the signed-in account's role and unit, for menus."""


def portal(request):
    prof = getattr(getattr(request, "user", None), "profile", None) if request.user.is_authenticated else None
    return {"role": prof.role if prof else None, "my_unit": prof.unit if prof else None,
            "role_label": prof.get_role_display() if prof else ""}
