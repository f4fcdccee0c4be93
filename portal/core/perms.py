"""Who may do what to which object (PORTAL.md's access matrix), as `rules` predicates.

Views ask `user.has_perm("portal.<action>", obj)`; a refusal on another unit's object is a 404, so a
refusal never says whether the object exists."""
from __future__ import annotations

import rules


def _role(user):
    prof = getattr(user, "profile", None) if user.is_authenticated else None
    return prof.role if prof else None


@rules.predicate
def is_clerk(user):
    return _role(user) == "clerk"


@rules.predicate
def is_leader(user):
    return _role(user) == "leader"


@rules.predicate
def is_verifier(user):
    return _role(user) == "verifier"


@rules.predicate
def is_admin(user):
    return _role(user) == "admin"


@rules.predicate
def is_auditor(user):
    return _role(user) == "auditor"


@rules.predicate
def own_unit(user, dossier):
    prof = getattr(user, "profile", None)
    return dossier is not None and prof is not None and prof.unit_id is not None and prof.unit_id == dossier.unit_id


@rules.predicate
def editable(user, dossier):
    return dossier is not None and dossier.editable


@rules.predicate
def submittable(user, dossier):
    return dossier is not None and dossier.submittable


@rules.predicate
def after_deadline(user, dossier):
    return dossier is not None and dossier.round.after_deadline()


@rules.predicate
def under_review(user, dossier):
    return dossier is not None and dossier.state in ("submitted", "resubmitted")


is_commune = is_clerk | is_leader
is_province = is_verifier | is_admin | is_auditor

rules.add_perm("portal.view_dossier", (is_commune & own_unit) | is_province)
rules.add_perm("portal.edit_dossier", is_commune & own_unit & editable)
rules.add_perm("portal.submit_dossier", is_leader & own_unit & submittable)
rules.add_perm("portal.review_dossier", is_verifier & after_deadline & under_review)
rules.add_perm("portal.list_all", is_province)
rules.add_perm("portal.manage", is_admin)
rules.add_perm("portal.view_log", is_commune | is_province)
