"""Validation of query parameters: every problem is collected, then reported at once as a 400."""
from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Mapping

from web.errors import ApiError

MAX_IRI_CHARS = 2048
MAX_NAME_CHARS = 500
_IRI_RE = re.compile(r"^https?://[^\s<>\"{}|\\^`\x00-\x1f\x7f]+$")
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def is_valid_iri(value: str) -> bool:
    """An absolute http(s) IRI without characters that cannot appear in one (spaces, quotes, angle brackets)."""
    return len(value) <= MAX_IRI_CHARS and bool(_IRI_RE.match(value))


class Params:
    """Reads typed values from request args; call :meth:`check` once all are read."""

    def __init__(self, args: Mapping[str, str]):
        self.args = args
        self.errors: list[dict[str, str]] = []

    def _fail(self, name: str, message: str) -> None:
        self.errors.append({"param": name, "message": message})

    def text(self, name: str, *, max_chars: int = MAX_NAME_CHARS, required: bool = False) -> str | None:
        """A free-text value, stripped; empty means absent."""
        value = (self.args.get(name) or "").strip()
        if not value:
            if required:
                self._fail(name, f"`{name}` is required")
            return None
        if len(value) > max_chars:
            self._fail(name, f"`{name}` is too long ({len(value)} characters; at most {max_chars})")
            return None
        if "\x00" in value:
            self._fail(name, f"`{name}` contains a NUL character")
            return None
        return value

    def choice(self, name: str, choices: tuple[str, ...], default: str | None = None) -> str | None:
        value = (self.args.get(name) or "").strip()
        if not value:
            return default
        if value not in choices:
            self._fail(name, f"`{name}` must be one of: {', '.join(choices)}")
            return default
        return value

    def integer(self, name: str, *, default: int, minimum: int, maximum: int) -> int:
        value = (self.args.get(name) or "").strip()
        if not value:
            return default
        if not re.fullmatch(r"[+-]?\d{1,12}", value):
            self._fail(name, f"`{name}` must be a whole number")
            return default
        number = int(value)
        if number < minimum or number > maximum:
            self._fail(name, f"`{name}` must be between {minimum} and {maximum}")
            return default
        return number

    def date(self, name: str, *, end: bool = False) -> str | None:
        """An ISO date (YYYY, YYYY-MM or YYYY-MM-DD), returned as a day: the first day, or the last when ``end``."""
        value = (self.args.get(name) or "").strip()
        if not value:
            return None
        match = _DATE_RE.match(value)
        if not match:
            self._fail(name, f"`{name}` must be an ISO date: YYYY-MM-DD, YYYY-MM or YYYY")
            return None
        year, month, day = int(match[1]), int(match[2] or 0), int(match[3] or 0)
        try:
            if match[3]:
                return date(year, month, day).isoformat()
            if match[2]:
                last = calendar.monthrange(year, month)[1]  # raises for month 13
                return date(year, month, last if end else 1).isoformat()
            return date(year, 12 if end else 1, 31 if end else 1).isoformat()
        except (ValueError, calendar.IllegalMonthError):
            self._fail(name, f"`{name}` is not a real date")
            return None

    def iri(self, name: str, *, required: bool = False) -> str | None:
        value = (self.args.get(name) or "").strip()
        if not value:
            if required:
                self._fail(name, f"`{name}` is required (an entity IRI)")
            return None
        if not is_valid_iri(value):
            self._fail(name, f"`{name}` must be an absolute http(s) IRI of at most {MAX_IRI_CHARS} characters")
            return None
        return value

    def check(self) -> None:
        """Raise one 400 listing every invalid parameter."""
        if self.errors:
            raise ApiError(400, "Invalid parameters: " + "; ".join(e["message"] for e in self.errors), self.errors)

    def check_range(self, start: str | None, end: str | None, names: tuple[str, str] = ("from", "to")) -> None:
        if start and end and start > end:
            self._fail(names[1], f"`{names[1]}` is before `{names[0]}`")
