"""The :class:`Index`: create, open, add, save, query, clusters, remove, merge (see :mod:`dedup.index`)."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..arrays import concat_ranges
from ..cluster import Cluster
from ..duplicates import DuplicateOptions
from ..errors import InvalidOptionError, check_texts
from ..near import cluster_keys
from ..normalize import NormalizeOptions
from ..verify import intersection_sizes_between, measures_from_sizes
from .files import (
    _ARRAYS,
    FORMAT_VERSION,
    IndexFileError,
    Match,
    _alive,
    _options_json,
    _read_segment,
    _Segment,
    _segment_of,
    _subset,
)


class Index:
    """Documents indexed for near-duplicate search, saved as plain files (see the module docstring).

    Create one with :meth:`create`, read one with :meth:`open`; :meth:`add` documents and
    :meth:`save` (or use it as a context manager, which saves on a clean exit), :meth:`query`
    new texts against it, :meth:`clusters` over everything added, :meth:`remove` ids, and
    :meth:`merge` indexes built apart.
    """

    def __init__(self, path: Path, options: DuplicateOptions, manifest: dict[str, Any]) -> None:
        self.path = path
        self.options = options
        self._manifest = manifest
        bands = options.lsh.bands
        self._segments = [_read_segment(path / s["name"], int(s["docs"]), bands) for s in manifest["segments"]]
        removed = manifest.get("removed")
        self._removed = set(np.load(path / removed, allow_pickle=False).tolist()) if removed else set()
        self._pending: list[_Segment] = []
        self._locked = False
        self._ids: list[str] | None = None

    # ----------------------------------------------------------------- opening

    @classmethod
    def create(cls, path: str | Path, options: DuplicateOptions | None = None) -> Index:
        """A new, empty index at ``path`` (a folder that must not exist or be empty).

        ``options`` (default ``DuplicateOptions(strip_boilerplate=False)``) are fixed for
        the index's life; only ``strip_boilerplate=False`` is supported so far.
        """
        from .. import __version__

        options = DuplicateOptions(strip_boilerplate=False) if options is None else options
        if not isinstance(options, DuplicateOptions):
            raise InvalidOptionError(f"options must be DuplicateOptions, got {type(options).__name__}")
        if options.strip_boilerplate:
            raise InvalidOptionError(
                "an index compares whole documents: create it with DuplicateOptions(strip_boilerplate=False)"
            )
        path = Path(path)
        if path.exists() and any(path.iterdir()):
            raise InvalidOptionError(f"{path} exists and is not empty: give a new folder for the index")
        path.mkdir(parents=True, exist_ok=True)
        manifest = {
            "format": FORMAT_VERSION,
            "dedup": __version__,
            "options": _options_json(options),
            "segments": [],
            "removed": None,
        }
        index = cls(path, options, manifest)
        index._lock()
        index._write_manifest(manifest)
        return index

    @classmethod
    def open(cls, path: str | Path, options: DuplicateOptions | None = None) -> Index:
        """The index at ``path``, memory-mapped (opening reads the manifest and maps the files).

        Raises :class:`IndexFileError` for another format version, for ``options`` other than
        the index's, and for missing, truncated or mismatched files.
        """
        path = Path(path)
        try:
            manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise IndexFileError(f"{path} holds no index (no manifest.json)") from None
        except (OSError, ValueError) as error:
            raise IndexFileError(f"{path}/manifest.json: unreadable ({error})") from error
        if manifest.get("format") != FORMAT_VERSION:
            from .. import __version__

            raise IndexFileError(
                f"{path}: index format {manifest.get('format')} (written by dedup {manifest.get('dedup')}); "
                f"this dedup {__version__} reads format {FORMAT_VERSION}: rebuild the index"
            )
        stored = manifest["options"]
        kwargs = {k: v for k, v in stored.items() if k != "normalize"}
        built = DuplicateOptions(**kwargs, normalize=NormalizeOptions(**stored["normalize"]), strip_boilerplate=False)
        if options is not None and _options_json(options) != stored:
            differ = sorted(k for k, v in _options_json(options).items() if stored.get(k) != v)
            raise IndexFileError(f"{path} was built with other options ({', '.join(differ)}): use the index's own")
        return cls(path, built, manifest)

    # ----------------------------------------------------------------- contents

    def __len__(self) -> int:
        return len(self.ids())

    def _all_segments(self) -> list[_Segment]:
        return [*self._segments, *self._pending]

    def _all_ids(self) -> list[str]:
        if self._ids is None:
            self._ids = [i for s in self._segments for i in s.ids()]
        return self._ids + [i for s in self._pending for i in s.ids()]

    def _live(self) -> np.ndarray:
        """int64: global numbers of the documents not removed, in order."""
        total = sum(len(s) for s in self._all_segments())
        live = np.ones(total, dtype=bool)
        if self._removed:
            live[np.fromiter(self._removed, np.int64, len(self._removed))] = False
        return np.flatnonzero(live)

    def ids(self) -> list[str]:
        """The ids of the documents in the index (removed ones left out), in the order added."""
        every = self._all_ids()
        return [every[i] for i in self._live().tolist()]

    # ----------------------------------------------------------------- writing

    def add(self, texts: Iterable[str], ids: Sequence[str] | None = None) -> None:
        """Add documents (kept in memory until :meth:`save`). ``ids`` default to running numbers."""
        texts = list(texts)
        check_texts(texts)
        start = len(self._all_ids())
        ids = [str(start + i) for i in range(len(texts))] if ids is None else [str(i) for i in ids]
        if len(ids) != len(texts):
            raise InvalidOptionError(f"{len(texts)} texts but {len(ids)} ids")
        self._lock()
        if texts:
            self._pending.append(_segment_of(texts, ids, self.options))

    def remove(self, ids: Iterable[str]) -> int:
        """Mark the documents with these ids removed (all copies of an id); returns how many."""
        wanted = {str(i) for i in ids}
        self._lock()
        hits = {i for i, doc_id in enumerate(self._all_ids()) if doc_id in wanted} - self._removed
        self._removed |= hits
        return len(hits)

    def save(self) -> None:
        """Write what was added and removed since the last save, atomically; keeps the lock."""
        self._lock()
        manifest = dict(self._manifest)
        segments = list(manifest["segments"])
        for segment in self._pending:
            name = f"seg-{len(segments):05d}"
            self._write_folder(name, segment)
            segments.append({"name": name, "docs": len(segment)})
        manifest["segments"] = segments
        if self._removed != self._stored_removed():
            name = f"removed-{uuid.uuid4().hex[:12]}.npy"
            tmp = self.path / f".tmp-{name}"
            np.save(tmp, np.array(sorted(self._removed), dtype=np.int64), allow_pickle=False)
            os.replace(tmp, self.path / name)
            manifest["removed"] = name
        self._write_manifest(manifest)
        old = self._manifest.get("removed")
        if old and old != manifest["removed"]:
            (self.path / old).unlink(missing_ok=True)
        self._manifest = manifest
        bands = self.options.lsh.bands
        self._segments = [_read_segment(self.path / s["name"], int(s["docs"]), bands) for s in segments]
        self._pending = []
        self._ids = None

    def _stored_removed(self) -> set[int]:
        name = self._manifest.get("removed")
        return set(np.load(self.path / name, allow_pickle=False).tolist()) if name else set()

    def _write_folder(self, name: str, segment: _Segment) -> None:
        final = self.path / name
        if final.exists():  # left by a save that crashed before its manifest: not part of the index
            shutil.rmtree(final)
        tmp = self.path / f".tmp-{name}-{uuid.uuid4().hex[:8]}"
        tmp.mkdir()
        for field_name in _ARRAYS:
            with open(tmp / f"{field_name}.npy", "wb") as handle:
                np.save(handle, np.asarray(getattr(segment, field_name)), allow_pickle=False)
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, final)

    def _write_manifest(self, manifest: dict[str, Any]) -> None:
        tmp = self.path / f".tmp-manifest-{uuid.uuid4().hex[:8]}.json"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(manifest, handle, indent=2, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path / "manifest.json")

    def _lock(self) -> None:
        if self._locked:
            return
        lock = self.path / ".lock"
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            try:
                pid = int(lock.read_text().strip() or 0)
            except (OSError, ValueError):
                pid = 0
            if pid and pid != os.getpid() and _alive(pid):
                raise IndexFileError(f"{self.path} is being written by process {pid}: one writer at a time") from None
            lock.unlink(missing_ok=True)  # left by a process that is gone
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        with os.fdopen(fd, "w") as handle:
            handle.write(str(os.getpid()))
        self._locked = True

    def close(self) -> None:
        """Give up the writer's lock (what was not saved is dropped)."""
        if self._locked:
            (self.path / ".lock").unlink(missing_ok=True)
            self._locked = False

    def __enter__(self) -> Index:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        try:
            if kind is None and (self._pending or self._removed != self._stored_removed()):
                self.save()
        finally:
            self.close()

    # ----------------------------------------------------------------- reading

    def _owners(self, numbers: np.ndarray) -> tuple[list[_Segment], np.ndarray, np.ndarray]:
        """The segments, and each global number's segment and number within it (int64 ``[k]`` each)."""
        segments = self._all_segments()
        firsts = np.cumsum([0, *(len(s) for s in segments)])
        owner = np.searchsorted(firsts, numbers, side="right") - 1
        return segments, owner, numbers - firsts[owner]

    def _gather_sets(self, numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Shingle sets of documents by global number (int64 ``[k]``), in that order: hashes, offsets."""
        segments, owner, local = self._owners(numbers)
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

    def _ids_of(self, numbers: Sequence[int]) -> list[str]:
        """The ids of documents by global number, decoding only those."""
        numbers = np.asarray(numbers, dtype=np.int64)
        segments, owner, local = self._owners(numbers)
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

    def clusters(self) -> list[Cluster]:
        """Near-duplicate clusters over every document in the index, numbered in the order added
        (removed ones left out): ``find_duplicates`` of those texts with the index's options."""
        live = self._live()
        if live.size < 2:
            return []
        segments = self._all_segments()
        keys = np.concatenate([np.asarray(s.keys) for s in segments])[live]
        lengths = np.concatenate([np.asarray(s.lengths) for s in segments])[live]

        def hashed(docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return self._gather_sets(live[docs])

        return cluster_keys(keys, lengths[:, 1].copy(), hashed, lengths[:, 0].copy(), self.options.near)

    def query(self, texts: Iterable[str]) -> list[tuple[Match, ...]]:
        """For each text, the indexed documents that are its near-duplicates, best first.

        A document matches when the exact Jaccard of the two views reaches ``threshold`` or
        the containment reaches ``containment``, the rule of :func:`dedup.find_duplicates`.
        The cost grows with the texts and the candidates they find, not with the index:
        each band is a binary search in every segment's sorted keys.
        """
        texts = list(texts)
        check_texts(texts)
        if not texts:
            return []
        new = _segment_of(texts, [""] * len(texts), self.options)
        pairs = self._candidates(new.keys)
        if self._removed and len(pairs):
            pairs = pairs[~np.isin(pairs[:, 1], np.fromiter(self._removed, np.int64, len(self._removed)))]
        out: list[list[Match]] = [[] for _ in texts]
        if len(pairs):
            measured = self._measure(new, pairs)
            keep = measured[:, 0] >= self.options.threshold
            if self.options.containment is not None:
                keep |= measured[:, 1] >= self.options.containment
            named, name_of = np.unique(pairs[keep, 1], return_inverse=True)
            names = self._ids_of(named)
            rows = zip(pairs[keep, 0].tolist(), name_of.tolist(), measured[keep, :2].tolist())
            for q, k, (jaccard, containment) in rows:
                out[q].append(Match(names[k], jaccard, containment))
        return [tuple(sorted(m, key=lambda x: (-x.jaccard, -x.containment, x.id))) for m in out]

    def _measure(self, new: _Segment, pairs: np.ndarray) -> np.ndarray:
        """:func:`dedup.verify.measures` of (query, global document) pairs, segment by segment: the
        kernel reads each document's set where it lies (memory-mapped), nothing is gathered."""
        segments, owner, local = self._owners(pairs[:, 1])
        query_sets = (np.asarray(new.set_hashes), np.asarray(new.set_offsets))
        inter = np.zeros(len(pairs), dtype=np.int64)
        size_b = np.zeros(len(pairs), dtype=np.int64)
        for s in np.unique(owner).tolist():
            mine = np.flatnonzero(owner == s)
            segment_sets = (segments[s].set_hashes, segments[s].set_offsets)
            local_pairs = np.stack([pairs[mine, 0], local[mine]], axis=1)
            inter[mine] = intersection_sizes_between(query_sets, segment_sets, local_pairs)
            offsets = segments[s].set_offsets
            size_b[mine] = offsets[local[mine] + 1] - offsets[local[mine]]
        size_a = np.diff(new.set_offsets)[pairs[:, 0]]
        return measures_from_sizes(inter, size_a, size_b)

    def _candidates(self, keys: np.ndarray) -> np.ndarray:
        """int64 ``[p, 2]``: distinct (query, global document) pairs sharing a band key."""
        found = []
        first = 0
        for segment in self._all_segments():
            sorted_keys, sorted_docs = np.asarray(segment.sorted_keys), np.asarray(segment.sorted_docs)
            for band in range(keys.shape[1]):
                lo = np.searchsorted(sorted_keys[band], keys[:, band], side="left")
                hi = np.searchsorted(sorted_keys[band], keys[:, band], side="right")
                hits = hi - lo
                if hits.any():
                    queries = np.repeat(np.arange(len(keys)), hits)
                    docs = sorted_docs[band][concat_ranges(lo, hits)] + first
                    found.append(np.stack([queries, docs], axis=1))
            first += len(segment)
        if not found:
            return np.zeros((0, 2), dtype=np.int64)
        pairs = np.concatenate(found)
        codes = np.unique(pairs[:, 0] * max(first, 1) + pairs[:, 1])  # (query, document) as one sortable code
        return np.stack([codes // max(first, 1), codes % max(first, 1)], axis=1)

    # ----------------------------------------------------------------- merging

    @classmethod
    def merge(cls, indexes: Sequence[Index], path: str | Path) -> Index:
        """One new index at ``path`` holding the documents of ``indexes`` in order (removed ones left out).

        The indexes must have the same options. Their segments are copied as they are,
        without their removed documents.
        """
        if not indexes:
            raise InvalidOptionError("merge needs at least one index")
        first = indexes[0]
        for other in indexes[1:]:
            if _options_json(other.options) != _options_json(first.options):
                raise IndexFileError(f"{other.path} and {first.path} were built with other options: they cannot merge")
        merged = cls.create(path, first.options)
        for index in indexes:
            live = index._live()
            if not live.size:
                continue
            every = index._all_ids()
            segments = index._all_segments()
            firsts = np.cumsum([0, *(len(s) for s in segments)])
            for s, segment in enumerate(segments):
                rows = live[(live >= firsts[s]) & (live < firsts[s + 1])] - firsts[s]
                if rows.size:
                    merged._pending.append(_subset(segment, rows, [every[firsts[s] + r] for r in rows.tolist()]))
        merged.save()
        return merged
