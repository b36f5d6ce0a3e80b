"""What lies within what: the project's one containment rule.

An entity lies directly within its `part_of` parent (a township in its county, a committee in the
party organisation it belongs to) or, when it has none, within the region it is `located_in` (a
school in its township, a company in its city). Containment is transitive: a village school lies
within its township, county, prefecture and province.

Membership (`member_of`: a cadre in a work team or a unit) is *not* containment. A cadre's personal
gift is not their county's, and a cadre's unit is not where they are; views that need somewhere to
draw a person say so themselves (the map places a person with no place of their own at their unit).

Everything that asks "what contains X" or "what lies in region R" reads these two functions: the
loader (`Dataset.ancestors`, and from it `gk:withinRegion` in the RDF and the build-time roll-ups),
the ingest register, the networkx analysis (`graphkit.analysis.containers/regions_of/within`), the
page's contained totals and map positions, and `graphkit path`.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["chain", "direct"]


def direct(part_of: str | None, located_in: str | None) -> str | None:
    """What an entity lies directly within: its parent, else its location.

    >>> direct("黑水县", "阿坝藏族羌族自治州")
    '黑水县'
    >>> direct(None, "黑水县")
    '黑水县'
    >>> direct(None, None) is None
    True
    """
    return part_of or located_in


def chain(start: str, container_of: Callable[[str], str | None]) -> list[str]:
    """Everything containing `start`, nearest first, following `container_of` to the top.

    `container_of` answers `direct` for one entity (None at the top or for an unknown id). A cycle
    in bad data ends the chain instead of looping.

    >>> parents = {"色尔古镇": "黑水县", "黑水县": "阿坝藏族羌族自治州"}
    >>> chain("色尔古镇", parents.get)
    ['黑水县', '阿坝藏族羌族自治州']
    >>> chain("甲", {"甲": "乙", "乙": "甲"}.get)
    ['乙']
    """
    found: list[str] = []
    current = container_of(start)
    while current is not None and current != start and current not in found:
        found.append(current)
        current = container_of(current)
    return found
