"""Reading an index's segments by key: band tables, line keys and per-document columns.

Pure functions over the segments' arrays (memory-mapped or in memory); a document's global
number is its place in the index, counted over the segments in order (``firsts[s]`` is the
number of segment ``s``'s first document).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..arrays import concat_ranges, run_tiles, unique_rows
from ..verify import intersection_sizes_between, measures_from_sizes
from .files import _Segment

_PAIRS_A_JOB = 20_000  # candidate pairs verified by one thread at a time


def firsts_of(segments: Sequence[_Segment]) -> np.ndarray:
    """int64 ``[len(segments) + 1]``: the global number of each segment's first document, and the total."""
    return np.cumsum([0, *(len(s) for s in segments)]).astype(np.int64)


def owners(firsts: np.ndarray, numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each global number's segment and its number within it (int64 ``[k]`` each)."""
    owner = np.searchsorted(firsts, numbers, side="right") - 1
    return owner, numbers - firsts[owner]


def column(segments: Sequence[_Segment], numbers: np.ndarray, name: str) -> np.ndarray:
    """A per-document column (``family``, ``lengths`` …) of documents by global number (int64 ``[k]``)."""
    firsts = firsts_of(segments)
    owner, local = owners(firsts, numbers)
    sample = np.asarray(getattr(segments[0], name)) if segments else np.zeros(0)
    out = np.zeros((numbers.size, *sample.shape[1:]), dtype=sample.dtype)
    for s in np.unique(owner).tolist():
        mine = owner == s
        out[mine] = np.asarray(getattr(segments[s], name))[local[mine]]
    return out


def _distinct(pairs: list[np.ndarray], total: int) -> np.ndarray:
    """The distinct rows of int64 ``[p, 2]`` pairs (second column < ``total``), sorted."""
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    joined = np.concatenate(pairs)
    width = max(total, 1)
    codes = np.unique(joined[:, 0] * width + joined[:, 1])  # (row, document) as one sortable code
    return np.stack([codes // width, codes % width], axis=1)


def _runs(sorted_keys: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where ``keys`` occur in ``sorted_keys``: the rows of ``keys`` found, and the start and length
    of each one's run of equal keys (int64 ``[h]`` each). Most keys are not there: the run's end
    is searched only for those that are."""
    lo = np.searchsorted(sorted_keys, keys, side="left")
    inside = lo < sorted_keys.size
    found = np.flatnonzero(inside)
    found = found[sorted_keys[lo[found]] == keys[found]]
    lo = lo[found]
    return found, lo, np.searchsorted(sorted_keys, keys[found], side="right") - lo


def band_hits(segments: Sequence[_Segment], keys: np.ndarray, table: str = "") -> np.ndarray:
    """int64 ``[p, 2]``: distinct (row of ``keys``, global document) pairs sharing a band key.

    ``keys`` is uint64 ``[k, bands]``; ``table`` names the segments' sorted band table:
    ``""`` for the documents' (``sorted_keys``, ``sorted_docs``), ``"unit"`` for the
    paragraphs' (``unit_keys``, ``unit_docs``). Each band is a binary search in every segment.
    """
    found = []
    first = 0
    for segment in segments:
        if table:
            sorted_keys, sorted_docs = np.asarray(segment.unit_keys), np.asarray(segment.unit_docs)
        else:
            sorted_keys, sorted_docs = np.asarray(segment.sorted_keys), np.asarray(segment.sorted_docs)
        wanted = keys.astype(sorted_keys.dtype)  # the paragraphs' tables keep 32 bits of each key
        for band in range(min(keys.shape[1], sorted_keys.shape[0])):
            rows, lo, hits = _runs(sorted_keys[band], wanted[:, band])
            if rows.size:
                docs = sorted_docs[band][concat_ranges(lo, hits)].astype(np.int64) + first
                found.append(np.stack([np.repeat(rows, hits), docs], axis=1))
        first += len(segment)
    return _distinct(found, first)


def line_hits(segments: Sequence[_Segment], keys: np.ndarray) -> np.ndarray:
    """int64 ``[p, 2]``: distinct (row of ``keys``, global document) pairs, the document holding a
    line whose exact key (uint64 ``[k]``) is the row's."""
    found = []
    first = 0
    for segment in segments:
        rows, lo, hits = _runs(np.asarray(segment.line_keys), keys)
        if rows.size:
            docs = np.asarray(segment.line_docs)[concat_ranges(lo, hits)].astype(np.int64) + first
            found.append(np.stack([np.repeat(rows, hits), docs], axis=1))
        first += len(segment)
    return _distinct(found, first)


def line_families(segments: Sequence[_Segment], keys: np.ndarray, removed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How widely each line key recurs in the index.

    Parameters
    ----------
    segments : sequence of _Segment
    keys : np.ndarray
        uint64 ``[m]``, exact line keys.
    removed : np.ndarray
        int64 ``[r]``, global numbers of removed documents (not counted).

    Returns
    -------
    families : np.ndarray
        int64 ``[m]``: the number of families of the documents holding a line of that key.
    first : np.ndarray
        int64 ``[m]``: the first of those documents (-1: none).
    """
    pairs = line_hits(segments, keys)
    if removed.size and len(pairs):
        pairs = pairs[~np.isin(pairs[:, 1], removed)]
    first = np.full(keys.size, -1, dtype=np.int64)
    if not len(pairs):
        return np.zeros(keys.size, dtype=np.int64), first
    starts = np.flatnonzero(np.r_[True, pairs[1:, 0] != pairs[:-1, 0]])  # pairs are sorted by (row, document)
    first[pairs[starts, 0]] = pairs[starts, 1]
    labels = column(segments, pairs[:, 1], "family").view(np.int64)
    distinct = unique_rows(np.stack([pairs[:, 0], labels], axis=1))[0]
    return np.bincount(distinct[:, 0], minlength=keys.size).astype(np.int64), first


def family_labels(keys: np.ndarray, known: np.ndarray, hits: np.ndarray) -> np.ndarray:
    """Family labels of new documents: those sharing a band key with each other or with an indexed
    document are one family (a conservative stand-in for near-duplicate clusters).

    Parameters
    ----------
    keys : np.ndarray
        uint64 ``[n, bands]``, the new documents' band keys.
    known : np.ndarray
        uint64 ``[p]``, the family of the indexed document of each pair of ``hits``.
    hits : np.ndarray
        int64 ``[p, 2]``, (new document, indexed document) pairs sharing a band key.

    Returns
    -------
    np.ndarray
        uint64 ``[n]``: the smallest label reachable through shared keys; a document alone
        takes a hash of its keys (so that labels made apart rarely meet).
    """
    n = len(keys)
    mixed = keys * np.arange(1, 2 * keys.shape[1], 2, dtype=np.uint64)[None, :] if keys.size else keys
    label = np.bitwise_xor.reduce(mixed, axis=1) if keys.size else np.zeros(n, dtype=np.uint64)
    if len(hits):
        np.minimum.at(label, hits[:, 0], known)
    groups = [np.unique(keys[:, band], return_inverse=True)[1].reshape(-1) for band in range(keys.shape[1])]
    while True:  # spread the smallest label over documents sharing a key, until nothing changes
        before = label.copy()
        for inverse in groups:
            smallest = np.full(int(inverse.max()) + 1 if n else 0, np.iinfo(np.uint64).max, dtype=np.uint64)
            np.minimum.at(smallest, inverse, label)
            label = smallest[inverse]
        if np.array_equal(label, before):
            return label


def gather_sets(segments: Sequence[_Segment], numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shingle sets of documents by global number (int64 ``[k]``), in that order: hashes (uint32)
    and offsets (int64 ``[k + 1]``)."""
    owner, local = owners(firsts_of(segments), numbers)
    counts = np.zeros(numbers.size, dtype=np.int64)
    starts = np.zeros(numbers.size, dtype=np.int64)
    for s in np.unique(owner).tolist():
        mine = owner == s
        offsets = np.asarray(segments[s].set_offsets)
        starts[mine] = offsets[local[mine]]
        counts[mine] = offsets[local[mine] + 1] - starts[mine]
    out_offsets = np.zeros(numbers.size + 1, dtype=np.int64)
    np.cumsum(counts, out=out_offsets[1:])
    out = np.empty(int(out_offsets[-1]), dtype=np.uint32)
    for s in np.unique(owner).tolist():
        mine = np.flatnonzero(owner == s)
        values = np.asarray(segments[s].set_hashes)[concat_ranges(starts[mine], counts[mine])]
        out[concat_ranges(out_offsets[mine], counts[mine])] = values
    return out, out_offsets


def ids_of(segments: Sequence[_Segment], numbers: np.ndarray) -> list[str]:
    """The ids of documents by global number (int64 ``[k]``), decoding only those."""
    owner, local = owners(firsts_of(segments), numbers)
    out = [""] * numbers.size
    for s in np.unique(owner).tolist():  # each segment's ids gathered in one read, then cut
        mine = np.flatnonzero(owner == s)
        offsets = np.asarray(segments[s].id_offsets)
        starts, counts = offsets[local[mine]], offsets[local[mine] + 1] - offsets[local[mine]]
        data = np.asarray(segments[s].id_bytes)[concat_ranges(starts, counts)].tobytes()
        cuts = np.concatenate(([0], np.cumsum(counts))).tolist()
        for k, a, b in zip(mine.tolist(), cuts, cuts[1:]):
            out[k] = data[a:b].decode("utf-8", "surrogatepass")
    return out


def intersections(
    segments: Sequence[_Segment], sets: tuple[np.ndarray, np.ndarray], pairs: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact n-gram overlap of outside sets with indexed documents.

    Parameters
    ----------
    segments : sequence of _Segment
    sets : (np.ndarray, np.ndarray)
        Sorted distinct n-gram hashes (uint32) and offsets (int64) of some texts, hashed as
        the index hashes its documents (``dedup.shingle.shingle_sets`` with its ``ngram``).
    pairs : np.ndarray
        int64 ``[p, 2]``: (set, global document) pairs.

    Returns
    -------
    inter, size_a, size_b : np.ndarray
        int64 ``[p]`` each: the intersection, the set's size and the document's. The kernel
        reads each document's hashes where they lie (memory-mapped): nothing is gathered.
    """
    owner, local = owners(firsts_of(segments), pairs[:, 1])
    inter = np.zeros(len(pairs), dtype=np.int64)
    size_b = np.zeros(len(pairs), dtype=np.int64)
    jobs = []
    for s in np.unique(owner).tolist():
        mine = np.flatnonzero(owner == s)
        offsets = segments[s].set_offsets
        size_b[mine] = offsets[local[mine] + 1] - offsets[local[mine]]
        jobs += [(s, part) for part in np.array_split(mine, max(1, mine.size // _PAIRS_A_JOB))]
    query_sets = (np.ascontiguousarray(sets[0], dtype=np.uint32), np.ascontiguousarray(sets[1], dtype=np.int64))

    def run(job: int) -> None:  # the kernel releases the GIL: jobs run side by side on threads
        s, part = jobs[job]
        local_pairs = np.stack([pairs[part, 0], local[part]], axis=1)
        inter[part] = intersection_sizes_between(
            query_sets, (segments[s].set_hashes, segments[s].set_offsets), local_pairs
        )

    run_tiles(lambda bounds: run(bounds[0]), [(j, j + 1) for j in range(len(jobs))], None)
    return inter, np.diff(sets[1])[pairs[:, 0]], size_b


def measures(
    segments: Sequence[_Segment], sets: tuple[np.ndarray, np.ndarray], sigs: np.ndarray, pairs: np.ndarray
) -> np.ndarray:
    """:func:`dedup.verify.measures` of outside texts against indexed documents.

    Parameters
    ----------
    segments : sequence of _Segment
    sets : (np.ndarray, np.ndarray)
        The texts' n-gram sets, as for :func:`intersections`.
    sigs : np.ndarray
        uint32 ``[k, num_perm]``, the texts' signatures under the index's options.
    pairs : np.ndarray
        int64 ``[p, 2]``: (text, global document) pairs.

    Returns
    -------
    np.ndarray
        float64 ``[p, 4]``: exact Jaccard, containment and shares; for a document imported by
        its MinHash alone (``Index.add_minhashes``), all four are the share of equal signature
        values (datasketch's estimate).
    """
    measured = measures_from_sizes(*intersections(segments, sets, pairs))
    owner, local = owners(firsts_of(segments), pairs[:, 1])
    for s in np.unique(owner).tolist():
        stored = np.asarray(segments[s].signatures)
        if stored.shape[0]:
            mine = np.flatnonzero(owner == s)
            agree = (sigs[pairs[mine, 0], : stored.shape[1]] == stored[local[mine]]).mean(axis=1)
            measured[mine] = agree[:, None]
    return measured
