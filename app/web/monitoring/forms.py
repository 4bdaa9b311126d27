"""The form of the dossier page's "will be late" section (shared by its three buttons)."""

from __future__ import annotations

from wtforms import HiddenField, TextAreaField
from wtforms.fields import DateField
from wtforms.validators import Optional

from app.web.forms import Form


class ExpectedDelayForm(Form):
    # Required values are checked by services.delays, so that its messages come back beside the fields.
    version = HiddenField()
    reason = TextAreaField("Lý do trễ hạn", render_kw={"rows": 3, "maxlength": 2000})
    proposed_due_on = DateField("Ngày hẹn trả kết quả mới đề xuất", validators=[Optional()])

    @property
    def version_number(self) -> int | None:
        value = self.version.data or ""
        return int(value) if value.isdigit() else None
