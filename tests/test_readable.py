"""How page text is shown in the chat: windows on line and sentence edges, markdown markup hidden,
the excerpt marked exactly (pure functions, checked by hand)."""

from assistant.web.readable import to_html, window

MARKDOWN = (
    "# Title\n\nFirst sentence here. Second **bold** one.\n- item one\n- item [link](http://x) two\n> quoted `code`\n"
)


def test_markdown_markup_is_hidden_and_the_excerpt_marked() -> None:
    start = MARKDOWN.index("Second")
    end = MARKDOWN.index(" one.") + len(" one.")
    assert MARKDOWN[start:end] == "Second **bold** one."
    shown = to_html(MARKDOWN, 0, len(MARKDOWN), (start, end), markdown=True)
    assert shown == (
        "Title\n\nFirst sentence here. <mark>Second bold one.</mark>\n• item one\n• item link two\nquoted code\n"
    )


def test_text_documents_are_shown_as_they_are_only_escaped() -> None:
    text = "a < b and **c**. Next."
    assert to_html(text, 0, len(text), (0, 16)) == "<mark>a &lt; b and **c**.</mark> Next."


def test_a_mark_edge_inside_markup_takes_the_whole_markup() -> None:
    """An excerpt that starts in the middle of '**' (it cannot, from the sentence splitter; a stale
    offset could) marks from the markup's start, and the tags stay balanced."""
    text = "Say **loud** words."
    shown = to_html(text, 0, len(text), (5, 11), markdown=True)
    assert shown == "Say <mark>loud</mark> words."


def test_the_window_starts_and_ends_on_a_sentence_never_mid_word() -> None:
    """'Alpha beta gamma. ' is 18 characters: 25 before 'Eta' (at 38) falls inside 'gamma', so the
    window starts at the next sentence, 'Delta' (18); it ends at the line's end."""
    text = "Alpha beta gamma. Delta epsilon zeta. Eta theta iota. Kappa lambda mu.\nNext line."
    start = text.index("Eta")
    end = start + len("Eta theta iota.")
    begin, finish = window(text, start, end, 25)
    assert (begin, text[begin:finish]) == (18, "Delta epsilon zeta. Eta theta iota. Kappa lambda mu.")


def test_the_window_prefers_the_line_start_to_the_sentence_after_a_bullet() -> None:
    text = "Intro line.\n- The bullet sentence. The excerpt sentence.\n"
    start = text.index("The excerpt")
    # 30 before the excerpt (35) is inside "Intro line.", which is cut off; the next line starts at 12,
    # before its first sentence (14, after the bullet)
    begin, finish = window(text, start, start + len("The excerpt sentence."), 30)
    assert text[begin:finish] == "- The bullet sentence. The excerpt sentence."


def test_a_window_wider_than_the_page_is_the_page_without_blank_edges() -> None:
    text = "\n\nOnly sentence.\n\n"
    assert window(text, 2, 16, 1200) == (2, 16)
