"""Near-duplicate documents: ``find_duplicates``.

A run is a short sequence of phases over the matching views of the texts:

    views    matching views, without the collection's boilerplate lines
    sketch   shingle → MinHash signatures                  (in batches)
    band     LSH band keys → candidate pairs
    verify   exact Jaccard / containment of the candidates' shingle sets
    cluster  connected components → representative, similarity to it
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from .arrays import run_tiles, sorted_unique, tiles
from .boilerplate import BoilerplateOptions, ClusterEngine, LineAnalysis, analyse_lines, boilerplate_free_views
from .cluster import Cluster, Representative, connected_components, group_members, pick_representatives
from .options import KeywordOptions
from .errors import InvalidOptionError, check_texts
from .lsh import LSHParams, band_keys, candidate_pairs, optimal_params
from .minhash import SCHEMES, signatures
from .normalize import NormalizeOptions, matching_texts
from .shingle import encode, shingle_hashes, unique_shingles
from .store import take
from .verify import similarities, verify_pairs

__all__ = ["DuplicateOptions", "cluster_views", "duplicate_clusters", "find_duplicates", "shingle_sets"]


@dataclass(frozen=True)
class DuplicateOptions(KeywordOptions):
    """Options of :func:`find_duplicates`.

    Attributes
    ----------
    threshold : float
        Exact Jaccard similarity of the matching views' n-gram sets at or above
        which two documents are duplicates.
    ngram : int
        Characters per shingle.
    num_perm : int
        MinHash permutations.
    seed : int
        Seed of the permutations.
    scheme : str
        MinHash scheme (see :func:`dedup.signatures`).
    bands, rows : int, optional
        LSH shape; by default chosen from ``threshold`` so that a pair exactly at
        the threshold becomes a candidate with probability >= 0.95.
    containment : float, optional
        Also join a candidate pair when this share of the smaller document's
        shingles lies in the larger one (excerpts, truncations). Containment is
        never below Jaccard, so with ``containment <= threshold`` the threshold
        shapes which pairs LSH proposes and containment decides; None: Jaccard only.
    representative : "first", "longest" or callable
        Which member represents a cluster (see :func:`dedup.cluster.pick_representatives`).
    normalize : NormalizeOptions
        How the matching view is built.
    batch_size : int
        Documents sketched per batch; memory of the sketch phase is bounded by it.
    max_bucket : int
        LSH buckets larger than this contribute a star of pairs, not all pairs.
    workers : int, optional
        Threads for the sketch phase; results do not depend on it.
    strip_boilerplate : bool
        Compare documents without the boilerplate lines the collection shows
        (:mod:`dedup.boilerplate`), so a story wrapped in different site headers and
        footers still matches, and two stories wrapped in the same ones do not.
    boilerplate : BoilerplateOptions
        How boilerplate lines are found when ``strip_boilerplate`` is on (by default
        from corpus evidence only: ``webpage=False``).
    """

    threshold: float = 0.6
    ngram: int = 5
    num_perm: int = 128
    seed: int = 1
    scheme: str = "affine32"
    bands: int | None = None
    rows: int | None = None
    containment: float | None = 0.6
    representative: Representative = "first"
    normalize: NormalizeOptions = field(default_factory=NormalizeOptions)
    batch_size: int = 10_000
    max_bucket: int = 64
    workers: int | None = None
    strip_boilerplate: bool = True
    # Corpus evidence is what documents are compared without; the single-page
    # classifier adds nothing measurable to duplicate detection and costs ~35 ms a page.
    boilerplate: BoilerplateOptions = field(default_factory=lambda: BoilerplateOptions(webpage=False))

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise InvalidOptionError(f"threshold must be in (0, 1], got {self.threshold}")
        if self.containment is not None and not 0.0 < self.containment <= 1.0:
            raise InvalidOptionError(f"containment must be in (0, 1], got {self.containment}")
        for name in ("ngram", "num_perm", "batch_size", "max_bucket"):
            if getattr(self, name) < 1:
                raise InvalidOptionError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.scheme not in SCHEMES:
            raise InvalidOptionError(f"scheme must be one of {SCHEMES}, got {self.scheme!r}")
        if (self.bands is None) != (self.rows is None):
            raise InvalidOptionError("give both bands and rows, or neither")

    @property
    def lsh(self) -> LSHParams:
        """The LSH bands × rows in use."""
        if self.bands is not None and self.rows is not None:
            params = LSHParams(self.bands, self.rows)
            if params.num_perm > self.num_perm:
                raise InvalidOptionError(f"{self.bands} bands × {self.rows} rows exceed num_perm={self.num_perm}")
            return params
        return optimal_params(min(self.threshold, 0.999), self.num_perm)



def _batches(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    it = iter(texts)
    start = 0
    while batch := check_texts(itertools.islice(it, size), start):
        yield batch
        start += len(batch)


_TILE_CHARS = 1 << 18  # characters per tile of the shingle-set phase


def shingle_sets(views: list[str], ngram: int, workers: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct n-gram hashes of each view, tile by tile on ``workers`` threads.

    Returns
    -------
    set_hashes : np.ndarray
        uint32 ``[m]``, ascending within each view.
    set_offsets : np.ndarray
        int64 ``[len(views) + 1]``.
    """
    bounds = tiles(np.fromiter(map(len, views), dtype=np.int64, count=len(views)), _TILE_CHARS)
    parts: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def run(tile: tuple[int, int]) -> None:
        codepoints, offsets = encode(views[tile[0] : tile[1]])
        parts[tile[0]] = unique_shingles(*shingle_hashes(codepoints, offsets, ngram))

    run_tiles(run, bounds, workers)
    if not parts:
        return np.empty(0, dtype=np.uint32), np.zeros(len(views) + 1, dtype=np.int64)
    ordered = [parts[lo] for lo, _ in bounds]
    set_offsets = np.zeros(len(views) + 1, dtype=np.int64)
    np.cumsum(np.concatenate([np.diff(o) for _, o in ordered]), out=set_offsets[1:])
    return np.concatenate([h for h, _ in ordered]), set_offsets


