"""Several printed forms as one PDF: one print dialog at the desk (Mẫu 01 and Mẫu 06 together)."""

from __future__ import annotations

import io

from pypdf import PdfWriter


def combine(*documents: bytes) -> bytes:
    """The pages of ``documents``, in order, in one PDF (each page keeps its own paper size)."""
    writer = PdfWriter()
    for document in documents:
        writer.append(io.BytesIO(document))
    out = io.BytesIO()
    writer.write(out)
    writer.close()
    return out.getvalue()
