"""Forms of the admin blueprint."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.domain.paper import PaperSize
from app.domain.roles import Role
from app.web.forms import Form, choices, optional_int



class UnitForm(Form):
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])
    code = StringField(
        "Mã định danh điện tử",
        description="Theo danh mục mã định danh điện tử của cơ quan, ví dụ 000.00.30.H33.",
    )
    governing_body_name = StringField(
        "Tên cơ quan chủ quản",
        description="Dòng trên của tiêu đề biểu mẫu, ví dụ ỦY BAN NHÂN DÂN XÃ AN BÌNH.",
    )
    name = StringField(
        "Tên đơn vị",
        description="Dòng dưới của tiêu đề, ví dụ TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG.",
    )
    place_name = StringField(
        "Địa danh",
        description="Dùng cho dòng “<Địa danh>, ngày … tháng … năm …”.",
    )
    address = StringField("Địa chỉ")
    phone = StringField("Số điện thoại")
    email = StringField("Email")
    working_windows = StringField(
        "Khung giờ làm việc",
        description="Các khung giờ trong một ngày làm việc, tổng 8 giờ, ví dụ 07:30-11:30, 13:30-17:30.",
    )
    same_day_cutoff = StringField(
        "Giờ chốt nhận hồ sơ trả trong ngày",
        description="Hồ sơ “trong ngày” nhận sau giờ này được hẹn trả ngày làm việc tiếp theo.",
    )
    receipt_paper = SelectField(
        "Khổ giấy Giấy tiếp nhận (Mẫu 01)",
        choices=choices([(p.value, p.label) for p in PaperSize]),
        default=PaperSize.A5.value,
    )
    control_slip_paper = SelectField(
        "Khổ giấy Phiếu kiểm soát (Mẫu 06)",
        choices=choices([(p.value, p.label) for p in PaperSize]),
        default=PaperSize.A4.value,
    )
    is_active = BooleanField("Đang hoạt động", default=True)


class DepartmentForm(Form):
    name = StringField("Tên bộ phận")
    is_active = BooleanField("Đang hoạt động", default=True)


class UserForm(Form):
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])
    username = StringField(
        "Tên đăng nhập",
        render_kw={"autocapitalize": "none", "autocomplete": "off"},
    )
    full_name = StringField("Họ và tên")
    position = StringField("Chức vụ")
    email = EmailField("Email")
    unit_id = SelectField("Đơn vị", coerce=int, choices=[])
    department_id = SelectField("Bộ phận", coerce=optional_int, choices=[], validate_choice=False)
    roles = SelectMultipleField(
        "Vai trò",
        choices=choices([(r.value, r.label) for r in Role]),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    is_active = BooleanField("Đang hoạt động", default=True)
    password = PasswordField(
        "Mật khẩu",
        render_kw={"autocomplete": "new-password"},
    )




class PersonLookupForm(Form):
    """An access request: the ID number is posted, never put in an address (no personal data in URLs)."""

    id_number = StringField(
        "Số định danh cá nhân hoặc số giấy tờ",
        description="Số CCCD (12 chữ số), hộ chiếu hoặc giấy tờ người yêu cầu đã khai khi nộp hồ sơ.",
        render_kw={"autocomplete": "off", "maxlength": 40, "spellcheck": "false"},
    )
    format = HiddenField()
