"""平台匹配: rank the craftsmen for a demand, each with the reasons a staffer can read.

The score (0–1) adds up six parts:

=============  ======  =====================================================================
part           weight  how
=============  ======  =====================================================================
industry       0.35    same GB/T 4754 division; 0.10 for the same section only
speciality     0.35    BM25 of the demand's words against the craftsman's 技术处方 (jieba tokens)
region         0.15    same county; 0.10 same city; 0.05 same province (escalated: province counts full)
load           0.05    share of capacity still free
rating         0.05    mean stars, shrunk towards 4 while there are few ratings
service mode   0.05    the craftsman offers the mode the enterprise asked for
=============  ======  =====================================================================

The reasons show the plain mean of the stars, as the craftsman's own /stats does; only the score shrinks it.

Paused, inactive, unpublished and full craftsmen, and those who declined (or were already asked about) this
demand, are never proposed.

The text, industry and region parts come from an in-memory index of the published talent pool (numpy arrays and a
BM25 inverted index), rebuilt when the pool changes; load, rating, pause and mode are read fresh from the database
for the few best candidates of each query.
"""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import Database
from db.models import Craftsman, CraftsmanIndustry, CraftsmanStatus, Demand, DemandStatus, Match, MatchStatus
from nlp.industry import catalogue
from nlp.normalize import normalize
from nlp.tokenize import Tokenizer
from services.clock import Clock
from services.talent_index import (
    BUSY,
    OPEN_DEMANDS,
    SHORTLIST,
    W_LOAD,
    W_MODE,
    W_RATING,
    Candidate,
    DemandQuery,
    Live,
    Reasons,
    TalentIndex,
    available,
    build_index,
    contains_row,
    rating_of,
    region_reason,
    static_scores,
)

W_DIVISION, W_SECTION = 0.35, 0.10
W_SPECIALITY = 0.35


