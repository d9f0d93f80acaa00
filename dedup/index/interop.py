"""An index and datasketch: MinHashes out (``LeanMinHash``, ``MinHashLSH``) and in.

Out: an indexed document's signature is not stored but made again, exactly, from its stored
n-gram hashes — MinHash depends on the set of token hashes only — so it equals
``datasketch.MinHash(num_perm, seed, hashfunc=dedup.hash_shingle)`` updated with the n-grams
of the view the document is compared by (its matching view with ``strip_boilerplate=False``;
scheme ``"affine32"``).

In: a datasketch user's MinHashes (``MinHash`` or ``LeanMinHash`` objects with the index's
``num_perm`` and ``seed``) join the index as documents known by their signature alone: no
n-grams, paragraphs or lines. They are found by :meth:`Index.query` and cleaning against the
index with datasketch's own estimate (the share of equal signature values) and take no part
in :meth:`Index.clusters`, which verifies exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InvalidOptionError
from ..lsh import band_keys
from ..minhash import signatures_of_hashes, to_lean_minhash
from .files import _assemble, _Segment

if TYPE_CHECKING:
    from .api import Index


def _check_scheme(index: Index, exported: bool = False) -> None:
    if index.options.scheme != "affine32":
        raise InvalidOptionError(
            f"{index.path} uses scheme {index.options.scheme!r}: only 'affine32' signatures are datasketch's"
        )
    if exported and index.sample != 1:
        raise InvalidOptionError(f"{index.path} keeps 1 in {index.sample} n-grams: its MinHashes cannot be made again")


def signatures_of(index: Index, segment: _Segment) -> np.ndarray:
    """uint32 ``[n, num_perm]``: the signatures of a segment's documents (stored, or made from their n-grams)."""
    stored = np.asarray(segment.signatures)
    if stored.shape[0]:
        return stored
    options = index.options
    return signatures_of_hashes(
        np.asarray(segment.set_hashes), np.asarray(segment.set_offsets), num_perm=options.num_perm, seed=options.seed
    )


def minhashes(index: Index) -> Iterator[tuple[str, Any]]:
    """``(id, datasketch.LeanMinHash)`` of every document in the index, in order (removed ones left out)."""
    _check_scheme(index, exported=True)
    live = set(index._live().tolist())
    ids = index._all_ids()
    first = 0
    for segment in index._all_segments():
        sigs = signatures_of(index, segment)
        for row in range(len(segment)):
            if first + row in live:
                yield ids[first + row], to_lean_minhash(sigs[row], index.options.seed)
        first += len(segment)


def to_datasketch(index: Index, lsh: Any = None) -> Any:
    """A ``datasketch.MinHashLSH`` holding every document of the index under its id.

    A new one has the index's ``num_perm`` and bands × rows (``params``), so it proposes the
    candidates the index proposes; ``lsh`` (with the same ``num_perm``) is filled instead.
    Ids must be distinct (datasketch keys are).
    """
    from datasketch import MinHashLSH

    params = index.options.lsh
    if lsh is None:
        lsh = MinHashLSH(num_perm=index.options.num_perm, params=(params.bands, params.rows))
    with lsh.insertion_session() as session:
        for key, minhash in minhashes(index):
            session.insert(key, minhash)
    return lsh


def imported_segment(index: Index, items: Iterable[tuple[str, Any]]) -> tuple[_Segment | None, int]:
    """The segment of documents known by their MinHash: ``(id, MinHash or LeanMinHash)`` pairs.

    Returns the segment (None for no items) and how many documents it holds.
    """
    _check_scheme(index)
    options = index.options
    ids: list[str] = []
    rows: list[np.ndarray] = []
    for key, minhash in items:
        values = np.asarray(getattr(minhash, "hashvalues", None))
        if values.ndim != 1 or values.size != options.num_perm or int(getattr(minhash, "seed", -1)) != options.seed:
            raise InvalidOptionError(
                f"{key!r}: a MinHash of num_perm={options.num_perm} and seed={options.seed} is needed, got "
                f"{type(minhash).__name__} of {values.size} values and seed {getattr(minhash, 'seed', None)}"
            )
        ids.append(str(key))
        rows.append(values.astype(np.uint32))
    if not rows:
        return None, 0
    sigs = np.stack(rows)
    keys = band_keys(sigs, options.lsh)
    n = len(ids)
    empty = np.zeros(0, dtype=np.uint32)
    segment = _assemble(
        keys,
        empty,
        np.zeros(n + 1, dtype=np.int64),
        np.zeros((n, 2), dtype=np.int64),
        ids,
        index._families(keys),
        (np.zeros((0, 0), dtype=np.uint32), np.zeros((0, 0), dtype=np.int32)),  # no paragraphs
        (np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int32)),
        sigs,
    )
    return segment, n
