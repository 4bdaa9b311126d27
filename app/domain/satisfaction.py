"""The citizen's evaluation of how a dossier was handled (domain.md §8, ISO 9001 clause 9.1.2).

The per-dossier set of the Nghị định 61/2018 era, still used by production
systems: nine criteria, each scored 2, 1 or 0. The first two are facts the
records already hold (the dossier's and the steps' timeliness), so the
system fills them in; the citizen answers the seven others. The ninth is the
overall verdict: Rất hài lòng / Hài lòng / Không hài lòng. One rating per
dossier, after the result is returned.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.domain.timeliness import Timeliness

SCORES = (2, 1, 0)


@dataclass(frozen=True)
class Criterion:
    """One criterion: its key, question, the wording of scores 2, 1 and 0, and who answers it."""

    key: str
    question: str
    options: tuple[str, str, str]  # wording for 2, 1, 0 points
    automatic: bool = False  # computed from the records, not asked

    def option(self, score: int) -> str:
        return self.options[SCORES.index(score)]


CRITERIA: tuple[Criterion, ...] = (
    Criterion("total_time", "Tổng thời gian giải quyết so với thời hạn quy định",
              ("Trước hạn", "Đúng hạn", "Quá hạn"), automatic=True),
    Criterion("step_time", "Thời gian thực hiện của từng bộ phận so với thời hạn được giao",
              ("Tất cả các bước trước hạn", "Tất cả các bước trong hạn", "Có bước quá hạn"), automatic=True),
    Criterion("contacts", "Số lần ông/bà phải liên hệ với Bộ phận Một cửa để hoàn thiện hồ sơ",
              ("Không phải liên hệ thêm", "1 lần", "Từ 2 lần trở lên")),
    Criterion("agencies", "Số cơ quan, đơn vị ông/bà phải tự liên hệ để hoàn thiện hồ sơ",
              ("Chỉ Bộ phận Một cửa", "1 cơ quan, đơn vị khác", "Từ 2 cơ quan, đơn vị trở lên")),
    Criterion("one_stop", "Việc nộp hồ sơ và nhận kết quả tại Bộ phận Một cửa",
              ("Chỉ làm việc với Bộ phận Một cửa", "Có lúc phải gặp trực tiếp người xử lý",
               "Phải gặp trực tiếp người xử lý nhiều lần")),
    Criterion("disclosure", "Thủ tục hành chính được công khai",
              ("Đầy đủ, tại nơi tiếp nhận và trên mạng", "Chỉ một hình thức hoặc chưa đầy đủ", "Không được công khai")),
    Criterion("attitude", "Thái độ, cách ứng xử của công chức, viên chức",
              ("Tận tình, chu đáo", "Đúng mực", "Chưa đúng mực")),
    Criterion("convenience", "Mức độ thuận tiện khi thực hiện thủ tục",
              ("Rất thuận tiện", "Thuận tiện", "Chưa thuận tiện")),
    Criterion("overall", "Đánh giá chung của ông/bà", ("Rất hài lòng", "Hài lòng", "Không hài lòng")),
)
KEYS = tuple(c.key for c in CRITERIA)
ASKED = tuple(c for c in CRITERIA if not c.automatic)
MAX_SCORE = 2 * len(CRITERIA)
COMMENT_MAX = 1000


def criterion(key: str) -> Criterion:
    return next(c for c in CRITERIA if c.key == key)


def automatic_scores(dossier_result: Timeliness, step_results: Iterable[Timeliness | None]) -> dict[str, int]:
    """Criteria 1 and 2 from the records: the dossier's timeliness, and its steps' (as on the control slip)."""
    total = {Timeliness.EARLY: 2, Timeliness.ON_TIME: 1}.get(dossier_result, 0)
    steps = [r for r in step_results if r is not None]
    if any(r in (Timeliness.LATE, Timeliness.OPEN_LATE) for r in steps):
        step = 0
    elif steps and all(r is Timeliness.EARLY for r in steps):
        step = 2
    else:
        step = 1
    return {"total_time": total, "step_time": step}


def read_answers(raw: Mapping[str, str]) -> tuple[dict[str, int], dict[str, str]]:
    """The citizen's scores for the asked criteria, and a message per criterion left out or invalid."""
    scores: dict[str, int] = {}
    errors: dict[str, str] = {}
    for item in ASKED:
        value = (raw.get(item.key) or "").strip()
        if value in ("0", "1", "2"):
            scores[item.key] = int(value)
        else:
            errors[item.key] = "Vui lòng chọn một mức đánh giá." if not value else "Mức đánh giá không hợp lệ."
    return scores, errors


def is_satisfied(overall: int) -> bool:
    """Whether the verdict counts as satisfied (Rất hài lòng or Hài lòng) for the 90 % objective."""
    return overall >= 1
