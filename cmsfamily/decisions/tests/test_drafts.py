import pytest
from django.core.exceptions import ValidationError

from cmsfamily.decisions import drafts
from cmsfamily.decisions.tests.drafts_data import note_docx, note_markdown, with_macros


def test_docx_keeps_headings_paragraphs_and_lists():
    blocks = drafts.read_docx(note_docx(), name="note.docx")
    kinds = [block.kind for block in blocks]
    assert kinds[:2] == ["heading", "heading"]
    assert kinds.count("list_item") == 4
    numbered = drafts.number_blocks(blocks)
    assert [n for n, _b in numbered if n] == [str(i) for i in range(1, 8)]
    assert numbered[0][0] == ""  # headings are not numbered
    assert blocks[-1].ordered


def test_markdown_reads_the_same_structure():
    blocks = drafts.read_markdown(note_markdown().decode())
    assert [b.kind for b in blocks] == [b.kind for b in drafts.read_docx(note_docx())]


@pytest.mark.parametrize(
    "content,name",
    [
        (with_macros(note_docx()), "note.docx"),
        (note_docx(), "note.docm"),
        (b"PK\x03\x04 this is not really a zip", "note.docx"),
        (note_docx()[:2000], "note.docx"),
        (b"%PDF-1.7 a pdf", "note.docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "note.doc"),
        (b"", "note.docx"),
        (b"\xff\xfe\x00bad", "note.md"),
        (b"# Only a heading\n", "note.md"),
    ],
    ids=[
        "macros",
        "docm",
        "corrupt",
        "truncated",
        "pdf",
        "old-doc",
        "empty",
        "not-utf8",
        "no-text",
    ],
)
def test_bad_drafts_are_refused_with_a_message(content, name):
    with pytest.raises(ValidationError) as refused:
        drafts.read_draft(content, name)
    assert refused.value.messages[0]


def test_oversized_draft_is_refused(monkeypatch):
    monkeypatch.setattr(drafts, "MAX_BYTES", 1000)
    with pytest.raises(ValidationError, match="MB"):
        drafts.read_draft(note_docx(), "note.docx")


def test_an_xlsx_is_not_a_docx():
    from cmsfamily.core.spreadsheets import table_xlsx

    with pytest.raises(ValidationError, match="Word"):
        drafts.read_draft(table_xlsx(["a"], [["b"]], title="x"), "note.docx")


def test_word_diff():
    assert drafts.word_diff("To focus on the issue", "To focus on the whole issue") == [
        ("equal", "To focus on the"),
        ("insert", "whole"),
        ("equal", "issue"),
    ]
    assert ("delete", "not") in drafts.word_diff("a not b", "a b")
