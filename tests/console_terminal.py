"""The console chat's stdin and stdout, driven from a test: lines are typed into a queue the console's reading thread
takes them from; what it prints is kept and awaited (no sleeps)."""

from __future__ import annotations

import asyncio
import queue
import re


class Terminal:
    def __init__(self) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.out: list[str] = []
        self.written = asyncio.Event()
        self.mark = 0  # output before this index was matched already

    def readline(self) -> str:
        return self.lines.get()

    def write(self, text: str) -> None:
        self.out.append(text)
        self.written.set()

    def flush(self) -> None:
        return None

    def type(self, line: str) -> None:
        self.lines.put(f"{line}\n")

    async def expect(self, needle: str, after: int | None = None, timeout: float = 30) -> int:
        """Wait until the console has printed ``needle`` (after index ``after``, default: after the last match);
        return the index after the piece that holds it."""
        start = self.mark if after is None else after

        async def seen() -> int:
            while True:
                for index in range(start, len(self.out)):
                    if needle in self.out[index]:
                        return index + 1
                self.written.clear()
                await self.written.wait()

        self.mark = await asyncio.wait_for(seen(), timeout)
        return self.mark

    async def find(self, pattern: str, timeout: float = 30) -> re.Match[str]:
        """Wait until a printed piece matches ``pattern`` (after the last match); return the match."""

        async def seen() -> tuple[int, re.Match[str]]:
            while True:
                for index in range(self.mark, len(self.out)):
                    found = re.search(pattern, self.out[index])
                    if found:
                        return index + 1, found
                self.written.clear()
                await self.written.wait()

        self.mark, found = await asyncio.wait_for(seen(), timeout)
        return found

    def since(self, index: int) -> str:
        return "".join(self.out[index:])
