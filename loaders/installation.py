"""Whether a database holds only the fictional demo data (so demo mode is safe) or real data.

Demo förbund are recognised by name: `finsam demo` only ever creates names from
`demo_forbund_names`, and every other name (also "Demoförbundet Test") counts as real.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import Engine, select

from loaders.db import DATA_TABLES
from loaders.demo import demo_forbund_names
from loaders.demo_names import BASE_FORBUND, PLACE_PREFIXES, PLACE_SUFFIXES


@cache
def demo_forbund() -> frozenset[str]:
    """Every förbund name any demo size can create."""
    return frozenset(demo_forbund_names(
        len(BASE_FORBUND) + len(PLACE_PREFIXES) * len(PLACE_SUFFIXES)))


def non_demo_forbund(engine: Engine) -> list[str]:
    """Förbund in any table that the demo generator never creates, sorted.

    One DISTINCT per table with a förbund column; each table's unique key starts with
    förbund, so the database answers from that index.
    """
    names: set[str] = set()
    with engine.connect() as conn:
        for table in DATA_TABLES.values():
            if "forbund" in table.c:
                names.update(conn.execute(select(table.c.forbund).distinct()).scalars())
    return sorted(names - demo_forbund())
