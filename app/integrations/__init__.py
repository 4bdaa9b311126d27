"""Adapters to systems outside Một Cửa (docs/architecture.md; ../shared/style.md §5), one package each."""
