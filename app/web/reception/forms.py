"""Forms of the reception desk."""

from __future__ import annotations

from wtforms import (
    BooleanField,
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
from wtforms.validators import InputRequired, NumberRange, Optional

from app.domain.paper import PaperSize
from app.domain.workflow import Channel, IdKind, ResultDelivery
from app.web.forms import CITIZEN_MESSAGE_HINT, CITIZEN_MESSAGE_LABEL, Form, RowForm, choices

_COUNT = [Optional(), NumberRange(0, 99, "Số lượng từ 0 đến 99.")]
SPARE_ROWS = 2


class ReceivedDocumentRow(RowForm):
    """A document of the checklist (or added by the clerk) and how many copies were received."""

    received = BooleanField("Đã nhận")
    name = StringField("Tên giấy tờ")
    originals = IntegerField("Bản chính", validators=_COUNT)
    certified_copies = IntegerField("Bản sao chứng thực", validators=_COUNT)
    photocopies = IntegerField("Bản photo", validators=_COUNT)


class ApplicantFields(Form):
    applicant_name = StringField("Họ và tên người nộp (hoặc tên tổ chức)",
                                 description="Quét mã QR trên thẻ căn cước vào ô này để điền sẵn họ tên, số thẻ, địa chỉ.",
                                 render_kw={"autofocus": True, "autocomplete": "off", "data-card": "applicant"})
    applicant_id_kind = SelectField(
        "Loại giấy tờ", choices=choices([(k.value, k.label) for k in IdKind]), default=IdKind.CITIZEN_ID.value
    )
    applicant_id_number = StringField("Số giấy tờ", description="Căn cước/CCCD: 12 chữ số.",
                                      render_kw={"inputmode": "numeric", "autocomplete": "off"})
    applicant_phone = StringField("Số điện thoại", render_kw={"inputmode": "tel", "autocomplete": "off"})
    applicant_email = StringField("Email", render_kw={"inputmode": "email", "autocomplete": "off"})
    applicant_address = StringField("Địa chỉ")


class ReceptionForm(ApplicantFields):
    version = HiddenField()
    applicant_birth_date = StringField("Ngày sinh", description="Ngày/tháng/năm; điền sẵn khi quét thẻ căn cước.",
                                       render_kw={"inputmode": "numeric", "autocomplete": "off",
                                                  "placeholder": "dd/mm/yyyy"})
    owner_name = StringField("Chủ hồ sơ (nếu khác người nộp)", description="Quét được thẻ căn cước của chủ hồ sơ.",
                             render_kw={"autocomplete": "off", "data-card": "owner"})
    owner_id_number = StringField("Số giấy tờ của chủ hồ sơ")
    channel = SelectField("Hình thức nộp", choices=choices([(c.value, c.label) for c in Channel]),
                          default=Channel.DIRECT.value)
    sets_count = IntegerField("Số bộ hồ sơ", default=1, validators=[Optional()])  # range checked by the service
    documents = FieldList(FormField(ReceivedDocumentRow), min_entries=0)
    fee_amount = IntegerField("Phí, lệ phí đã thu (đồng)", default=0,
                              validators=[Optional(), NumberRange(0, 1_000_000_000, "Số tiền không hợp lệ.")])
    fee_note = StringField("Ghi chú phí, lệ phí", description="Ví dụ: miễn lệ phí (người khuyết tật).")
    result_delivery = RadioField("Nhận kết quả tại", choices=choices([(d.value, d.label) for d in ResultDelivery]),
                                 default=ResultDelivery.DESK.value)
    delivery_address = StringField("Địa chỉ nhận kết quả qua bưu chính")
    note = TextAreaField("Ghi chú", render_kw={"rows": 2})


class TurnAwayForm(ApplicantFields):
    missing = TextAreaField("Giấy tờ, nội dung cần bổ sung, hoàn thiện (mỗi dòng một mục)", render_kw={"rows": 4})
    reason = TextAreaField("Lý do", render_kw={"rows": 3})
    citizen_message = TextAreaField(CITIZEN_MESSAGE_LABEL, description=CITIZEN_MESSAGE_HINT,
                                    render_kw={"rows": 2, "maxlength": 1000})
    channel = SelectField("Hình thức nộp", choices=choices([(c.value, c.label) for c in Channel]),
                          default=Channel.DIRECT.value)


class PrintForm(Form):
    paper = SelectField("Khổ giấy", choices=choices([("", "Theo cài đặt của đơn vị")] + [(p.value, p.label) for p in PaperSize]),
                        validate_choice=True)


class LogbookForm(Form):
    unit = SelectField("Đơn vị", coerce=int, choices=[])
    first = DateField("Từ ngày", validators=[InputRequired("Vui lòng chọn ngày.")])
    last = DateField("Đến ngày", validators=[InputRequired("Vui lòng chọn ngày.")])
    fmt = RadioField("Định dạng", choices=choices([("pdf", "PDF (A4 ngang, để in)"), ("xlsx", "Excel (XLSX)")]), default="pdf")


class ReissueLinkForm(Form):
    reason = StringField(
        "Lý do cấp lại", validators=[InputRequired("Vui lòng ghi lý do cấp lại.")],
        description="Ví dụ: công dân báo mất Giấy tiếp nhận hồ sơ.",
    )


class OnlineDecisionForm(Form):
    """Accept a dossier filed online (only the version: what the clerk saw)."""

    version = HiddenField()


class OnlineTurnAwayForm(Form):
    """Mẫu 02 or Mẫu 03 for a dossier filed online: sent back to the citizen through the portal."""

    version = HiddenField()
    missing = TextAreaField("Giấy tờ, nội dung cần bổ sung, hoàn thiện (mỗi dòng một mục)", render_kw={"rows": 4})
    reason = TextAreaField("Lý do", render_kw={"rows": 3})
    citizen_message = TextAreaField(CITIZEN_MESSAGE_LABEL, description=CITIZEN_MESSAGE_HINT,
                                    render_kw={"rows": 2, "maxlength": 1000})
