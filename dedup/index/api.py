"""The :class:`Index`: create, open, add, save, query, clusters, remove, merge (see :mod:`dedup.index`)."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from ..cluster import Cluster
from ..duplicates import DuplicateOptions
from ..errors import InvalidOptionError, check_texts
from ..near import cluster_keys
from ..normalize import NormalizeOptions
from ..options import positive_int
from ..passages import PassageOptions
from .files import (
    _ARRAYS,
    FORMAT_VERSION,
    LEGACY_FORMATS,
    IndexFileError,
    Match,
    Recurring,
    _alive,
    _options_json,
    _read_segment,
    _Segment,
    _subset,
    document_arrays,
    normalize_of,
    segment_of,
)
from .interop import imported_segment, minhashes, to_datasketch
from .lookup import band_hits, column, family_labels, gather_sets, ids_of, line_families, measures


class Index:
    """Documents indexed for near-duplicate search, saved as plain files (see the module docstring).

    Create one with :meth:`create`, read one with :meth:`open`; :meth:`add` documents and
    :meth:`save` (or use it as a context manager, which saves on a clean exit), :meth:`query`
    new texts against it, :meth:`clusters` over everything added, :meth:`remove` ids, and
    :meth:`merge` indexes built apart.
    """

    def __init__(
        self,
        path: Path,
        options: DuplicateOptions,
        manifest: dict[str, Any],
        passages: PassageOptions | None = None,
        lines: NormalizeOptions | None = None,
        sample: int = 1,
    ) -> None:
        self.path = path
        self.options = options
        self.passages = passages
        self.lines = lines
        self.sample = sample
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
    def create(
        cls,
        path: str | Path,
        options: DuplicateOptions | None = None,
        *,
        passages: PassageOptions | None = PassageOptions(),
        lines: NormalizeOptions | None = NormalizeOptions(),
        sample: int = 1,
    ) -> Index:
        """A new, empty index at ``path`` (a folder that must not exist or be empty).

        Parameters
        ----------
        path : str or Path
        options : DuplicateOptions, optional
            How whole documents are compared (default ``DuplicateOptions()``). With
            ``strip_boilerplate`` (the default BoilerplateOptions only), each document is
            compared without the boilerplate found in its batch (as ``find_duplicates`` finds
            it) and without the lines recurring in ``min_docs`` families of the index.
        passages : PassageOptions or None
            Keep every paragraph's band keys under these options, so that cleaning against
            the index finds passages the corpus holds (None: documents only). Its ``ngram`` and
            ``normalize`` must be those of ``options``: a paragraph is checked against the
            stored n-grams of the indexed documents.
        lines : NormalizeOptions or None
            Keep every line's exact key under this matching view, so that cleaning against the
            index finds lines recurring across the corpus (None: no line keys).
        sample : int
            Keep of each document's n-gram hashes those divisible by ``sample`` (1: all).
            Verification then estimates Jaccard and containment on that consistent sample:
            an index ``sample`` times smaller in its largest part and faster to query, whose
            answers near the thresholds may differ from exact ones (and which cannot export
            MinHashes). For long documents; 1 keeps verification exact.

        All four are fixed for the index's life.
        """
        from .. import __version__

        options = DuplicateOptions() if options is None else options
        if not isinstance(options, DuplicateOptions):
            raise InvalidOptionError(f"options must be DuplicateOptions, got {type(options).__name__}")
        _options_json(options)  # refuses what an index cannot keep
        if options.strip_boilerplate and lines is not None and lines != options.boilerplate.normalize:
            raise InvalidOptionError("lines must be options.boilerplate.normalize: they are the lines stripped")
        if passages is not None and (passages.ngram, passages.normalize) != (options.ngram, options.normalize):
            raise InvalidOptionError(
                "passages.ngram and passages.normalize must equal the index's ngram and normalize: "
                "paragraphs are checked against the indexed documents' n-grams"
            )
        sample = positive_int("sample", sample)
        path = Path(path)
        if path.exists() and any(path.iterdir()):
            raise InvalidOptionError(f"{path} exists and is not empty: give a new folder for the index")
        path.mkdir(parents=True, exist_ok=True)
        manifest = {
            "format": FORMAT_VERSION,
            "dedup": __version__,
            "options": _options_json(options),
            "passages": None if passages is None else asdict(passages),
            "lines": None if lines is None else asdict(lines),
            "sample": sample,
            "segments": [],
            "removed": None,
        }
        index = cls(path, options, manifest, passages, lines, sample)
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
        version = manifest.get("format")
        if version != FORMAT_VERSION and version not in LEGACY_FORMATS:
            from .. import __version__

            raise IndexFileError(
                f"{path}: index format {version} (written by dedup {manifest.get('dedup')}); "
                f"this dedup {__version__} reads formats {', '.join(map(str, sorted(LEGACY_FORMATS)))} and "
                f"{FORMAT_VERSION}: rebuild the index"
            )
        stored = manifest["options"]
        if (
            version in LEGACY_FORMATS
            and stored.get("strip_boilerplate")
            and (normalize_of(stored["normalize"], version) != normalize_of({}, version))
        ):
            raise IndexFileError(
                f"{path}: an index of format {version} compared documents on the default view whatever its normalize "
                "options said: rebuild the index"
            )
        kwargs = {k: v for k, v in stored.items() if k not in ("normalize", "strip_boilerplate")}
        built = DuplicateOptions(
            **kwargs,
            normalize=normalize_of(stored["normalize"], version),
            strip_boilerplate=bool(stored.get("strip_boilerplate", False)),
        )
        if options is not None and _options_json(options) != _options_json(built):
            differ = sorted(k for k, v in _options_json(options).items() if _options_json(built).get(k) != v)
            raise IndexFileError(f"{path} was built with other options ({', '.join(differ)}): use the index's own")
        passages = manifest.get("passages")
        if passages is not None:
            passages = PassageOptions(**{**passages, "normalize": normalize_of(passages["normalize"], version)})
        lines = normalize_of(manifest.get("lines"), version)
        return cls(path, built, manifest, passages, lines, int(manifest.get("sample", 1)))

    @property
    def format(self) -> int:
        """The index's format version (:data:`dedup.index.files.FORMAT_VERSION`, or an older one it reads)."""
        return int(self._manifest["format"])

    # ----------------------------------------------------------------- contents

    def _described(self) -> tuple[dict[str, Any], Any, Any, int]:
        """What the index keeps of documents (the options as read: an older format's with the fields it lacked)."""
        passages, lines = (None if o is None else asdict(o) for o in (self.passages, self.lines))
        return (_options_json(self.options), passages, lines, self.sample)

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
            self._pending.append(
                segment_of(
                    texts, ids, self.options, self.passages, self.lines, self._families, self.sample, self._recurring()
                )
            )

    def add_minhashes(self, items: Iterable[tuple[str, Any]]) -> int:
        """Add documents known only by their MinHash, as a datasketch user keeps them.

        Parameters
        ----------
        items : iterable of (str, MinHash)
            ``(id, datasketch.MinHash or LeanMinHash)`` with the index's ``num_perm`` and ``seed``.

        Returns
        -------
        int
            How many were added. They are matched by datasketch's estimate (see
            :mod:`dedup.index.interop`), not in :meth:`clusters`.
        """
        segment, n = imported_segment(self, items)
        self._lock()
        if segment is not None:
            self._pending.append(segment)
        return n

    def minhashes(self) -> Iterator[tuple[str, Any]]:
        """``(id, datasketch.LeanMinHash)`` of every document, in order: the same MinHash datasketch
        makes of the document's matching view with ``hashfunc=dedup.hash_shingle``."""
        return minhashes(self)

    def to_datasketch(self, lsh: Any = None) -> Any:
        """A ``datasketch.MinHashLSH`` of every document, keyed by id (:func:`dedup.index.interop.to_datasketch`)."""
        return to_datasketch(self, lsh)

    def _families(self, keys: np.ndarray) -> np.ndarray:
        """Family labels of new documents (:func:`dedup.index.lookup.family_labels`)."""
        segments = self._all_segments()
        hits = band_hits(segments, keys)
        return family_labels(keys, column(segments, hits[:, 1], "family"), hits)

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

    def _gather_sets(self, numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Shingle sets of documents by global number (int64 ``[k]``), in that order: hashes, offsets."""
        return gather_sets(self._all_segments(), numbers)

    def _ids_of(self, numbers: Sequence[int]) -> list[str]:
        """The ids of documents by global number, decoding only those."""
        return ids_of(self._all_segments(), np.asarray(numbers, dtype=np.int64))

    def clusters(self) -> list[Cluster]:
        """Near-duplicate clusters over every document in the index, numbered in the order added
        (removed ones left out): ``find_duplicates`` of those texts with the index's options."""
        live = self._live()
        if live.size < 2:
            return []
        segments = self._all_segments()
        keys = np.concatenate([s.keys() for s in segments])[live]
        lengths = np.concatenate([np.asarray(s.lengths) for s in segments])[live]

        def hashed(docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return self._gather_sets(live[docs])

        return list(cluster_keys(keys, lengths[:, 1].copy(), hashed, lengths[:, 0].copy(), self.options.near))

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
        keys, sigs, sets, _ = document_arrays(texts, self.options, self.sample, self._recurring(), batch=False)
        pairs = self._live_pairs(band_hits(self._all_segments(), keys))
        if not len(pairs):
            return [()] * len(texts)
        measured = self.measures(sets, sigs, pairs)
        keep = measured[:, 0] >= self.options.threshold
        if self.options.containment is not None:
            keep |= measured[:, 1] >= self.options.containment
        query, measured = pairs[keep, 0], measured[keep]
        named, name_of = np.unique(pairs[keep, 1], return_inverse=True)
        names = self._ids_of(named)
        id_rank = np.empty(len(names), dtype=np.int64)
        id_rank[np.argsort(np.array(names, dtype=object), kind="stable")] = np.arange(len(names))
        # best first: Jaccard, then containment, then id, all sorted at once
        order = np.lexsort((id_rank[name_of], -measured[:, 1], -measured[:, 0], query))
        rows = zip(name_of[order].tolist(), measured[order, 0].tolist(), measured[order, 1].tolist())
        matches = [Match(names[k], jaccard, containment) for k, jaccard, containment in rows]
        bounds = np.searchsorted(query[order], np.arange(len(texts) + 1)).tolist()
        return [tuple(matches[a:b]) for a, b in zip(bounds, bounds[1:])]

    def _recurring(self) -> Recurring | None:
        """What stripping boilerplate asks of the index's lines (None: it has no line keys)."""
        return self.line_families if self.lines is not None else None

    def line_families(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For exact line keys (uint64 ``[m]``), the number of families of indexed documents holding
        such a line and the first of them (int64 ``[m]`` each; :func:`dedup.index.lookup.line_families`)."""
        removed = np.fromiter(self._removed, np.int64, len(self._removed))
        return line_families(self._all_segments(), keys, removed)

    def _live_pairs(self, pairs: np.ndarray) -> np.ndarray:
        """Pairs (int64 ``[p, 2]``) whose indexed document (second column) is not removed."""
        if self._removed and len(pairs):
            return pairs[~np.isin(pairs[:, 1], np.fromiter(self._removed, np.int64, len(self._removed)))]
        return pairs

    def measures(self, sets: tuple[np.ndarray, np.ndarray], sigs: np.ndarray, pairs: np.ndarray) -> np.ndarray:
        """Jaccard, containment and shares (float64 ``[p, 4]``) of outside texts against indexed
        documents (:func:`dedup.index.lookup.measures`): ``sets`` and ``sigs`` are the texts'
        n-gram sets and signatures under the index's options, ``pairs`` int64 ``[p, 2]``
        (text, global document)."""
        return measures(self._all_segments(), sets, sigs, pairs)

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
            if other._described() != first._described():
                raise IndexFileError(f"{other.path} and {first.path} were built with other options: they cannot merge")
        merged = cls.create(path, first.options, passages=first.passages, lines=first.lines, sample=first.sample)
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
