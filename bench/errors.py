"""The one exception type that reaches the user as a single line, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One defect in an input file: where it is and what is wrong.

    ``where`` is a JSON path (``$.entities[3].text``) for gold files, or
    ``line N: entities[3].start`` style for JSONL inputs; ``str()`` gives the line
    the CLI prints.
    """

    file: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.message}"


class UserError(Exception):
    """Bad input or a bad request. The CLI prints ``lines`` and exits with ``exit_code``."""

    def __init__(self, *lines: str, exit_code: int = 2) -> None:
        super().__init__(lines[0] if lines else "error")
        self.lines = lines
        self.exit_code = exit_code


class InvalidInput(UserError):
    """An input file failed validation; carries every problem found."""

    def __init__(self, problems: list[Problem], exit_code: int = 2) -> None:
        super().__init__(*(str(p) for p in problems), exit_code=exit_code)
        self.problems = problems
