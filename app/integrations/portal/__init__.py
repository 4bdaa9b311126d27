"""The provincial platform / national portal (Cổng DVCQG): message shapes, and the stand-in server.

``messages`` turns a dossier's record into the portal's message (field names
as public systems use them: MaHoSo, MaTTHC, TrangThaiHoSo, QuaTrinhXuLy …;
instants ``yyyyMMddHHmmss`` in Vietnam time), validated against the JSON
Schemas of ``docs/integration/schemas`` — the one place a province adapts to
its platform. ``simulator`` is a real HTTP server standing in for the
platform (``flask portal simulate``): it validates what it receives, keeps
it, answers lookups and injects faults on request.
"""
