"""Errors that reach a user.

Every problem a user can cause (a bad record, a bad rule file, a wrong option) is a `DvcqError`
subclass carrying where it happened and what to do, so the CLI can print it in Vietnamese and
exit 2 without a traceback. Anything else that escapes is our bug and exits 1.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional


@dataclass
class Problem:
    """One thing wrong with one input, addressed as precisely as we can."""

    message: str
    file: Optional[str] = None
    line: Optional[int] = None
    field: Optional[str] = None
    hint: Optional[str] = None
    code: Optional[str] = None

    def render(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where += f":{self.line}"
        parts = []
        if where:
            parts.append(where)
        if self.code:
            parts.append(f"[{self.code}]")
        if self.field:
            parts.append(f"trường '{self.field}'")
        head = " ".join(parts)
        text = f"{head}: {self.message}" if head else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


@dataclass
class DvcqError(Exception):
    """A user-correctable failure: exit code 2."""

    problems: list[Problem] = field(default_factory=list)
    exit_code: int = 2

    def __post_init__(self) -> None:
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(p.render() for p in self.problems)

    @classmethod
    def one(cls, message: str, **where) -> "DvcqError":
        return cls([Problem(message, **where)])


class EvidenceError(DvcqError):
    """The evidence record (hồ sơ minh chứng) is unreadable or invalid."""


class PackError(DvcqError):
    """A rule pack (bộ tiêu chí) is unreadable, invalid, or fails lint."""


class UsageError(DvcqError):
    """The command was asked for something that cannot be done with these inputs."""


@dataclass
class AuditMismatch(DvcqError):
    """A sealed result no longer matches its inputs (exit 4, as `dvcq audit` promises).

    A dataclass itself, so its default replaces the parent's in the generated constructor.
    """

    exit_code: int = 4


class EngineError(Exception):
    """The rules engine misbehaved (a swallowed action error, an unexpected code): exit 1.

    Never raised for bad user input: those are caught and described before the engine runs.
    """


def did_you_mean(word: str, candidates: Iterable[str]) -> Optional[str]:
    """The closest known identifier, phrased as a hint, or None when nothing is close."""
    import difflib  # only when a name is wrong

    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"có phải ý bạn là '{matches[0]}'?" if matches else None
