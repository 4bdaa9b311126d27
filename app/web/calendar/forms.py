"""Forms of the calendar blueprint."""

from __future__ import annotations

from wtforms import DateTimeLocalField, RadioField, SelectField, StringField
from wtforms.fields import DateField
from wtforms.validators import Optional

from app.domain.durations import DurationKind
from app.web.forms import Form, choices, optional_int


class OverrideForm(Form):
    day = DateField("Ngày", validators=[Optional()])
    working = RadioField(
        "Đơn vị điều chỉnh thành",
        choices=choices([("0", "Ngày nghỉ"), ("1", "Ngày làm việc")]),
        default="0",
    )
    reason = StringField("Lý do", description="Ví dụ: Làm bù ngày nghỉ theo Quyết định số …/QĐ-UBND.")


class TryForm(Form):
    """Read from the query string: no CSRF needed, nothing is written."""

    class Meta:
        csrf = False

    start = DateTimeLocalField("Thời điểm tiếp nhận", validators=[Optional()], format="%Y-%m-%dT%H:%M")
    procedure_id = SelectField("Thủ tục", coerce=optional_int, choices=[], validate_choice=False)
    amount = StringField("hoặc thời hạn", validators=[Optional()])
    kind = SelectField(
        "Đơn vị thời hạn",
        choices=choices((k.value, k.label) for k in DurationKind),
        default=DurationKind.WORKING_DAYS.value,
    )
