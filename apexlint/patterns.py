"""`lazy()`: a regular expression compiled the first time it is used, not when its module is imported.

A scan imports a hundred module-level patterns and compiles each one (`re` parses and compiles
in Python: 0.05 to 0.4 ms a pattern); most scans use a quarter of them. Those for what few
packages hold (a Tooling API write, an `executeAnonymous` call, a parse retried after an error)
are made with `lazy()` instead of `re.compile()`. The first use compiles the pattern and makes
the compiled pattern's methods the object's own attributes, so that from then on a call costs
what it costs on the compiled pattern: patterns used on every file stay `re.compile()`d.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from typing import AnyStr, Generic

# the methods of a compiled pattern the lazy one offers, installed on it by the first use
_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split")


class LazyPattern(Generic[AnyStr]):
    """`re.compile(pattern, flags)` on first use (see the module's docstring)."""

    def __init__(self, pattern: AnyStr, flags: int = 0) -> None:
        self.pattern: AnyStr = pattern
        self.flags = flags

    @property
    def compiled(self) -> re.Pattern[AnyStr]:
        """The compiled pattern; the first call installs its methods on this object."""
        compiled = re.compile(self.pattern, self.flags)  # `re` keeps it: a second call is a lookup
        for name in _METHODS:
            setattr(self, name, getattr(compiled, name))  # found before the class's methods below
        return compiled

    def search(self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[AnyStr] | None:
        return self.compiled.search(string, pos, endpos)

    def match(self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[AnyStr] | None:
        return self.compiled.match(string, pos, endpos)

    def fullmatch(self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[AnyStr] | None:
        return self.compiled.fullmatch(string, pos, endpos)

    def finditer(self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[AnyStr]]:
        return self.compiled.finditer(string, pos, endpos)

    def findall(self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize) -> list[AnyStr]:
        return self.compiled.findall(string, pos, endpos)

    def sub(self, repl: AnyStr | Callable[[re.Match[AnyStr]], AnyStr], string: AnyStr, count: int = 0) -> AnyStr:
        return self.compiled.sub(repl, string, count)

    def subn(self, repl: AnyStr | Callable[[re.Match[AnyStr]], AnyStr], string: AnyStr,
             count: int = 0) -> tuple[AnyStr, int]:
        return self.compiled.subn(repl, string, count)

    def split(self, string: AnyStr, maxsplit: int = 0) -> list[AnyStr | None]:
        return self.compiled.split(string, maxsplit)


def lazy(pattern: AnyStr, flags: int = 0) -> LazyPattern[AnyStr]:
    """A pattern to use as `re.compile(pattern, flags)` would be, compiled when first used."""
    return LazyPattern(pattern, flags)
