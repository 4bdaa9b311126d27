"""The fast mask choice scores every mask as qrcode does and so prints qrcode's own symbol."""

from __future__ import annotations

import secrets

import qrcode
from hypothesis import given, settings
from hypothesis import strategies as st
from qrcode import util
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q

from printing import qr_mask
from printing.qr import qr_matrix

LEVELS = st.sampled_from([ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q, ERROR_CORRECT_H])
# Status URLs, numbers (numeric mode), upper case (alphanumeric), Vietnamese text (bytes), up to version 17.
PAYLOADS = st.one_of(
    st.builds(lambda token: f"https://motcua.example.vn/tra-cuu/{token}", st.text("ABCabc0123-_", min_size=1,
                                                                                   max_size=40)),
    st.text("0123456789", min_size=1, max_size=400),
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 $%*+-./:", min_size=1, max_size=300),
    st.text(min_size=1, max_size=120),
    st.text("ăâđêôơưạảấầẩẫậĐĂÂÊÔƠƯ ", min_size=1, max_size=80),
)


def _fitted(payload: str, level: int) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=level, border=0)
    code.add_data(payload)
    code.best_fit()
    return code


def _qrcode_penalties(payload: str, level: int) -> list[int]:
    code = _fitted(payload, level)
    scores = []
    for mask in range(8):
        code.makeImpl(True, mask)  # what best_mask_pattern scores
        scores.append(util.lost_point(code.modules))
    return scores


@settings(max_examples=400, deadline=None)
@given(PAYLOADS, LEVELS)
def test_every_mask_scores_what_qrcode_scores(payload: str, level: int) -> None:
    assert qr_mask.penalties(_fitted(payload, level)) == _qrcode_penalties(payload, level)


@settings(max_examples=150, deadline=None)
@given(PAYLOADS, LEVELS)
def test_the_symbol_is_qrcodes_own(payload: str, level: int) -> None:
    ours, theirs = _fitted(payload, level), qrcode.QRCode(error_correction=level, border=0)
    qr_mask.make(ours)
    theirs.add_data(payload)
    theirs.make(fit=True)
    assert ours.version == theirs.version
    assert ours.get_matrix() == theirs.get_matrix()


def test_large_versions_with_version_information() -> None:
    """Versions 7 and up carry version modules, light while masks are tested."""
    for length in (150, 400, 900):
        payload = secrets.token_hex(length // 2)
        code = _fitted(payload, ERROR_CORRECT_Q)
        assert code.version >= 7
        assert qr_mask.penalties(code) == _qrcode_penalties(payload, ERROR_CORRECT_Q)


def test_status_urls_print_the_symbol_qrcode_makes() -> None:
    for _ in range(50):
        payload = f"https://motcua.example.vn/tra-cuu/{secrets.token_urlsafe(16)}"
        theirs = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
        theirs.add_data(payload)
        theirs.make(fit=True)
        assert qr_matrix(payload) == tuple(tuple(row) for row in theirs.get_matrix())
