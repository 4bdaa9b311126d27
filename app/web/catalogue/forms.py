"""Forms of the catalogue blueprint."""

from __future__ import annotations

from wtforms import (
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import DateField
from wtforms.validators import NumberRange, Optional

from app.domain.catalogue import ProcedureLevel
from app.domain.durations import DurationKind, SupplementPolicy
from app.domain.catalogue import REQUIREMENTS
from app.domain.roles import Role
from app.web.forms import Form, RowForm, choices, optional_int

_COUNT = [Optional(), NumberRange(0, 99, "Số lượng từ 0 đến 99.")]
SPARE_ROWS = 2


class DocumentRow(RowForm):
    name = StringField("Tên giấy tờ")
    originals = IntegerField("Bản chính", validators=_COUNT)
    certified_copies = IntegerField("Bản sao chứng thực", validators=_COUNT)
    photocopies = IntegerField("Bản photo", validators=_COUNT)
    requirement = SelectField("Yêu cầu", choices=choices(list(REQUIREMENTS.items())), default="required")
    group = StringField("Nhóm (hoặc)")

    def is_blank(self) -> bool:
        return not (self.name.data or "").strip() and not any(
            (self.originals.data, self.certified_copies.data, self.photocopies.data)
        )


class StepRow(RowForm):
    name = StringField("Tên bước")
    department_id = SelectField("Bộ phận", coerce=optional_int, choices=[], validate_choice=False)
    role = SelectField(
        "Vai trò thực hiện",
        choices=choices([("", "—")] + [(r.value, r.label) for r in Role if r is not Role.INSPECTOR]),
        validate_choice=False,  # checked with the row, so the message names the step
    )
    share = StringField("Thời gian")

    def is_blank(self) -> bool:
        return not (self.name.data or "").strip() and not (self.share.data or "").strip()


class ProcedureForm(Form):
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])
    code = StringField(
        "Mã thủ tục",
        description="Mã trên CSDL quốc gia về TTHC, ví dụ 1.000894.",
    )
    name = TextAreaField(
        "Tên thủ tục", render_kw={"rows": 2}
    )
    field_name = StringField(
        "Lĩnh vực", description="Ví dụ: Hộ tịch."
    )
    level = SelectField("Cấp thực hiện", choices=choices([(x.value, x.label) for x in ProcedureLevel]))
    duration_kind = SelectField(
        "Cách tính thời hạn", choices=choices([(k.value, k.label) for k in DurationKind])
    )
    duration_value = StringField(
        "Thời hạn giải quyết",
        description="Số ngày làm việc, giờ làm việc hoặc ngày lịch; có thể lẻ, ví dụ 0,5. "
        "Bỏ trống với thủ tục “Trong ngày”.",
    )
    supplement_policy = RadioField(
        "Khi công dân bổ sung hồ sơ",
        choices=choices([(p.value, p.label) for p in SupplementPolicy]),
        default=SupplementPolicy.PAUSE.value,
    )
    fee_text = TextAreaField("Phí, lệ phí", render_kw={"rows": 2})
    result_text = StringField("Kết quả giải quyết")
    legal_basis = TextAreaField("Căn cứ pháp lý", render_kw={"rows": 3})
    published_by = StringField("Quyết định công bố", description="Ví dụ: Quyết định số 1096/QĐ-UBND ngày 20/6/2024 "
                                                                  "của Chủ tịch UBND tỉnh.")
    effective_from = DateField("Có hiệu lực từ ngày", validators=[Optional()])
    effective_to = DateField("Áp dụng đến hết ngày", validators=[Optional()])
    documents = FieldList(FormField(DocumentRow), min_entries=1, max_entries=60)
    steps = FieldList(FormField(StepRow), min_entries=1, max_entries=30)
