"""The README and docs/: a newcomer's README (short, its module map the tree's), and links that resolve."""

import re
from pathlib import Path

from .conftest import ROOT

PAGES = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    ROOT / "index" / "README.md",
    ROOT / "prompts" / "README.md",
]
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.MULTILINE)
_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation out, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    return {_anchor(h) for h in _HEADING.findall(_FENCE.sub("", page.read_text(encoding="utf-8")))}


def test_every_relative_link_resolves() -> None:
    """Each link to a file of the repository names one that exists, and its #anchor a heading there."""
    broken = []
    for page in PAGES:
        for target in _LINK.findall(_FENCE.sub("", page.read_text(encoding="utf-8"))):
            if re.match(r"[a-z]+:", target):  # https:, mailto: — not the repository's
                continue
            path, _, anchor = target.partition("#")
            resolved = (page.parent / path).resolve() if path else page
            if not resolved.exists() or (anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved)):
                broken.append(f"{page.relative_to(ROOT)}: {target}")
    assert not broken


def test_the_readme_is_short_and_links_every_docs_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 300
    linked = set(_LINK.findall(readme))
    assert {f"docs/{page.name}" for page in (ROOT / "docs").glob("*.md")} <= linked


def test_the_module_map_lists_every_module_and_only_modules_that_exist() -> None:
    """Each row of the README's module map names modules by path (`assistant/web/chat.py`), or after
    one such path in the same row by file name alone (`page_table.py`, in that folder)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Module map", 1)[1].split("\n## ", 1)[0]
    listed = set()
    for row in (line for line in section.splitlines() if line.startswith("| `")):
        folder = ""
        for name in re.findall(r"`([\w/]+\.py)`", row.split(" | ")[0]):
            if "/" in name:
                folder = name.rsplit("/", 1)[0]
                listed.add(name)
            else:
                listed.add(f"{folder}/{name}")
    modules = {
        path.relative_to(ROOT).as_posix() for path in (ROOT / "assistant").rglob("*.py") if path.name != "__init__.py"
    }
    assert sorted(listed - modules) == [] and sorted(modules - listed) == []
