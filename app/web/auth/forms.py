"""Forms of the auth blueprint."""

from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.web.forms import Form


class LoginForm(Form):
    username = StringField(
        "Tên đăng nhập",
        validators=[DataRequired("Vui lòng nhập tên đăng nhập."), Length(max=40)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "autofocus": True},
    )
    password = PasswordField(
        "Mật khẩu",
        validators=[DataRequired("Vui lòng nhập mật khẩu."), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Ghi nhớ đăng nhập trên máy này")


class PasswordForm(Form):
    current_password = PasswordField(
        "Mật khẩu hiện tại",
        validators=[DataRequired("Vui lòng nhập mật khẩu hiện tại.")],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "Mật khẩu mới",
        validators=[DataRequired("Vui lòng nhập mật khẩu mới.")],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Nhập lại mật khẩu mới",
        validators=[
            DataRequired("Vui lòng nhập lại mật khẩu mới."),
            EqualTo("new_password", "Hai lần nhập mật khẩu mới không khớp nhau."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ApiTokenForm(Form):
    name = StringField("Dùng cho", description="Ví dụ: Cổng dịch vụ công tỉnh, máy kiosk tra cứu.")
