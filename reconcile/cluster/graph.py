"""From reports to clusters: candidates by a sweep over time, scored pairs, components, constrained merging.

1. Candidates: reports sorted by the start of their time interval; a report is paired only with the reports that
   start before its own interval ends plus ``split_gap`` (a sweep, never all pairs), in blocks so that memory
   stays bounded whatever the archive size.
2. Every candidate pair is scored at once (``evidence.score_pairs``); pairs above the threshold become edges.
3. Lineages (a report and its revisions) are single nodes. Connected components of the edge graph split the problem
   into independent parts.
4. A component whose lineages all come from different sources and are all linked to each other is one event.
   Any other component is clustered by average-linkage merging under a cannot-link constraint (two lineages of one
   source never share a cluster; nothing 20+ minutes apart): a chain A-B-C where A and C disagree does not
   collapse into one event, which plain connected components would do. A local search then swaps or moves single
   lineages where the evidence says the greedy merge placed them wrongly.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable

import networkx as nx
import numpy as np

from ..profile import ClusteringSpec, Profile
from .evidence import CANNOT_LINK, MUST_LINK, Comparator, score_pairs
from .features import Features

BLOCK = 50_000


def candidate_pairs(f: Features, split_gap: float) -> tuple[np.ndarray, np.ndarray]:
    """The sweep: reports in order of their interval's start; report ``order[k]`` is a candidate with every
    ``order[k+1 : stop[k]]``, the reports starting no later than its interval ends plus ``split_gap``. Returns
    (order, stop); the pairs themselves are materialised block by block by the caller."""
    order = np.argsort(f.t_lo, kind="stable")
    lo_sorted = f.t_lo[order]
    reach = f.t_hi[order] + split_gap
    stop = np.searchsorted(lo_sorted, reach, side="right")
    stop = np.maximum(stop, np.arange(1, f.n + 1))
    return order, stop


def scored_edges(
    f: Features, comps: list[Comparator], profile: Profile, progress: Callable[[int], None] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The edges (i, j, score) between reports whose evidence is above the threshold, plus must-links between
    revisions of one lineage wherever they lie in time."""
    split_gap = profile.clustering.split_gap
    threshold = profile.clustering.threshold
    order, stop = candidate_pairs(f, split_gap)
    out_a, out_b, out_w = [], [], []
    for start in range(0, f.n, BLOCK):
        end = min(f.n, start + BLOCK)
        counts = stop[start:end] - np.arange(start, end) - 1
        total = int(counts.sum())
        if total:
            first = np.repeat(np.arange(start, end), counts)
            offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
            second = first + 1 + offsets
            a, b = order[first], order[second]
            w = score_pairs(f, a, b, comps)
            # an earlier revision does not speak for its lineage: only current reports link lineages
            keep = (w > threshold) & f.current[a] & f.current[b]
            out_a.append(a[keep])
            out_b.append(b[keep])
            out_w.append(w[keep])
        if progress is not None:
            progress(end - start)
    # revisions are linked whatever their times say
    lin_sorted = np.argsort(f.lineage, kind="stable")
    lin = f.lineage[lin_sorted]
    same_next = np.flatnonzero(lin[1:] == lin[:-1])
    out_a.append(lin_sorted[same_next])
    out_b.append(lin_sorted[same_next + 1])
    out_w.append(np.full(len(same_next), MUST_LINK))
    a, b, w = np.concatenate(out_a), np.concatenate(out_b), np.concatenate(out_w)
    return a.astype(np.int64), b.astype(np.int64), w


