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

Semantics: the documents are compared as :func:`dedup.find_duplicates` compares them
(MinHash-LSH candidates, exact verification, centre clusters). With ``strip_boilerplate``
(the default) a document's view leaves out the boilerplate found within its ``add`` batch
and the lines recurring in ``min_docs`` families of the index; ``query`` and cleaning against
the index leave out only the latter, so a text's answer does not depend on the texts sent
with it. :meth:`Index.clusters` after one ``add`` equals ``find_duplicates`` of the texts;
with ``strip_boilerplate=False`` it equals ``find_duplicates(..., strip_boilerplate=False)``
of all texts added in order (removed ones left out) after any sequence of adds, saves and
opens. A ``sample`` above 1 keeps 1 in ``sample`` n-gram hashes: verification is then estimated.

Paragraphs are those of :func:`dedup.passages.unit_table` with a view of at least
``passages.min_chars`` (``pbands`` 0 and ``u`` 0 for an index without passages); lines are
the non-blank lines, keyed as :attr:`dedup.lines.LineTable.exact` under ``lines`` (none for
an index without lines).

Where things live: ``files`` (segments, their arrays and checks, :class:`Match`, the errors),
``lookup`` (binary searches of the sorted tables, per-document columns, family labels,
exact and estimated measures), ``interop`` (datasketch MinHashes out and in), ``api``
(:class:`Index`). Cleaning against an index: :mod:`dedup.clean.against`.
"""

from .api import Index
from .files import FORMAT_VERSION, IndexFileError, Match

__all__ = ["FORMAT_VERSION", "Index", "IndexFileError", "Match"]
