"""The command line: ``dedup clean INPUT... -o OUT`` and ``dedup find INPUT...``.

A ``clean`` run is a short sequence of timed phases::

    read     discover the inputs, stream every file into records (bad ones reported, skipped);
             each batch of about a million characters is tabulated (dedup.clean) and dropped,
             the tables' strings going to OUT/.partial/spill
    plan     boilerplate families, repeated passages, near-duplicate documents: every
             document's cuts (dedup.clean.plan_clean)
    write    the inputs read again batch by batch, cleaned with the plan; cleaned.jsonl (with the
             records' other fields), annotated.jsonl (--annotate) and text/ into OUT/.partial, a
             journal after each batch; with --output-format parquet, converted at the end
    publish  clusters.jsonl, boilerplate.jsonl, summary.json, options.json; everything renamed into OUT

The texts are never all in memory. An interrupted run leaves OUT/.partial with its journal;
``--resume`` reads, tabulates and plans again (deterministic), checks that options and inputs
are the same, truncates the output to the last completed batch and goes on from there.
Every output file is byte-identical to an uninterrupted run's except ``timings.json``.

Where things live: ``parser`` (arguments → options), ``inputs`` (discovery, standard input, the
two reads), ``progress`` (stderr: bar, log lines, timings), ``workspace`` (OUT: lock, journal,
resume, publish), ``outputs`` (the rows and the summary), ``parquet`` (``--output-format parquet``),
``commands`` (``clean``, ``find``, ``main``), ``common`` (exit statuses, names, printing).
"""

from .commands import main, run_clean, run_find
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_SKIPPED,
    EXIT_USAGE,
    JOURNAL_FORMAT,
    KILL_ENV,
    OUTPUTS,
    PARTIAL,
    UsageError,
    printable,
)
from .onray import read_parts
from .parser import build_parser
from .progress import Reporter

__all__ = [
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_SKIPPED",
    "EXIT_USAGE",
    "JOURNAL_FORMAT",
    "KILL_ENV",
    "OUTPUTS",
    "PARTIAL",
    "Reporter",
    "UsageError",
    "build_parser",
    "printable",
    "main",
    "read_parts",
    "run_clean",
    "run_find",
]