def components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components by vectorised label propagation with pointer jumping; returns a label per node."""
    label = np.arange(n)
    if len(a) == 0:
        return label
    while True:
        la, lb = label[a], label[b]
        low = np.minimum(la, lb)
        new = label.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]  # pointer jumping
        if np.array_equal(new, label):
            return label
        label = new


def cluster(f: Features, a: np.ndarray, b: np.ndarray, w: np.ndarray, profile: Profile,
            cannot: tuple[np.ndarray, np.ndarray] | None = None) -> list[list[int]]:
    """Clusters of report indices from scored edges. Components are walked as slices of arrays sorted by
    component, so that no per-report Python structure is built for the million reports that need none.
    ``cannot`` holds pairs of reports an analyst split apart; pairs an analyst joined come as ``MUST_LINK`` edges."""
    label, la, lb, lw = _lineage_edges(f, a, b, w)
    by_label = np.argsort(label, kind="stable")
    cuts = np.flatnonzero(np.diff(label[by_label])) + 1
    edge_label = label[la]
    order = np.argsort(edge_label, kind="stable")
    la, lb, lw, edge_label = la[order], lb[order], lw[order], edge_label[order]
    easy = _easy_components(f, label, la, lb)
    split: dict[int, list[tuple[int, int]]] = {}  # per component label, the lineage pairs kept apart
    if cannot is not None and len(cannot[0]):
        ca, cb = f.lineage[cannot[0]], f.lineage[cannot[1]]
        for x, y in zip(ca.tolist(), cb.tolist(), strict=True):
            if x != y and label[x] == label[y]:
                split.setdefault(int(label[x]), []).append((min(x, y), max(x, y)))
                easy[label[x]] = False
    out: list[list[int]] = []
    for members_arr in np.split(by_label, cuts):
        members = members_arr.tolist()
        if len(members) == 1 or easy[label[members[0]]]:
            out.append(members)
            continue
        nodes: dict[int, list[int]] = {}
        for i, lin in zip(members, f.lineage[members_arr].tolist(), strict=True):
            nodes.setdefault(lin, []).append(i)
        lab = label[members[0]]
        s, e = np.searchsorted(edge_label, lab, side="left"), np.searchsorted(edge_label, lab, side="right")
        pairs: dict[tuple[int, int], float] = {}
        for x, y, wt in zip(la[s:e].tolist(), lb[s:e].tolist(), lw[s:e].tolist(), strict=True):
            if wt > pairs.get((x, y), -np.inf):
                pairs[(x, y)] = wt
        for pair in split.get(int(lab), ()):
            pairs[pair] = CANNOT_LINK
        source = {n: int(f.source[ms[0]]) for n, ms in nodes.items()}
        for group in _merge(nodes, pairs, source, _lineage_spans(f, nodes), profile.clustering):
            out.append([i for n in group for i in nodes[n]])
    return out


def _lineage_edges(f: Features, a: np.ndarray, b: np.ndarray,
                   w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The component label of every report, and the lineage-level edges (the strongest evidence between any
    revision of one lineage and any revision of the other) as (low lineage, high lineage, weight)."""
    la, lb = f.lineage[a], f.lineage[b]
    keep = la != lb
    la, lb, lw = np.minimum(la[keep], lb[keep]), np.maximum(la[keep], lb[keep]), w[keep]
    label = components(f.n, np.concatenate([la, a]), np.concatenate([lb, b]))
    return label, la, lb, lw


