"""Positions as the Language Server Protocol counts them (UTF-16 code units), for the tests."""


def utf16_slice(line: str, start: int, end: int) -> str:
    data = line.encode("utf-16-le")
    return data[start * 2:end * 2].decode("utf-16-le")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def text_in_range(text: str, rng) -> str:
    lines = text.split("\n")
    assert rng.start.line == rng.end.line, "ranges in these tests are one line"
    return utf16_slice(lines[rng.start.line], rng.start.character, rng.end.character)


def apply_edits(text: str, edits) -> str:
    """Applies TextEdits (one-line ranges) from the last to the first."""
    lines = text.split("\n")
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        line = lines[edit.range.start.line]
        data = line.encode("utf-16-le")
        start, end = edit.range.start.character * 2, edit.range.end.character * 2
        lines[edit.range.start.line] = (data[:start] + edit.new_text.encode("utf-16-le") + data[end:]).decode("utf-16-le")
    return "\n".join(lines)


def position_of(text: str, needle: str, occurrence: int = 0, offset: int = 0):
    """The (line, UTF-16 character) of the n-th `needle` in `text`, moved `offset` characters in."""
    from lsprotocol import types
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    before = text[:index]
    line = before.count("\n")
    column = utf16_len(before[before.rfind("\n") + 1:])
    return types.Position(line=line, character=column + offset)
