"""click's own messages (usage, help headings, usage errors) in Vietnamese, through click's gettext.

click marks every message it prints with the stdlib's module-level `gettext.gettext`/`ngettext`
(`from gettext import gettext as _`): no translator object to hand it, no per-command hook. Those
look the message up in the *current* text domain, in the catalog of the first language named by
$LANGUAGE, $LC_ALL, $LC_MESSAGES or $LANG. So `vietnamese()` does what click's design expects of an
application, for as long as one dvcq command runs:

- binds the text domain "click" to our compiled catalog (scoring/locale/vi/LC_MESSAGES/click.mo,
  Babel-compiled from click.po next to it) and makes it the current domain;
- sets $LANGUAGE to "vi": dvcq speaks Vietnamese whatever the machine's locale (a Windows PC or a
  container has no Vietnamese locale at all; unset variables would mean English).

Everything is put back on exit, so a program that imports dvcq (or the test suite) keeps its own
domain and language. While a command runs, another library calling the bare `gettext.gettext` is
looked up in a catalog that holds only click's messages, so it is shown as it is (its own
`gettext.translation(...)` domains are not touched). Patching click's module globals instead would
reach into click's internals and stay patched for every click program in the process.

The .mo ships as package data (pyproject.toml), so a wheel install needs no compile step.
"""
from __future__ import annotations

import gettext
import os
from contextlib import contextmanager
from pathlib import Path

DOMAIN = "click"
LANGUAGE = "vi"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
CATALOG = LOCALE_DIR / LANGUAGE / "LC_MESSAGES" / f"{DOMAIN}.po"


@contextmanager
def vietnamese():
    """Within the block, click's `_()`/`ngettext()` answer from our Vietnamese catalog."""
    saved_dir = gettext.bindtextdomain(DOMAIN)
    saved_domain = gettext.textdomain()
    saved_language = os.environ.get("LANGUAGE")
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = LANGUAGE
    try:
        yield
    finally:
        if saved_language is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = saved_language
        gettext.textdomain(saved_domain)
        gettext.bindtextdomain(DOMAIN, saved_dir)