def component_labels(f: Features, a: np.ndarray, b: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Per report, the smallest report index of its connected component: the parts of the problem that are
    clustered independently of each other (what an incremental update must recompute together)."""
    return _lineage_edges(f, a, b, w)[0]


def _easy_components(f: Features, label: np.ndarray, la: np.ndarray, lb: np.ndarray) -> np.ndarray:
    """Per component label, whether it is one event as it stands, decided for all components at once: a single
    lineage, or lineages of distinct sources every two of which are linked (lineage ids are report indices)."""
    n = f.n
    lineages = np.bincount(np.unique(label * n + f.lineage) // n, minlength=n)  # distinct (component, lineage)
    sources = np.bincount(np.unique(label * n + f.source) // n, minlength=n)  # distinct (component, source)
    linked = np.unique(la * n + lb) // n  # one entry per distinct lineage pair, as its first lineage
    links = np.bincount(label[linked], minlength=n) if len(linked) else np.zeros(n, dtype=np.int64)
    return (lineages == 1) | ((lineages == sources) & (links == lineages * (lineages - 1) // 2))


def _lineage_spans(f: Features, nodes: dict[int, list[int]]) -> dict[int, tuple[float, float]]:
    """The time interval standing for each lineage in the merge constraints: that of its current revision (the
    narrowest, should a lineage have forked into several; any member's when a cycle of supersedes left none)."""
    spans: dict[int, tuple[float, float]] = {}
    for lin, members in nodes.items():
        current = [i for i in members if f.current[i]] or members
        spans[lin] = min(((float(f.t_lo[i]), float(f.t_hi[i])) for i in current), key=lambda s: s[1] - s[0])
    return spans


def _merge(nodes: dict[int, list[int]], pairs: dict[tuple[int, int], float], source: dict[int, int],
           span: dict[int, tuple[float, float]], rules: ClusteringSpec) -> list[list[int]]:
    """Average-linkage merging of lineages under two hard constraints: one source per event, and no two members
    whose times are ``split_gap`` apart. A pair of lineages without an edge counts ``non_edge`` (it scored at or
    below the threshold, or was never a candidate). A heap of cluster pairs with lazy invalidation keeps this
    O(E log E) on large components."""
    non_edge, threshold, split_gap = rules.non_edge, rules.threshold, rules.split_gap
    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_weighted_edges_from((x, y, wt) for (x, y), wt in pairs.items())
    clusters: dict[int, list[int]] = {n: [n] for n in nodes}
    sources: dict[int, set[int]] = {n: {source[n]} for n in nodes}
    # per cluster: the latest start and the earliest end of its members' times; two clusters hold a pair too far
    # apart exactly when one's latest start is split_gap past the other's earliest end
    late_lo = {n: span[n][0] for n in nodes}
    early_hi = {n: span[n][1] for n in nodes}
    # summed weight, edge count, analyst joins (MUST_LINK edges, which override both constraints)
    link: dict[int, dict[int, tuple[float, int, int]]] = {n: {} for n in nodes}
    for x, y, wt in g.edges(data="weight"):
        link[x][y] = link[y][x] = (wt, 1, int(wt >= MUST_LINK / 2))
    version = dict.fromkeys(nodes, 0)
    heap: list[tuple[float, int, int, int, int]] = []

    def push(x: int, y: int) -> None:
        total, count, forced = link[x][y]
        if forced:
            a, b = min(x, y), max(x, y)
            heapq.heappush(heap, (-math.inf, a, b, version[a], version[b]))
            return
        if sources[x] & sources[y]:
            return  # constraints only tighten as clusters grow: this pair never becomes possible again
        if late_lo[y] - early_hi[x] >= split_gap or late_lo[x] - early_hi[y] >= split_gap:
            return
        size = len(clusters[x]) * len(clusters[y])
        avg = (total + non_edge * (size - count)) / size
        if avg > threshold:
            a, b = min(x, y), max(x, y)
            heapq.heappush(heap, (-avg, a, b, version[a], version[b]))

    for x in nodes:
        for y in link[x]:
            if x < y:
                push(x, y)
    while heap:
        _, x, y, vx, vy = heapq.heappop(heap)
        if x not in clusters or y not in clusters or version[x] != vx or version[y] != vy:
            continue
        clusters[x] += clusters.pop(y)
        sources[x] |= sources.pop(y)
        late_lo[x] = max(late_lo[x], late_lo.pop(y))
        early_hi[x] = min(early_hi[x], early_hi.pop(y))
        version[x] += 1
        del link[x][y]
        for z, (total, count, forced) in link.pop(y).items():
            if z == x:
                continue
            t0, c0, f0 = link[x].get(z, (0.0, 0, 0))
            link[x][z] = link[z][x] = (t0 + total, c0 + count, f0 + forced)
            del link[z][y]
        for z in link[x]:
            push(x, z)
    result = _refine(list(clusters.values()), g, source=source, span=span, rules=rules)
    g.clear()  # a networkx graph is cyclic garbage: empty it now rather than leave it to the cyclic collector
    return result


def _refine(clusters: list[list[int]], g: nx.Graph, *, source: dict[int, int],
            span: dict[int, tuple[float, float]], rules: ClusteringSpec, max_passes: int = 10) -> list[list[int]]:
    """Local search after the greedy merge, under the same hard constraints (a missing edge counts ``non_edge``):
    swap two lineages of one source between clusters when that raises the total within-cluster evidence, and
    move a lineage to a cluster lacking its source when its average evidence there is higher. Greedy merging
    commits early: on a day with two salvos from one site, a state-media report may take the first salvo's place
    on its launch site alone and push its twin to the other salvo although every figure says otherwise."""
    non_edge, split_gap = rules.non_edge, rules.split_gap

    def w(u: int, v: int) -> float:
        data = g.get_edge_data(u, v)
        return non_edge if data is None else data["weight"]

    def fits(u: int, members: list[int]) -> bool:
        lo, hi = span[u]
        return all(span[v][0] - hi < split_gap and lo - span[v][1] < split_gap for v in members)

    def gain(u: int, members: list[int]) -> float:
        return sum(w(u, v) for v in members if v != u)

    if len(clusters) < 2:
        return clusters
    where = {u: k for k, members in enumerate(clusters) for u in members}
    for _ in range(max_passes):
        improved = False
        for u in list(where):
            a = where[u]
            rest_a = [v for v in clusters[a] if v != u]
            here = gain(u, rest_a)
            best_delta: float = 1e-9
            best_move: tuple[int, int | None] | None = None
            neighbours = {where[v] for v in g.neighbors(u)} - {a}
            avg_here = here / len(rest_a) if rest_a else rules.threshold
            for b in neighbours:
                twin = next((v for v in clusters[b] if source[v] == source[u]), None)
                if twin is None:
                    # a move, judged as the merge is: by average evidence with the members
                    if rest_a and fits(u, clusters[b]):
                        avg_there = gain(u, clusters[b]) / len(clusters[b])
                        delta = avg_there - avg_here
                        if avg_there > rules.threshold and delta > best_delta:
                            best_delta, best_move = delta, (b, None)
                    continue
                rest_b = [v for v in clusters[b] if v != twin]
                if not (fits(u, rest_b) and fits(twin, rest_a)):
                    continue
                delta = gain(u, rest_b) + gain(twin, rest_a) - here - gain(twin, rest_b)
                if delta > best_delta:
                    best_delta, best_move = delta, (b, twin)
            if best_move is None:
                continue
            b, twin = best_move
            clusters[a].remove(u)
            clusters[b].append(u)
            where[u] = b
            if twin is not None:
                clusters[b].remove(twin)
                clusters[a].append(twin)
                where[twin] = a
            improved = True
        if not improved:
            break
    return [c for c in clusters if c]
