"""PDF page -> image with an excerpt highlighted. The only module importing pypdfium2.

pdfium's text layer differs from our cleaned text where cleaning joined lines, removed a line-end
hyphen or expanded a ligature, so the excerpt is searched for in windows of a few words and every
window found is marked: a sentence broken across lines is still highlighted line by line.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

SCALE = 1.6  # pixels per PDF point: an A4 page becomes about 950 px wide, readable beside the chat
WINDOW_WORDS = 5
HIGHLIGHT = (255, 213, 0, 110)  # translucent yellow
_PDFIUM = threading.Lock()  # pdfium is not thread-safe; the web server renders from several threads


def render_page(path: Path, page_number: int, excerpt: str = "") -> tuple[Any, int]:
    """The page (1-based physical number) as a PIL image with the excerpt's words marked, and the
    number of boxes marked (0 when the excerpt was not found on the page's text layer)."""
    return _render(str(path), path.stat().st_mtime_ns, page_number, excerpt)


@lru_cache(maxsize=64)
def _render(path: str, _mtime: int, page_number: int, excerpt: str) -> tuple[Any, int]:
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    with _PDFIUM:
        document = pdfium.PdfDocument(path)
        try:
            page = document[page_number - 1]
            height = page.get_height()
            image = page.render(scale=SCALE).to_pil().convert("RGBA")
            boxes = _find(page.get_textpage(), excerpt)
        finally:
            document.close()
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for left, bottom, right, top in boxes:
        draw.rectangle(
            (left * SCALE - 2, (height - top) * SCALE - 2, right * SCALE + 2, (height - bottom) * SCALE + 2),
            fill=HIGHLIGHT,
        )
    return Image.alpha_composite(image, overlay).convert("RGB"), len(boxes)


def _find(textpage: Any, excerpt: str) -> list[tuple[float, float, float, float]]:
    """Boxes of the excerpt's words, searched in order: windows of WINDOW_WORDS words, and a window
    that is not found (a hyphen or ligature inside it) again in pairs of words."""
    words = excerpt.split()
    boxes: list[tuple[float, float, float, float]] = []
    position = 0
    for i in range(0, len(words), WINDOW_WORDS):
        window = words[i : i + WINDOW_WORDS]
        found = _search(textpage, " ".join(window), position)
        parts = (
            [found]
            if found
            else [
                _search(textpage, " ".join(window[j : j + 2]), position)
                for j in range(0, len(window), 2)
                if len(window) > 1
            ]
        )
        for part in parts:
            if part:
                start, count = part
                boxes += [textpage.get_rect(r) for r in range(textpage.count_rects(start, count))]
                position = start + count
    return boxes


def _search(textpage: Any, text: str, position: int) -> tuple[int, int] | None:
    found = textpage.search(text, index=position, match_case=False).get_next()
    return (int(found[0]), int(found[1])) if found else None
