"""清单匹配 in one go (/match_all): assign every queued demand at once, maximising the total score under each
craftsman's spare capacity.

Each demand's best candidates (from the matcher) are the edges; a craftsman with ``s`` free places becomes ``s``
columns; every demand also gets a "not assigned" column of its own at the highest cost, so a full matching
always exists. scipy's sparse minimum-weight full bipartite matching (LAPJVsp) then solves the whole list
exactly; cost = 2 − score, so minimising cost maximises the total score.

A craftsman without a Telegram account cannot be offered by ✅ (staff must phone him), so the plan prefers one who
can be offered in the chat when he fits nearly as well: a phone-only pair weighs ``PHONE_MARGIN`` less than its
score while solving (a chat craftsman within 0.10 of the phone-only one wins; the shown score is the real one). A
phone-only craftsman is still better than none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching
from sqlalchemy import select

from db.models import Craftsman
from services.matching import Matcher
from services.talent_index import Candidate, DemandQuery

UNASSIGNED = 2.0  # cost of leaving a demand unassigned: worse than any candidate (score > 0 → cost < 2)
PHONE_MARGIN = 0.10  # how much better a phone-only craftsman must fit to be picked over one offered in the chat


@dataclass(frozen=True)
class Pair:
    demand_id: int
    craftsman_id: int
    name: str
    score: float
    online: bool = True  # False: the craftsman has no Telegram account; ✅ cannot offer it, staff phone them


@dataclass(frozen=True)
class Plan:
    pairs: list[Pair]
    unassigned: list[int]  # demand ids

    @property
    def total(self) -> float:
        return round(sum(p.score for p in self.pairs), 3)

    @property
    def online_total(self) -> float:
        """The score of what ✅ 全部派单 can offer (phone-only pairs are counted apart)."""
        return round(sum(p.score for p in self.online), 3)

    @property
    def online(self) -> list[Pair]:
        """The pairs ✅ offers in the chat."""
        return [p for p in self.pairs if p.online]

    @property
    def by_phone(self) -> list[Pair]:
        """The pairs staff must phone (the craftsman has no Telegram account): assigned, but not offerable."""
        return [p for p in self.pairs if not p.online]


def _weight(candidate: Candidate) -> float:
    """What a pair is worth while solving: its score, less ``PHONE_MARGIN`` when only a phone call reaches him."""
    score = candidate.score - (0.0 if candidate.user_id is not None else PHONE_MARGIN)
    return max(min(score, 1.999), 0.001)


def solve(candidates: dict[int, list[Candidate]], spare: dict[int, int]) -> Plan:
    """The best assignment of demands (keys of ``candidates``) to craftsmen with ``spare`` free places each."""
    demands = list(candidates)
    columns: dict[int, list[int]] = {}  # craftsman id → its column numbers, one per free place
    for found in candidates.values():
        for c in found:
            if c.craftsman_id not in columns and spare.get(c.craftsman_id, 0) > 0:
                start = sum(len(v) for v in columns.values())
                columns[c.craftsman_id] = list(range(start, start + spare[c.craftsman_id]))
    first_dummy = sum(len(v) for v in columns.values())
    rows, cols, costs = [], [], []
    for i, demand_id in enumerate(demands):
        for c in candidates[demand_id]:
            for column in columns.get(c.craftsman_id, ()):
                rows.append(i)
                cols.append(column)
                costs.append(UNASSIGNED - _weight(c))
        rows.append(i)
        cols.append(first_dummy + i)
        costs.append(UNASSIGNED)
    if not demands:
        return Plan([], [])
    graph = csr_matrix(
        (np.array(costs), (np.array(rows), np.array(cols))), shape=(len(demands), first_dummy + len(demands))
    )
    _, matched = min_weight_full_bipartite_matching(graph)
    owner = {column: craftsman_id for craftsman_id, cs in columns.items() for column in cs}
    by_pair = {(d, c.craftsman_id): c for d in demands for c in candidates[d]}
    pairs, unassigned = [], []
    for i, column in enumerate(matched.tolist()):
        demand_id = demands[i]
        if column >= first_dummy:
            unassigned.append(demand_id)
        else:
            c = by_pair[(demand_id, owner[int(column)])]
            pairs.append(Pair(demand_id, c.craftsman_id, c.name, c.score, online=c.user_id is not None))
    return Plan(pairs, unassigned)


async def plan_for(matcher: Matcher, queries: dict[int, DemandQuery], per_demand: int = 10) -> Plan:
    """Candidates for every queued demand, then the best assignment under current spare capacity."""
    candidates = {
        demand_id: await matcher.rank(query, per_demand, reasons=False) for demand_id, query in queries.items()
    }
    ids = sorted({c.craftsman_id for found in candidates.values() for c in found})
    async with matcher.db.session() as session:
        capacity: dict[int, int] = dict(
            (await session.execute(select(Craftsman.id, Craftsman.capacity).where(Craftsman.id.in_(ids))))
            .tuples()
            .all()
        )
        loads = await Matcher.loads(session, ids)
    spare = {cid: max(0, capacity.get(cid, 0) - loads.get(cid, 0)) for cid in ids}
    return solve(candidates, spare)