class Matcher:
    def __init__(self, db: Database, clock: Clock, tokenizer: Tokenizer) -> None:
        self.db, self.clock, self.tokenizer = db, clock, tokenizer
        self._index: TalentIndex | None = None
        self._generation = 0  # bumped by invalidate(): a change made in this process
        self._lock = asyncio.Lock()

    def invalidate(self) -> None:
        """The talent pool changed here: rebuild the index before the next query."""
        self._generation += 1

    async def _version(self, session: AsyncSession) -> tuple[Any, ...]:
        """Changes made by another process show in the newest id or update time."""
        row = (await session.execute(select(func.max(Craftsman.id), func.max(Craftsman.updated_at)))).one()
        return self._generation, row[0], row[1]

    async def index(self) -> TalentIndex:
        async with self._lock:
            async with self.db.session() as session:
                version = await self._version(session)
                if self._index is not None and self._index.version == version:
                    return self._index
                rows = (
                    await session.execute(
                        select(
                            Craftsman.id,
                            Craftsman.name,
                            Craftsman.region_code,
                            Craftsman.search_text,
                            Craftsman.specialities,
                        )
                        .where(Craftsman.status == CraftsmanStatus.APPROVED, Craftsman.active.is_(True))
                        .order_by(Craftsman.id)
                    )
                ).all()
                divisions: dict[int, list[str]] = {}
                for craftsman_id, division in (
                    await session.execute(select(CraftsmanIndustry.craftsman_id, CraftsmanIndustry.division))
                ).all():
                    divisions.setdefault(craftsman_id, []).append(division)
            self._index = await asyncio.to_thread(
                build_index, [tuple(r) for r in rows], divisions, self.tokenizer, version
            )
            return self._index

    def words(self, text: str) -> list[str]:
        return self.tokenizer.content_words(normalize(text))

    # ------------------------------------------------------------------ queries
    async def query_of(self, demand_id: int) -> DemandQuery | None:
        async with self.db.session() as session:
            demand = await session.get(Demand, demand_id)
            if demand is None:
                return None
            asked = (
                await session.scalars(
                    select(Match.craftsman_id).where(
                        Match.demand_id == demand_id,
                        Match.status.in_(
                            (MatchStatus.DECLINED, MatchStatus.EXPIRED, MatchStatus.OFFERED, MatchStatus.ACCEPTED)
                        ),
                    )
                )
            ).all()
        text = " ".join(filter(None, (demand.text, demand.training_topic)))
        return DemandQuery(
            text,
            demand.industry,
            demand.region_code,
            demand.service_mode,
            demand.status is DemandStatus.ESCALATED,
            frozenset(asked),
        )

    async def for_demand(self, demand_id: int, k: int = 3) -> list[Candidate]:
        query = await self.query_of(demand_id)
        return await self.rank(query, k) if query is not None else []

    async def rank(self, query: DemandQuery, k: int = 5, reasons: bool = True) -> list[Candidate]:
        """The ``k`` best available craftsmen for ``query``, best first (without their reasons when not
        ``reasons``: the batch plan needs only the scores)."""
        index = await self.index()
        if not index.size:
            return []
        words = self.words(query.text)
        score, _ = static_scores(index, query, words)
        found: list[Live] = []
        seen: set[int] = set()
        order, start, size = None, 0, max(SHORTLIST, 4 * k)
        while len(found) < k and start < index.size:
            if order is None and size < index.size:  # the first round: only the best few need sorting
                rows = np.argpartition(-score, size)[:size]
                rows = rows[np.lexsort((rows, -score[rows]))]
            else:
                order = np.argsort(-score, kind="stable") if order is None else order
                rows = order[start : start + size]
            start += len(rows)
            rows = np.array([r for r in rows.tolist() if r not in seen], dtype=np.int64)  # ties at the first cut
            seen.update(rows.tolist())
            found += await self._live(index, query, rows, score)
            found.sort(key=lambda live: (-live.score, live.craftsman_id))
            # a later round cannot beat what is found: its static score is lower and live parts add at most this
            if len(found) >= k and start < index.size:
                rest = score[order[start]] if order is not None else score[rows].min() if len(rows) else 0.0
                if rest + W_LOAD + W_RATING + W_MODE <= found[k - 1].score:
                    break
            if order is None:
                order = np.argsort(-score, kind="stable")
        if not reasons:
            return [
                Candidate(
                    live.craftsman_id,
                    live.row_data.name,
                    live.row_data.user_id,
                    live.score,
                    Reasons(),
                    (live.row_data.phone or "").strip(),
                    live.row_data.workplace or "",
                    live.row_data.region_code,
                )
                for live in found[:k]
            ]
        return [self._candidate(index, query, set(words), live) for live in found[:k]]

    async def explain(self, query: DemandQuery, craftsman_id: int) -> Candidate | None:
        """Score and reasons of one craftsman for ``query`` (None when not in the published pool)."""
        index = await self.index()
        at = int(np.searchsorted(index.ids, craftsman_id))
        if at >= index.size or int(index.ids[at]) != craftsman_id:
            return None
        words = self.words(query.text)
        score, _ = static_scores(index, query, words)
        query = DemandQuery(query.text, query.division, query.region_code, query.service_mode, query.escalated)
        found = await self._live(index, query, np.array([at]), score, check=False)
        return self._candidate(index, query, set(words), found[0]) if found else None

    async def _live(
        self, index: TalentIndex, query: DemandQuery, rows: np.ndarray, score: np.ndarray, check: bool = True
    ) -> list[Live]:
        """Fresh load, rating, pause and mode for ``rows``; the available ones scored (all of them when not
        ``check``)."""
        ids = [int(index.ids[r]) for r in rows if int(index.ids[r]) not in query.exclude]
        if not ids:
            return []
        today = self.clock.now().date()
        async with self.db.session() as session:
            crafts = {
                c.id: c
                for c in (
                    await session.execute(
                        select(
                            Craftsman.id,
                            Craftsman.name,
                            Craftsman.user_id,
                            Craftsman.capacity,
                            Craftsman.active,
                            Craftsman.status,
                            Craftsman.paused_until,
                            Craftsman.rating_sum,
                            Craftsman.rating_count,
                            Craftsman.service_modes,
                            Craftsman.region_code,
                            Craftsman.phone,
                            Craftsman.workplace,
                        ).where(Craftsman.id.in_(ids))
                    )
                ).all()
            }
            loads = await self.loads(session, ids)
        position = {int(index.ids[r]): int(r) for r in rows}
        out = []
        for craftsman_id in ids:
            c = crafts.get(craftsman_id)
            if c is None:
                continue
            load = loads.get(craftsman_id, 0)
            if check and (not available(c.active, c.status, c.paused_until, today) or load >= c.capacity):
                continue
            row = position[craftsman_id]
            mean = rating_of(c.rating_sum, c.rating_count)
            mode = query.service_mode if query.service_mode and query.service_mode in (c.service_modes or []) else None
            total = (
                float(score[row])
                + W_LOAD * max(0.0, 1 - load / max(c.capacity, 1))
                + W_RATING * (mean - 1) / 4
                + (W_MODE if mode else 0.0)
            )
            out.append(Live(craftsman_id, round(total, 4), row, c, load, mode))
        return out

    def _candidate(self, index: TalentIndex, query: DemandQuery, words: set[str], live: Live) -> Candidate:
        return Candidate(
            live.craftsman_id,
            live.row_data.name,
            live.row_data.user_id,
            live.score,
            self._reasons(index, query, words, live.row, live.row_data, live.load, live.mode),
            (live.row_data.phone or "").strip(),
            live.row_data.workplace or "",
            live.row_data.region_code,
        )

    @staticmethod
    async def loads(session: AsyncSession, ids: list[int] | None = None) -> dict[int, int]:
        """Open cases per craftsman: offers waiting and accepted matches of demands still open."""
        query = (
            select(Match.craftsman_id, func.count())
            .join(Demand, Demand.id == Match.demand_id)
            .where(Match.status.in_(BUSY), Demand.status.in_(OPEN_DEMANDS))
            .group_by(Match.craftsman_id)
        )
        if ids is not None:
            query = query.where(Match.craftsman_id.in_(ids))
        return dict((await session.execute(query)).tuples().all())

    def _reasons(
        self,
        index: TalentIndex,
        query: DemandQuery,
        words: set[str],
        row: int,
        c: Row[Any],
        load: int,
        mode: str | None,
    ) -> Reasons:
        division = section = None
        if query.division:
            if contains_row(index.by_division.get(query.division), row):
                division = query.division
            else:
                found = catalogue().division(query.division)
                if found is not None and contains_row(index.by_section.get(found.section), row):
                    section = found.section
        specific = words - index.general
        skills = tuple(
            line for line in index.specialities[row] if specific & set(self.tokenizer.content_words(normalize(line)))
        )[:3]
        # the stars as given (what the craftsman's own /stats says), not the shrunk value the score uses
        rated = c.rating_sum / c.rating_count if c.rating_count else None
        return Reasons(
            division,
            section,
            skills,
            region_reason(query, c.region_code),
            load,
            c.capacity,
            round(rated, 1) if rated is not None else None,
            c.rating_count,
            mode,
        )
