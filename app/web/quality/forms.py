"""Forms of the ISO pages. Required values and their messages come from the services."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields import DateField
from wtforms.validators import Optional

from app.domain.nonconformity import MANUAL_SOURCES, TEXT_MAX
from app.domain.registers import DocumentKind
from app.web.forms import Form, choices, optional_int


class Versioned(Form):
    version = HiddenField()

    @property
    def version_number(self) -> int | None:
        value = self.version.data or ""
        return int(value) if value.isdigit() else None


class NonconformityOpenForm(Form):
    source = SelectField("Nguồn phát hiện", choices=choices((s.value, s.label) for s in MANUAL_SOURCES))
    description = TextAreaField("Mô tả sự không phù hợp", render_kw={"rows": 5, "maxlength": TEXT_MAX})
    dossier_code = StringField("Mã hồ sơ liên quan (nếu có)", render_kw={"maxlength": 64, "spellcheck": "false"})


class NonconformityMoveForm(Versioned):
    """One form for the four moves; the page shows the fields of the move offered."""

    cause = TextAreaField("Nguyên nhân", render_kw={"rows": 3, "maxlength": TEXT_MAX})
    correction = TextAreaField("Biện pháp xử lý ngay (khắc phục hậu quả)", render_kw={"rows": 3, "maxlength": TEXT_MAX})
    corrective_action = TextAreaField("Hành động khắc phục (loại bỏ nguyên nhân)",
                                      render_kw={"rows": 3, "maxlength": TEXT_MAX})
    owner_id = SelectField("Người chịu trách nhiệm thực hiện", coerce=optional_int, validate_choice=False)
    action_due_on = DateField("Thời hạn hoàn thành", validators=[Optional()])
    report = TextAreaField("Kết quả thực hiện", render_kw={"rows": 3, "maxlength": TEXT_MAX})
    effectiveness = TextAreaField("Đánh giá hiệu lực", render_kw={"rows": 3, "maxlength": TEXT_MAX})


class RegisterEntryForm(Versioned):
    """The edit form of an entry of any of the three registers; the page shows the register's fields."""

    code = StringField("Mã", render_kw={"maxlength": 40})
    title = StringField("Tên tài liệu", render_kw={"maxlength": 500})
    kind = SelectField("Loại", choices=choices((k.value, k.label) for k in DocumentKind))
    edition = StringField("Lần ban hành", render_kw={"maxlength": 40})
    issued_on = DateField("Ngày ban hành", validators=[Optional()])
    approver = StringField("Người phê duyệt", render_kw={"maxlength": 255})
    is_current = BooleanField("Đang áp dụng")
    number = StringField("Số, ký hiệu", render_kw={"maxlength": 100})
    issuer = StringField("Cơ quan ban hành", render_kw={"maxlength": 255})
    effective_on = DateField("Ngày có hiệu lực", validators=[Optional()])
    expired_on = DateField("Ngày hết hiệu lực", validators=[Optional()])
    name = StringField("Tên hồ sơ", render_kw={"maxlength": 255})
    kept_at = StringField("Nơi lưu", render_kw={"maxlength": 255})
    owner = StringField("Người (bộ phận) lưu", render_kw={"maxlength": 255})
    retention = StringField("Thời hạn lưu", render_kw={"maxlength": 20})
    disposal = StringField("Phương pháp huỷ", render_kw={"maxlength": 255})
    note = StringField("Ghi chú", render_kw={"maxlength": 500})

    FIELDS = {
        "noi-bo": ("code", "title", "kind", "edition", "issued_on", "approver", "is_current", "note"),
        "ben-ngoai": ("number", "title", "issuer", "issued_on", "effective_on", "expired_on", "note"),
        "ho-so": ("code", "name", "kept_at", "owner", "retention", "disposal", "note"),
    }
