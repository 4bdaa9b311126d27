"""Forms of the workflow pages."""

from __future__ import annotations

from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields import DateTimeLocalField
from wtforms.validators import Optional

from app.domain.workflow import Action, ResultDelivery
from app.services.processing import ACTION_INPUTS
from app.web.forms import CITIZEN_MESSAGE_HINT, CITIZEN_MESSAGE_LABEL, Form, choices

# Which inputs each action asks for, besides the version (the API takes the same).
FIELDS = ACTION_INPUTS

REASON_LABELS = {
    Action.SEND_BACK: "Lý do trả lại",
    Action.REQUEST_SUPPLEMENT: "Lý do yêu cầu bổ sung",
    Action.REQUEST_PAYMENT: "Nghĩa vụ tài chính phải thực hiện",
    Action.RESCHEDULE: "Lý do chậm trễ (ghi trong văn bản xin lỗi)",
    Action.REFUSE: "Lý do từ chối giải quyết",
    Action.STOP: "Lý do công dân đề nghị dừng",
    Action.WITHDRAW: "Lý do rút hồ sơ (nếu có)",
}


class ActionForm(Form):
    version = HiddenField()
    # Choices are checked by the service (who may take the step, which methods exist), so that
    # inputs an action does not use are simply ignored.
    to_user_id = SelectField("Người nhận", coerce=str, validate_choice=False)
    reason = TextAreaField("Ghi chú (không bắt buộc)", render_kw={"rows": 3})
    missing = TextAreaField("Giấy tờ, nội dung cần bổ sung, hoàn thiện", description="Mỗi dòng một giấy tờ.",
                            render_kw={"rows": 4})
    new_due_at = DateTimeLocalField("Ngày, giờ hẹn trả kết quả mới", validators=[Optional()])
    return_method = SelectField("Hình thức trả kết quả", choices=choices([(d.value, d.label) for d in ResultDelivery]),
                                validate_choice=False)
    return_note = StringField("Ghi chú trả kết quả", description="Ví dụ: người nhận thay, số hiệu bưu gửi.")
    requested_at = DateTimeLocalField("Thời điểm công dân đề nghị dừng", validators=[Optional()],
                                      description="Để trống nếu là bây giờ.")
    fee_handling = StringField("Xử lý phí, lệ phí đã nộp", description="Ví dụ: hoàn trả 50.000 đồng lệ phí.")
    citizen_message = TextAreaField(CITIZEN_MESSAGE_LABEL, description=CITIZEN_MESSAGE_HINT,
                                    render_kw={"rows": 2, "maxlength": 1000})


class ScanForm(Form):
    class Meta:
        csrf = False  # a GET lookup, it changes nothing

    ma = StringField("Mã hồ sơ", render_kw={"autocomplete": "off", "autofocus": True, "spellcheck": "false",
                                            "placeholder": "Quét mã QR trên phiếu hoặc gõ mã hồ sơ rồi nhấn Enter"})
