"""Paper sizes a unit may choose for its printed forms."""

from enum import StrEnum


class PaperSize(StrEnum):
    """ISO paper size of a printed form."""

    A4 = "A4"
    A5 = "A5"

    @property
    def label(self) -> str:
        """Name shown in the settings form."""
        return {PaperSize.A4: "A4 (210 × 297 mm)", PaperSize.A5: "A5 (148 × 210 mm)"}[self]
