"""The bytes of an XML part in; what a reader of it would build out: its deepest nesting, and the rows x columns of a
sheet's grid. Both are read from the bytes with numpy, chunk by chunk (a few hundred MB/s), before any parser runs:
the parser is then given only what it can afford.
"""

from __future__ import annotations

import numpy as np

MB = 1024 * 1024


def xml_depth(body: bytes, chunk: int = 8 * MB) -> int:
    """The deepest element nesting, from the tags' bytes (numpy, in chunks cut at a '<'): an opening tag adds one,
    a closing one takes one away; '<?', '<!' and self-closing tags count nothing."""
    deepest, depth, start = 0, 0, 0
    while start < len(body):
        end = len(body) if start + chunk >= len(body) else body.rfind(b"<", start + 1, start + chunk)
        end = start + chunk if end <= start else end
        piece = np.frombuffer(body, np.uint8, count=end - start, offset=start)
        steps = _tag_steps(piece)
        if len(steps):
            running = np.cumsum(steps) + depth
            deepest, depth = max(deepest, int(running.max())), int(running[-1])
        start = end
    return deepest


def _tag_steps(piece: np.ndarray) -> np.ndarray:
    opens = np.flatnonzero(piece == ord("<"))
    if not len(opens):
        return np.zeros(0, np.int64)
    after = piece[np.minimum(opens + 1, len(piece) - 1)]
    closes = np.flatnonzero(piece == ord(">"))
    ends = closes[np.minimum(np.searchsorted(closes, opens), max(len(closes) - 1, 0))] if len(closes) else opens
    self_closing = piece[np.maximum(ends - 1, 0)] == ord("/")
    special = (after == ord("?")) | (after == ord("!"))
    return np.where(special | self_closing, 0, np.where(after == ord("/"), -1, 1)).astype(np.int64)


def extent(sheet: bytes, chunk: int = 4 * MB) -> tuple[int, int]:
    """(rows, columns) of the grid a reader builds from A1 to the last cell: the largest references (`r="..."` of
    cells and rows, read with numpy, chunk by chunk), plus the cells and rows written without one (readers place
    those after the previous one)."""
    buf = np.frombuffer(sheet, np.uint8)
    prefixed = sheet.find(b":c") >= 0 or sheet.find(b":row") >= 0  # else no element '<x:c' or '<x:row' (fast)
    max_row, max_column, referenced, rows, cells, row_tags = 0, 0, 0, 0, 0, 0
    for start in range(0, len(buf), chunk):
        lead = min(start, 1)  # the byte before the chunk: whether a reference there follows whitespace
        piece = np.concatenate([buf[start - lead : start + chunk + 32], np.zeros(32, np.uint8)])  # 32 more bytes:
        end = lead + min(chunk, len(buf) - start)  # a reference cut by the chunk's end is read whole
        opens = lead + np.flatnonzero(piece[lead:end] == ord("<"))
        cells += _tags(piece, opens, b"c", prefixed)
        row_tags += _tags(piece, opens, b"row", prefixed)
        hits = lead + np.flatnonzero(piece[lead:end] == ord("r"))
        hits = hits[(piece[hits + 1] == ord("=")) & _any(piece[hits + 2], b"\"'") & _any(piece[hits - 1], b" \t\n\r")]
        if not len(hits):
            continue
        row, column = _references(piece, hits + 3)
        max_row, max_column = max(max_row, int(row.max())), max(max_column, int(column.max()))
        referenced += int((column > 0).sum())
        rows += int((column == 0).sum())
    return max_row + max(0, row_tags - rows), max_column + max(0, cells - referenced)


def _any(values: np.ndarray, options: bytes) -> np.ndarray:
    found = values == options[0]
    for option in options[1:]:
        found |= values == option
    return found


def _tags(piece: np.ndarray, opens: np.ndarray, name: bytes, prefixed: bool) -> int:
    """How many elements of this local name open at `opens` ('<' positions): '<', maybe a prefix and ':' (only
    looked for when the sheet has prefixes), the name, then a delimiter; closing tags '</...' are not counted."""
    start = opens + 1
    if prefixed:
        naming = np.ones(len(opens), bool)  # the characters so far could be a prefix's
        found = np.zeros(len(opens), bool)
        for shift in range(1, 12):  # a prefix of up to 10 characters: '<x:', '<ss:', ...
            byte = piece[opens + shift]
            naming &= ((byte >= 97) & (byte <= 122)) | ((byte >= 65) & (byte <= 90)) | ((byte >= 48) & (byte <= 57))
            colon = naming & (piece[opens + 1 + shift] == ord(":")) & ~found
            start = np.where(colon, opens + 2 + shift, start)
            found |= colon
    match = piece[opens + 1] != ord("/")
    for k, letter in enumerate(name):
        match &= piece[start + k] == letter
    return int((match & _any(piece[start + len(name)], b" \t\n\r>/")).sum())


POWERS_26 = 26 ** np.arange(13, dtype=np.int64)
POWERS_10 = 10 ** np.arange(18, dtype=np.int64)
WIDTH = 16  # bytes read of each reference: 'XFD1048576' has 10


def _references(buf: np.ndarray, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, column number; 0 when the reference has no letters: a row's) of the references starting at `at`:
    capital letters then digits (a longer or stranger one reads as larger, never smaller)."""
    window = buf[at[:, None] + np.arange(WIDTH)]
    j = np.arange(WIDTH)
    letter = (window >= 65) & (window <= 90)
    letters = np.argmin(np.concatenate([letter, np.zeros((len(at), 1), bool)], axis=1), axis=1)[:, None]
    lead = j < letters
    column = (np.where(lead, window.astype(np.int64) - 64, 0) * POWERS_26[np.clip(letters - 1 - j, 0, 12)]).sum(axis=1)
    column = np.where(letters[:, 0] > 4, 1 << 40, column)
    digit = (window >= 48) & (window <= 57)
    valid = np.logical_and.accumulate(digit | ~(j >= letters), axis=1) & (j >= letters)
    count = valid.sum(axis=1)[:, None]
    values = np.where(valid, window.astype(np.int64) - 48, 0)
    row = (values * POWERS_10[np.clip(letters + count - 1 - j, 0, 17)]).sum(axis=1)
    return np.where(count[:, 0] > 12, 1 << 40, row), column


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number
