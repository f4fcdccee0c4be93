"""The `dvcq` program's entry point: process-wide settings that belong to the program, not the library.

`scoring.cli.main` is the click group (tests call it through CliRunner, `python -m scoring.cli`
runs it); this wrapper is what the `dvcq` console script runs, and it only sets up the process
before handing over to it. Nothing here changes what a command computes or prints.

* `PYDANTIC_DISABLE_PLUGINS=__all__` — pydantic's documented switch (pydantic/plugin/_loader.py):
  without it, building the first validator scans every installed distribution's entry points for
  pydantic plugins and loads them into dvcq. dvcq uses none, and a plugin installed beside it (an
  observability hook, say) would see and could alter the validation of every record and pack. It
  is set for this process only: a program importing `scoring` as a library (the portal under
  another server, a test) keeps its own setting, and dvcq starts no other programs (its batch
  workers are dvcq).
* With plugins off, pydantic's answer to "which plugins?" is always none (`get_plugins()` returns
  `()` for `__all__`), but the module that gives it (`pydantic.plugin._loader`) imports
  `importlib.metadata` at its top to be able to scan entry points — and with it `email`,
  `zipfile`, `csv`, `socket`, `calendar`… a sixth of what `dvcq score` costs at start-up, for an
  answer known in advance. This process registers that answer as the module first, so pydantic
  never imports the scanner. Only when pydantic has not loaded its own yet, and only in the
  program: a library user keeps pydantic as it is. tests/test_program.py checks that pydantic's
  own loader gives the same answer under the same setting, so a pydantic that changed its loader
  is noticed there, not in a user's results.
* Garbage collection is paused while the modules, their pydantic models and the click commands
  are created (tens of thousands of objects that live as long as the process, scanned again by
  every collection that start-up triggers), then those objects are frozen out of later
  collections (`gc.freeze`, as the gc documentation suggests for long-lived start-up state) and
  collection resumes for the command itself — so `dvcq batch` and `dvcq serve` collect as before,
  only with the youngest generation collected every 20,000 allocations instead of CPython's 700:
  a short command then finishes before its first collection (the command's own objects are mostly
  acyclic and freed by reference counting), and a long one still collects, in fewer passes.
  At exit the objects are frozen again, so the interpreter's final collection does not walk the
  whole heap just before the process ends and the OS frees it anyway.

Measured in bench/README.md ("Start-up budget").
"""
from __future__ import annotations

import gc
import os
import sys
import types

LOADER = "pydantic.plugin._loader"
GEN0 = 20_000  # allocations between two youngest-generation collections (CPython's default: 700)


def plugins_off() -> None:
    """Plugins off for this process, and pydantic's answer about them given without its scanner."""
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
    if LOADER not in sys.modules:
        loader = types.ModuleType(LOADER, "dvcq: pydantic plugins are off in this process (scoring/program.py)")
        loader.get_plugins = lambda: ()
        sys.modules[LOADER] = loader


def main() -> None:
    plugins_off()
    gc.disable()
    try:
        from .cli import main as cli
    finally:
        gc.freeze()
        gc.set_threshold(GEN0)
        gc.enable()
    try:
        cli()
    finally:
        gc.freeze()


if __name__ == "__main__":
    main()
