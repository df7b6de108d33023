"""Facts about the pages of a laid-out proposal, read from WeasyPrint's boxes.

`page_facts(document)` walks `document.pages[i]._page_box` and reports for each page how
full it is, what its last line belongs to, which table rows it holds and whether any
text crosses the margin. The layout tests assert on these facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from weasyprint.formatting_structure import boxes

HEADINGS = {"h1", "h2", "h3", "thead"}
LABEL_CLASSES = {"option-label"}


@dataclass
class PageFacts:
    number: int
    fill: float  # share of the page's content height used, 0..1
    last_line: str  # the text of the page's last line
    last_in: tuple[str, ...]  # tags and .classes of the last line's ancestors
    rows: list = field(default_factory=list)  # body table rows' elements on the page
    overflow: list = field(default_factory=list)  # texts that cross the margin
    text: str = ""  # all the page's text, joined by spaces

    @property
    def ends_with_heading(self) -> bool:
        return any(
            part in HEADINGS or part.lstrip(".") in LABEL_CLASSES
            for part in self.last_in
        )


def _names(box) -> tuple[str, ...]:
    element = getattr(box, "element", None)
    tag = getattr(box, "element_tag", "") or ""
    classes = ()
    if element is not None and hasattr(element, "get"):
        classes = tuple("." + c for c in (element.get("class") or "").split())
    return (tag, *classes)


def _walk(box, path, out, in_body_row):
    names = path + _names(box)
    if isinstance(box, boxes.MarginBox) or ".visually-hidden" in names:
        return
    if isinstance(box, boxes.TableRowGroupBox) and box.element_tag == "thead":
        in_body_row = False
    elif isinstance(box, boxes.TableRowBox) and "thead" not in names:
        out["rows"].append(box.element)
    if isinstance(box, boxes.LineBox | boxes.ReplacedBox) and not any(
        n.endswith("::marker") for n in names
    ):
        out["lines"].append((box, names))
    if isinstance(box, boxes.TextBox):
        out["texts"].append(box)
    for child in getattr(box, "children", ()):
        _walk(child, names, out, in_body_row)


def _text(line) -> str:
    if isinstance(line, boxes.TextBox):
        return line.text
    return "".join(_text(c) for c in getattr(line, "children", ()))


def page_facts(document) -> list[PageFacts]:
    facts = []
    for number, page in enumerate(document.pages, 1):
        page_box = page._page_box
        top = page_box.content_box_y()
        left = page_box.content_box_x()
        height, right = page_box.height, left + page_box.width
        out = {"rows": [], "lines": [], "texts": []}
        _walk(page_box, (), out, True)
        lines = [
            (b, n)
            for b, n in out["lines"]
            if _text(b).strip() or not isinstance(b, boxes.LineBox)
        ]
        last, names = max(
            lines, key=lambda bn: bn[0].position_y + bn[0].margin_height()
        )
        bottom = last.position_y + last.margin_height()
        overflow = [
            t.text
            for t in out["texts"]
            if t.text.strip() and t.position_x + t.width > right + 0.5
        ]
        facts.append(
            PageFacts(
                number=number,
                fill=(bottom - top) / height,
                last_line=_text(last).strip(),
                last_in=names,
                rows=out["rows"],
                overflow=overflow,
                text=" ".join(t.text for t in out["texts"]),
            )
        )
    return facts


def page_report(document) -> list[str]:
    return [
        f"p{f.number} fill={f.fill:.2f} heading_last={f.ends_with_heading} "
        f"rows={len(f.rows)} overflow={f.overflow[:2]} last={f.last_line[:50]!r} "
        f"in={[n for n in f.last_in if n][-4:]}"
        for f in page_facts(document)
    ]
