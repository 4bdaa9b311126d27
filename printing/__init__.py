"""The legal forms of the one-stop desk (TT 03/2025/TT-VPCP Phụ lục I), one module per form.

Each module takes a frozen dataclass of resolved values and returns PDF bytes;
nothing here touches the database, the request or the clock.
"""

TEMPLATE_VERSION = "TT03-2025"
