"""``clean``: documents in, cleaned documents with a lossless removal report out.

A run, in three phases, so that a collection larger than memory can be cleaned with two
reads of it (the command line does; ``clean`` runs them over texts in memory). They are
public, for callers who stream their own collections:

    tabulate batch by batch: every document's lines with their keys (dedup.boilerplate),
             what the web-page classifier says of its lines (dedup.boilerplate.pages) and
             its paragraphs with their band keys (dedup.passages); the texts are not kept,
             the tables' strings may go to a spill folder (dedup.store); batches may be
             tabulated on worker processes (``processes``)                    → CleanTables
    plan     the whole collection: boilerplate line families, repeated passages, with
             ``cross_document`` near-duplicate documents (dedup.duplicates); each document's
             proposed cuts                                                       → CleanPlan
    apply    batch by batch again: inline noise of every document (pinyin annotations, HTML
             remnants, junk) and the planned cuts, overlaps resolved (duplicate > boilerplate
             > noise) and cut out; whole-line cuts take their line break and trailing blank
             lines                                                               → Cleaned

    ==========  ==================================================================
    tabulate    :func:`tabulate_batch` per batch, joined by :class:`TableBuilder`
                (:class:`Tabulator` on processes; :func:`tabulate` over texts in
                memory)                                            → :class:`CleanTables`
    plan        :func:`plan_clean`                                 → :class:`CleanPlan`
    apply       :func:`apply_plan` per batch, in the same order     → list of ``Cleaned``
    ==========  ==================================================================

("Sketch" is kept for MinHash signatures: :mod:`dedup.minhash`, :mod:`dedup.near`.)

Cleaning never rewrites kept text: the cleaned text is the original with spans cut
out, and ``restore`` puts them back.

Where things live: ``base`` (options, report), ``tabulate``, ``plan``, ``apply`` (the phases),
``api`` (``clean``, ``clean_report``, the cleaners).
"""

from ..removals import restore
from .api import Cleaner, LocalCleaner, clean, clean_report
from .apply import apply_plan
from .base import CleanOptions, CleanReport
from .plan import CleanPlan, plan_clean
from .tabulate import CleanTables, TableBuilder, Tabulator, tabulate, tabulate_batch

__all__ = [
    "CleanOptions",
    "CleanPlan",
    "CleanReport",
    "CleanTables",
    "Cleaner",
    "LocalCleaner",
    "apply_plan",
    "clean",
    "clean_report",
    "plan_clean",
    "restore",
    "tabulate",
    "tabulate_batch",
    "TableBuilder",
    "Tabulator",
]
