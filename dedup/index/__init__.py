"""A saved, incremental index of documents for near-duplicate search (:class:`Index`).

Yesterday's corpus is indexed once; today's crawl is added, queried, or cleaned against it
(``dedup.clean(texts, against=index)``, :mod:`dedup.clean.against`) at the cost of today's
batch. The index stores no text: per document its band keys (the LSH buckets), its sorted
shingle hashes (for exact verification), its lengths, its id and family, its paragraphs'
band keys and its lines' exact keys, in plain ``.npy`` files read with
``allow_pickle=False`` and memory-mapped.

Layout of ``PATH/`` (a folder)::

    manifest.json            format version, dedup version, options, segments, removed ids file
    seg-00000/               one segment a save: the documents added since the last one
        keys.npy             uint64 [n, bands]   band keys (dedup.lsh.band_keys of the signatures)
        sorted_keys.npy      uint64 [bands, n]   each band's keys, sorted
        sorted_docs.npy      int64  [bands, n]   the segment's document of each sorted key
        set_hashes.npy       uint32 [s]          sorted distinct n-gram hashes of each view
        set_offsets.npy      int64  [n + 1]      document i's hashes: set_hashes[set_offsets[i]:set_offsets[i + 1]]
        lengths.npy          int64  [n, 2]       text length and view length
        id_bytes.npy         uint8  [b]          the ids, UTF-8, one after the other
        id_offsets.npy       int64  [n + 1]
        family.npy           uint64 [n]          family label: documents sharing a band key share it
        unit_keys.npy        uint32 [pbands, u]  each band's paragraph keys (low 32 bits), sorted
        unit_docs.npy        int32  [pbands, u]  the segment's document of each sorted paragraph key
        line_keys.npy        uint64 [l]          distinct (line key, document) pairs, by key
        line_docs.npy        int32  [l]
    removed-00001.npy        int64 [r]           global numbers of removed documents (tombstones)

A save writes a new segment folder and a new removed file under temporary names, renames
them into place, and then replaces ``manifest.json`` atomically: a crash at any point leaves
the previous manifest and everything it names readable. One writer at a time: ``PATH/.lock``
holds the writer's process id (a lock left by a dead process is taken over).

Semantics: the documents are compared as :func:`dedup.find_duplicates` compares them with
``strip_boilerplate=False`` (matching views, MinHash-LSH candidates, exact verification,
centre clusters), so :meth:`Index.clusters` after any sequence of adds, saves and opens
equals ``find_duplicates`` of all texts added in order (removed ones left out).

Paragraphs are those of :func:`dedup.passages.unit_table` with a view of at least
``passages.min_chars`` (``pbands`` 0 and ``u`` 0 for an index without passages); lines are
the non-blank lines, keyed as :attr:`dedup.lines.LineTable.exact` under ``lines`` (none for
an index without lines).

Where things live: ``files`` (segments, their arrays and checks, :class:`Match`, the errors),
``lookup`` (binary searches of the sorted tables, per-document columns, family labels),
``api`` (:class:`Index`).
"""

from .api import Index
from .files import FORMAT_VERSION, IndexFileError, Match

__all__ = ["FORMAT_VERSION", "Index", "IndexFileError", "Match"]
