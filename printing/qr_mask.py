"""The QR mask an encoder must choose, found with the whole symbol as one integer instead of module by module.

ISO/IEC 18004 §7.8.3 has the encoder try the eight masks and keep the one whose symbol scores the
lowest penalty (runs, 2×2 blocks, finder-like patterns, dark share). ``qrcode`` does that by laying
the symbol out eight times and walking every module in Python: most of the time of a slip's QR.
This module scores the same eight candidates exactly as ``qrcode.util.lost_point`` does (the same
rules and the same quirks: format and version modules light while testing, patterns counted only
inside the symbol, the first of equal scores wins), on the symbol held as one integer by rows and
one by columns: a mask is one XOR, and runs, blocks and patterns are found by shifts and ANDs over
every line at once. ``qrcode`` then lays out the final symbol with the chosen mask, so the printed
code is the one ``qrcode`` would have made; the tests compare both on random payloads.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import qrcode
from qrcode import util

FINDER_LIKE = ("10111010000", "00001011101")  # 1:1:3:1:1 with four light modules after it, or before it


@dataclass(frozen=True)
class _Layout:
    """One version's symbol as the encoder tests masks, module (r, c) at bit r·size + c of an integer."""

    size: int
    cells: bytes  # the function modules, one byte (0 or 1) per module, rows one after the other
    order: tuple[int, ...]  # the data modules' cells, in placement order
    masks: tuple[tuple[int, int], ...]  # each mask over the data modules: (by rows, by columns)
    pairs: int  # modules with a right neighbour in their line
    fives: int  # modules that start five in their line
    elevens: int  # modules that start eleven in their line
    blocks: int  # top-left modules of a 2×2 block


@lru_cache(maxsize=64)
def _layout(version: int) -> _Layout:
    size = version * 4 + 17
    code = qrcode.QRCode(version=version)
    code.modules_count = size
    code.modules = [[None] * size for _ in range(size)]
    code.setup_position_probe_pattern(0, 0)
    code.setup_position_probe_pattern(size - 7, 0)
    code.setup_position_probe_pattern(0, size - 7)
    code.setup_position_adjust_pattern()
    code.setup_timing_pattern()
    code.setup_type_info(True, 0)  # testing: format and version modules light, as qrcode has them
    if version >= 7:
        code.setup_type_number(True)
    modules = code.modules
    order: list[int] = []
    row, step = size - 1, -1
    for col in range(size - 1, 0, -2):  # the zigzag of qrcode's map_data
        if col <= 6:
            col -= 1
        while True:
            for c in (col, col - 1):
                if modules[row][c] is None:
                    order.append(row * size + c)
            row += step
            if row < 0 or row >= size:
                row -= step
                step = -step
                break
    masks = []
    for pattern in range(8):
        applies = util.mask_func(pattern)
        cells = bytearray(size * size)
        for cell in order:
            cells[cell] = applies(*divmod(cell, size))
        masks.append(_as_ints(cells, size))

    def starts(length: int, lines: int = size) -> int:  # the modules that begin ``length`` in their line
        return sum(((1 << (size - length + 1)) - 1) << (line * size) for line in range(lines))

    return _Layout(size, bytes(1 if module else 0 for line in modules for module in line), tuple(order),
                   tuple(masks), starts(2), starts(5), starts(11), starts(2, size - 1))


_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def _as_ints(cells: bytes | bytearray, size: int) -> tuple[int, int]:
    """``cells`` as an integer by rows and as one by columns (the transposed symbol)."""
    columns = b"".join(cells[c::size] for c in range(size))
    return int(cells.translate(_DIGITS)[::-1], 2), int(columns.translate(_DIGITS)[::-1], 2)


def _line_points(symbol: int, layout: _Layout) -> int:
    """The run and finder-like points of every line of ``symbol`` (its rows, or its columns when transposed)."""
    equal = ~(symbol ^ (symbol >> 1)) & layout.pairs  # a module and its right neighbour alike
    fives = equal & (equal >> 1) & (equal >> 2) & (equal >> 3) & layout.fives  # five alike start here
    # A run of n ≥ 5 costs n − 2: its n − 4 starts of five, plus 2 for the first of them.
    points = fives.bit_count() + 2 * (fives & ~(fives << 1)).bit_count()
    light = ~symbol
    for pattern in FINDER_LIKE:
        found = layout.elevens
        for offset, module in enumerate(pattern):
            found &= (symbol if module == "1" else light) >> offset
        points += 40 * found.bit_count()
    return points


def penalty(rows: int, columns: int, layout: _Layout) -> int:
    """``qrcode.util.lost_point`` of the symbol whose modules are ``rows`` (and, transposed, ``columns``)."""
    size = layout.size
    points = _line_points(rows, layout) + _line_points(columns, layout)
    alike_below = ~(rows ^ (rows >> size))
    points += 3 * (alike_below & (alike_below >> 1) & ~(rows ^ (rows >> 1)) & layout.blocks).bit_count()
    percent = float(rows.bit_count()) / (size**2)
    return points + int(abs(percent * 100 - 50) / 5) * 10


def penalties(code: qrcode.QRCode) -> list[int]:
    """The penalty of each of the eight masks for ``code`` (its version fitted)."""
    if code.data_cache is None:
        code.data_cache = util.create_data(code.version, code.error_correction, code.data_list)
    layout = _layout(code.version)
    cells = bytearray(layout.cells)
    bits = "".join(format(byte, "08b") for byte in code.data_cache)
    for cell, bit in zip(layout.order, bits):  # the modules past the data stay light, as in map_data
        if bit == "1":
            cells[cell] = 1
    rows, columns = _as_ints(cells, layout.size)
    return [penalty(rows ^ by_rows, columns ^ by_columns, layout) for by_rows, by_columns in layout.masks]


def best_mask(code: qrcode.QRCode) -> int:
    """The mask ``code.best_mask_pattern()`` returns, found without laying the symbol out eight times."""
    scores = penalties(code)
    return scores.index(min(scores))


def make(code: qrcode.QRCode) -> None:
    """``code.make(fit=True)``, with the mask chosen here."""
    code.best_fit(start=code.version)
    code.makeImpl(False, best_mask(code))
