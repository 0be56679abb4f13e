"""Files at the console: what the bot sends is written to disk (and shown by an image viewer when the terminal has
one); what a person sends with ``:photo PATH`` or ``:file PATH`` is read from disk."""

from __future__ import annotations

import base64
import mimetypes
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .server import FakeBotAPI

# a real 1×1 PNG: what ``:photo`` with no path sends
SAMPLE_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
MAGIC = ((b"\x89PNG\r\n\x1a\n", ".png"), (b"\xff\xd8\xff", ".jpg"), (b"GIF8", ".gif"), (b"RIFF", ".webp"))
TERMINAL_VIEWERS = (("chafa",), ("viu",), ("timg",), ("catimg",))  # draw the image in the terminal itself


def _safe(name: str) -> str:
    """A file name from the bot, harmless on any disk: no directories, no control or reserved characters."""
    name = re.sub(r'[\x00-\x1f<>:"/\\|?*]', "_", Path(name).name).strip(" .")
    return name[:120] or "file"


def save_received(api: FakeBotAPI, message: dict[str, Any], folder: Path, stem: str) -> Path | None:
    """Write the photo or document of a bot ``message`` into ``folder`` as ``<stem>-<its name>``; its path, or None
    when the message carries neither (or the fake Telegram no longer has the file)."""
    if "photo" in message:
        ref = message["photo"][-1]
    elif "document" in message:
        ref = message["document"]
    else:
        return None
    stored = api.world.files.get(ref["file_id"])
    if stored is None:
        return None
    if "document" in message:
        name = _safe(ref.get("file_name") or "document")
    else:
        name = "photo" + next((ext for magic, ext in MAGIC if stored.content.startswith(magic)), ".jpg")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}-{name}"
    path.write_bytes(stored.content)
    return path


def shown_path(path: Path) -> str:
    """``path`` as short as it can be said: relative to the working directory when it lies under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_upload(path_text: str) -> tuple[str, bytes, str] | None:
    """(file name, content, MIME type) of a file to send, or None when ``path_text`` names no readable file."""
    path = Path(path_text).expanduser()
    try:
        content = path.read_bytes()
    except OSError:
        return None
    return path.name, content, mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def image_viewer(interactive: bool) -> Callable[[Path], None] | None:
    """How to show a saved image: a viewer that draws in the terminal (chafa, viu, timg, catimg), else the desktop's
    (open on macOS, xdg-open with a display); None when the terminal is not interactive or there is none."""
    if not interactive:
        return None
    for command in TERMINAL_VIEWERS:
        if shutil.which(command[0]):
            return lambda path: _quietly([*command, str(path)], wait=True)
    if sys.platform == "darwin" and shutil.which("open"):
        return lambda path: _quietly(["open", str(path)])
    if shutil.which("xdg-open") and (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return lambda path: _quietly(["xdg-open", str(path)])
    return None


def _quietly(command: list[str], wait: bool = False) -> None:
    try:
        if wait:  # a terminal viewer draws on our own output, before the next line
            subprocess.run(command, check=False, timeout=10, stderr=subprocess.DEVNULL)
        else:
            subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except (OSError, subprocess.SubprocessError):
        pass