def find_duplicates(
    texts: Iterable[str], *, threshold: float | None = None, options: DuplicateOptions | None = None, **kwargs
) -> list[Cluster]:
    """Clusters of near-duplicate documents.

    Parameters
    ----------
    texts : iterable of str
        Streamed in batches of ``batch_size``.
    threshold : float, optional
        Jaccard threshold; default 0.6 (see :class:`DuplicateOptions`).
    options : DuplicateOptions, optional
        Base options; keyword arguments override its fields.
    **kwargs
        Any other field of :class:`DuplicateOptions`.

    Returns
    -------
    list of Cluster
        Clusters of two or more documents, in order of their smallest member.
        Documents whose matching view is empty are never duplicates.
    """
    if threshold is not None:
        kwargs["threshold"] = threshold
    return duplicate_clusters(texts, DuplicateOptions.from_kwargs(options, **kwargs))


def duplicate_clusters(
    texts: Iterable[str], opts: DuplicateOptions, *, analysis: LineAnalysis | None = None, engine: ClusterEngine | None = None
) -> list[Cluster]:
    """:func:`find_duplicates` with resolved options, reusing parts computed elsewhere.

    Parameters
    ----------
    texts : iterable of str
        Not read with ``strip_boilerplate`` when ``analysis`` is given.
    opts : DuplicateOptions
    analysis : LineAnalysis, optional
        ``analyse_lines(texts, opts.boilerplate)``, when the caller has it (used only
        with ``strip_boilerplate``).
    engine : callable, optional
        Clusters matching views, like :func:`cluster_views` (the default);
        :mod:`dedup.distributed` passes one that runs on Ray.
    """
    engine = engine or cluster_views
    if opts.strip_boilerplate:
        # Boilerplate is a property of the collection, so the whole input is needed here.
        if analysis is None:
            analysis = analyse_lines(check_texts(texts), opts.boilerplate, engine=engine)
        views: Sequence[str] = boilerplate_free_views([], opts.boilerplate, analysis)
        lengths = analysis.lengths
    else:
        views, length_list = [], []
        for batch in _batches(texts, opts.batch_size):
            length_list.extend(map(len, batch))
            views.extend(matching_texts(batch, opts.normalize))
        lengths = np.asarray(length_list, dtype=np.int64)
    return engine(views, lengths, opts)


def cluster_views(views: Sequence[str], lengths: np.ndarray, opts: DuplicateOptions) -> list[Cluster]:
    """Near-duplicate clusters of matching views already built (phases sketch → cluster).

    Parameters
    ----------
    views : sequence of str
        One matching view per document: a list, or a sequence that builds them on demand
        (:class:`dedup.boilerplate.DocumentViews`); read by slices of ``batch_size`` for
        the signatures, then only the documents of candidate pairs for verification.
    lengths : np.ndarray
        int64 ``[len(views)]``, original text lengths (for ``representative="longest"``).
    opts : DuplicateOptions
    """
    params = opts.lsh
    n = len(views)
    if n < 2:
        return []

    # sketch
    sigs = np.concatenate(
        [
            signatures(views[lo : lo + opts.batch_size], num_perm=opts.num_perm, ngram=opts.ngram, seed=opts.seed, scheme=opts.scheme, workers=opts.workers)
            for lo in range(0, n, opts.batch_size)
        ]
    )

    # band
    candidates = candidate_pairs(band_keys(sigs, params), max_bucket=opts.max_bucket)
    if not len(candidates):
        return []

    # verify: shingle sets only of the units that appear in a candidate pair
    involved = sorted_unique(candidates)
    set_hashes, set_offsets = shingle_sets(take(views, involved), opts.ngram, opts.workers)
    local = np.searchsorted(involved, candidates)
    verified = verify_pairs(set_hashes, set_offsets, local, threshold=opts.threshold, containment_threshold=opts.containment)

    # cluster
    labels = connected_components(n, involved[verified.pairs])
    groups = group_members(labels)
    if not groups:
        return []
    reps = pick_representatives(groups, opts.representative, lengths)
    sizes = np.array([g.size for g in groups])
    member_all = np.concatenate(groups)
    rep_all = np.repeat(reps, sizes)
    jaccard, _ = similarities(
        set_hashes, set_offsets, np.stack([np.searchsorted(involved, rep_all), np.searchsorted(involved, member_all)], axis=1)
    )
    jaccard[member_all == rep_all] = 1.0
    bounds = np.cumsum(sizes)[:-1]
    return [
        Cluster(id=i, members=tuple(g.tolist()), representative=int(r), similarity=tuple(s.tolist()))
        for i, (g, r, s) in enumerate(zip(groups, reps, np.split(jaccard, bounds)))
    ]
