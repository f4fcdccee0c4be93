"""Portal fixtures: a fresh data folder per test, the demo data (4 samples + 3 generated units), and
a signed-in client per demo account."""
from __future__ import annotations

from datetime import timedelta

import pytest

pytest.importorskip("django")

PASSWORD = "dvcq-demo"
ROLES = ["canbo.phovan", "lanhdao.phovan", "canbo.nguyennghiem", "thamdinh", "quantri", "kiemtoan"]


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    # PBKDF2's deliberate slowness (~0.3 s a password) would dominate the suite; tests need no strength
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # login throttling is tested on its own (test_security.py); Client.login passes no request to axes
    settings.AXES_ENABLED = False
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


@pytest.fixture
def demo(db):
    from portal.core.demo import load_demo
    from portal.core.models import Dossier, Round

    load_demo(n_generated=3)
    rnd = Round.objects.get()
    return {"round": rnd, "phovan": Dossier.objects.get(unit__code="mau-phovan"),
            "nguyennghiem": Dossier.objects.get(unit__code="mau-nguyennghiem")}


@pytest.fixture
def login(client):
    from django.test import Client

    def make(username):
        c = Client()
        assert c.login(username=username, password=PASSWORD), username
        return c
    return make


def close_submissions(rnd):
    """As the admin would by editing the round's dates: the submission deadline has passed."""
    from django.utils import timezone

    rnd.refresh_from_db()
    rnd.submission_deadline = timezone.now() - timedelta(minutes=1)
    rnd.opens_at = timezone.now() - timedelta(days=30)
    rnd.save()
