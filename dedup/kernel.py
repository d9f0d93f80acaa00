"""The compiled kernel (``dedup/_kernels.c``), when it was built and is the one this source expects.

An installation whose source moved on without the kernel being rebuilt (a ``git pull`` in an editable
install, without ``pip install -e .`` again) holds a kernel that lacks this release's functions: it is
set aside with a warning, and every step runs its numpy path — the same results, slower — rather than
stopping on a missing function.
"""

from __future__ import annotations

import warnings
from types import ModuleType

#: The kernel's ``VERSION`` this source expects: raised with every change of ``_kernels.c``'s functions.
VERSION = 20


def checked(module: ModuleType | None) -> tuple[ModuleType | None, str]:
    """``module`` (the imported ``_kernels``, or None when it was not built) when its ``VERSION`` is
    :data:`VERSION`, and what is wrong otherwise: ``""``, ``"not built"`` or ``"out of date"``."""
    if module is None:
        return None, "not built"
    if getattr(module, "VERSION", None) != VERSION:
        return None, "out of date"
    return module, ""


def described() -> str:
    """The kernel's state in a few words, as ``dedup --version`` says it."""
    if not problem:
        return "compiled kernel"
    if problem == "out of date":
        return "compiled kernel out of date: numpy reference path, slower; reinstall to rebuild it"
    return "no compiled kernel: numpy reference path, slower"


def not_used() -> str:
    """Why the kernel is not used, and what to do, as the command says it."""
    if problem == "out of date":
        return (
            "the compiled kernel is out of date (dedup/_kernels.c changed since it was built): the results are "
            "the same, about twice as slow; reinstall dedup (`pip install -e .` in a checkout) to rebuild it"
        )
    return (
        "the compiled kernel was not built when dedup was installed (no C compiler): the results are the same, "
        "about twice as slow; install gcc and reinstall dedup to build it"
    )


def _load() -> tuple[ModuleType | None, str]:
    try:
        from . import _kernels
    except ImportError:  # built without a C compiler
        return checked(None)
    loaded, why = checked(_kernels)
    if why:
        warnings.warn(
            "dedup's compiled kernel was built from another version of dedup/_kernels.c: it is not used (the "
            "results are the same, slower); reinstall dedup (`pip install -e .` in a checkout) to rebuild it",
            RuntimeWarning,
            stacklevel=3,
        )
    return loaded, why


kernels, problem = _load()
