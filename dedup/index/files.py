"""The files of an index: segments of plain arrays, read memory-mapped (see :mod:`dedup.index`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from ..arrays import concat_ranges
from ..duplicates import DuplicateOptions
from ..errors import DedupError, InvalidOptionError
from ..lsh import band_keys
from ..minhash import signatures
from ..near import NearOptions
from ..normalize import NormalizeOptions, matching_texts
from ..shingle import shingle_sets

FORMAT_VERSION = 1
_ARRAYS = ("keys", "sorted_keys", "sorted_docs", "set_hashes", "set_offsets", "lengths", "id_bytes", "id_offsets")


class IndexFileError(DedupError):
    """An index that cannot be used: another format version or options, a corrupt or missing file, a second writer."""


@dataclass(frozen=True)
class Match:
    """A document of the index that is a near-duplicate of a queried text.

    Attributes
    ----------
    id : str
    jaccard : float
        Exact Jaccard similarity of the two matching views' n-gram sets.
    containment : float
        The share of the smaller set that lies in the larger.
    """

    id: str
    jaccard: float
    containment: float


@dataclass(frozen=True)
class _Segment:
    """The arrays of one segment (memory-mapped when read from disk)."""

    keys: np.ndarray
    sorted_keys: np.ndarray
    sorted_docs: np.ndarray
    set_hashes: np.ndarray
    set_offsets: np.ndarray
    lengths: np.ndarray
    id_bytes: np.ndarray
    id_offsets: np.ndarray

    def __len__(self) -> int:
        return int(self.lengths.shape[0])

    def ids(self) -> list[str]:
        data = bytes(self.id_bytes)
        cuts = self.id_offsets.tolist()
        return [data[a:b].decode("utf-8", "surrogatepass") for a, b in zip(cuts, cuts[1:])]


def _options_json(options: DuplicateOptions) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(NearOptions):
        if f.name in ("batch_size", "workers"):  # how, not what: free to differ
            continue
        value = getattr(options, f.name)
        if callable(value):
            raise InvalidOptionError("an index needs a named representative policy ('first' or 'longest')")
        out[f.name] = value
    out["normalize"] = {f.name: getattr(options.normalize, f.name) for f in fields(NormalizeOptions)}
    return out


def _assemble(
    keys: np.ndarray,
    set_hashes: np.ndarray,
    set_offsets: np.ndarray,
    lengths: np.ndarray,
    ids: Sequence[str],
) -> _Segment:
    """A segment of documents from their band keys (uint64 ``[n, bands]``), shingle sets, lengths
    (int64 ``[n, 2]``) and ids: the band tables are sorted and the ids encoded here."""
    order = np.argsort(keys, axis=0, kind="stable").T.astype(np.int64)  # [bands, n]
    encoded = [i.encode("utf-8", "surrogatepass") for i in ids]
    id_offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=id_offsets[1:])
    return _Segment(
        keys,
        np.ascontiguousarray(np.take_along_axis(keys.T, order, axis=1)),
        np.ascontiguousarray(order),
        set_hashes,
        set_offsets,
        lengths,
        np.frombuffer(b"".join(encoded), dtype=np.uint8),
        id_offsets,
    )


def _segment_of(texts: Sequence[str], ids: Sequence[str], options: DuplicateOptions) -> _Segment:
    """The arrays of new documents."""
    views = matching_texts(texts, options.normalize)
    sigs = signatures(views, num_perm=options.num_perm, ngram=options.ngram, seed=options.seed, scheme=options.scheme)
    keys = band_keys(sigs, options.lsh) if len(views) else np.zeros((0, options.lsh.bands), dtype=np.uint64)
    set_hashes, set_offsets = shingle_sets(views, options.ngram)
    lengths = np.stack(
        [np.fromiter(map(len, texts), np.int64, len(texts)), np.fromiter(map(len, views), np.int64, len(views))],
        axis=1,
    ).reshape(-1, 2)
    return _assemble(keys, set_hashes, set_offsets, lengths, ids)


def _read_segment(folder: Path, docs: int, bands: int) -> _Segment:
    arrays = {}
    for name in _ARRAYS:
        path = folder / f"{name}.npy"
        try:
            arrays[name] = np.load(path, mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError) as error:
            raise IndexFileError(f"{path}: unreadable ({error}); the index is damaged") from error
    segment = _Segment(**arrays)
    ok = (
        segment.keys.shape == (docs, bands)
        and segment.sorted_keys.shape == (bands, docs)
        and segment.sorted_docs.shape == (bands, docs)
        and segment.set_offsets.shape == (docs + 1,)
        and segment.lengths.shape == (docs, 2)
        and segment.id_offsets.shape == (docs + 1,)
        and int(segment.set_offsets[-1]) == segment.set_hashes.shape[0]
        and int(segment.id_offsets[-1]) == segment.id_bytes.shape[0]
    )
    if not ok:
        raise IndexFileError(f"{folder}: the arrays do not fit together (truncated or mixed): the index is damaged")
    return segment


def _subset(segment: _Segment, rows: np.ndarray, ids: list[str]) -> _Segment:
    """The documents ``rows`` (int64, ascending) of a segment, as a segment of their own."""
    offsets = np.asarray(segment.set_offsets)
    counts = offsets[rows + 1] - offsets[rows]
    set_offsets = np.zeros(rows.size + 1, dtype=np.int64)
    np.cumsum(counts, out=set_offsets[1:])
    hashes = np.asarray(segment.set_hashes)[concat_ranges(offsets[rows], counts)]
    return _assemble(np.asarray(segment.keys)[rows], hashes, set_offsets, np.asarray(segment.lengths)[rows], ids)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
