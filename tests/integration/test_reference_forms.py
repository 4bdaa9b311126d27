"""docs/forms is printed through the services from the demo commune (``make forms``): what it shows is what
the app prints."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tests.pdfcheck import pdf_text

ROOT = Path(__file__).resolve().parents[2]


def _regenerate_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("regenerate_forms", ROOT / "docs" / "forms" / "regenerate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_reference_form_is_made_by_the_services_from_the_demo(db_session):
    forms = dict(_regenerate_module().printed_forms(db_session))
    assert sorted(forms) == sorted(p.stem for p in (ROOT / "docs" / "forms").glob("*.png"))
    texts = {name: " ".join(pdf_text(pdf)) for name, pdf in forms.items()}
    assert "Nguyễn Văn Bình" in texts["form01_receipt_A5"] and "GIẤY TIẾP NHẬN HỒ SƠ" in texts["form01_receipt_A5"]
    assert "Tạm dừng tính thời gian giải quyết" in texts["form06_control_slip_A4"]  # the demo's paused dossier
    assert "Trần Thị Cúc" in texts["form02_supplement_request_A5"] and "Giấy chứng sinh" in texts["form02_supplement_request_A5"]
    assert "xã Phú Lộc" in texts["form03_refusal_A5"]
    assert "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Lê Văn Hùng" in texts["form04_apology_extension_A5"]
    assert "Gia đình đề nghị dừng" in texts["form05_suspension_notice_A5"]
    assert "SỔ THEO DÕI HỒ SƠ" in texts["form07_logbook_A4"] and "Lê Minh Quân" in texts["form07_logbook_A4"]
