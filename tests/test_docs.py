"""The documents stay true to the repository: a README a newcomer reads in five minutes, links that lead somewhere,
an architecture note that names every top-level folder, and the console's demo cast as services/demo_people.py has
it. Pure file checks: no database, no bot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from services.demo_people import DEMO_PEOPLE

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
ARCHITECTURE = DOCS / "architecture.md"
MAX_README_LINES = 200

# Top-level folders that are not part of the house: build output and caches (hidden folders, .venv among them, are
# left out as well).
NOT_THE_HOUSE = {"__pycache__", "build", "dist", "htmlcov", "node_modules"}

FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
CODE_SPAN = re.compile(r"(`+).+?\1", re.S)
INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$", re.M)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def documents() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def prose(text: str) -> str:
    """The text without code blocks and code spans, where brackets are code, not links."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def links(path: Path) -> list[str]:
    text = prose(path.read_text(encoding="utf-8"))
    return INLINE_LINK.findall(text) + REFERENCE_LINK.findall(text)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped (CJK kept), spaces to hyphens."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    found = set()
    for heading in HEADING.findall(FENCE.sub("", path.read_text(encoding="utf-8"))):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def top_level() -> list[str]:
    """The repository's top-level folders and Python modules as they are now, as the note must name them."""
    names = []
    for entry in sorted(ROOT.iterdir()):
        if entry.name.startswith(".") or entry.name in NOT_THE_HOUSE or entry.name.endswith((".egg-info", "cache")):
            continue
        if entry.is_dir():
            names.append(entry.name + "/")
        elif entry.suffix == ".py":
            names.append(entry.name)
    return names


def test_readme_is_read_in_five_minutes():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAX_README_LINES, f"README.md has {len(lines)} lines; move detail into docs/"


@pytest.mark.parametrize("path", documents(), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_resolves(path: Path):
    broken = []
    for target in links(path):
        if SCHEME.match(target) or target.startswith("//"):
            continue  # a web address: not ours to check offline
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        if not resolved.exists():
            broken.append(f"{target}: no {resolved.relative_to(ROOT) if resolved.is_relative_to(ROOT) else resolved}")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(f"{target}: no heading #{anchor} in {resolved.relative_to(ROOT)}")
    assert not broken, f"{path.relative_to(ROOT)}: broken links:\n" + "\n".join(broken)


def test_architecture_note_names_every_top_level_folder():
    assert ARCHITECTURE.exists(), "docs/architecture.md is missing"
    note = ARCHITECTURE.read_text(encoding="utf-8")
    names = top_level()
    assert "services/" in names and "bot.py" in names  # the listing itself works
    missing = [name for name in names if not re.search(r"(?<![\w/.])" + re.escape(name), note)]
    assert not missing, f"docs/architecture.md does not name: {', '.join(missing)}"


def test_every_document_is_reachable_from_the_readme():
    reached = {README.resolve()}
    frontier = [README.resolve()]
    while frontier:
        page = frontier.pop()
        for target in links(page):
            file_part = target.partition("#")[0]
            if SCHEME.match(target) or not file_part.endswith(".md"):
                continue
            linked = (page.parent / file_part).resolve()
            if linked.exists() and linked not in reached:
                reached.add(linked)
                frontier.append(linked)
    orphans = [str(path.relative_to(ROOT)) for path in DOCS.glob("*.md") if path.resolve() not in reached]
    assert not orphans, f"no link leads to: {', '.join(sorted(orphans))}"


def test_readme_names_the_demo_cast_as_the_console_has_it():
    readme = README.read_text(encoding="utf-8")
    missing = [
        f"{person.name} ({person.telegram_id}"
        for person in DEMO_PEOPLE
        if f"{person.name} ({person.telegram_id}" not in readme
    ]
    assert not missing, f"README.md does not name the demo cast member(s): {', '.join(missing)}"


# Paths the architecture note names ahead of the code: issue 21 (the forms part) makes these sub-packages. Drop a
# path from here once it exists.
PLANNED = {"conversations/report/", "conversations/events/"}


def test_every_repository_path_the_documents_name_exists():
    """`services/outbox.py`, `db/models/`, `nlp/data/SOURCE.md` …: a module that moves takes its mentions along."""
    folders = [name.rstrip("/") for name in top_level() if name.endswith("/") and name != "data/"]
    mention = re.compile(r"(?<![\w/.-])((?:" + "|".join(map(re.escape, folders)) + r")/[\w./-]*)")
    stale = []
    for path in documents():
        for found in mention.findall(path.read_text(encoding="utf-8")):
            named = found.rstrip(".")
            if named not in PLANNED and not (ROOT / named).exists():
                stale.append(f"{path.relative_to(ROOT)}: {named}")
    assert not stale, "the documents name paths that do not exist:\n" + "\n".join(sorted(set(stale)))
