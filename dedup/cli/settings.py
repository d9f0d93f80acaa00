"""What a parsed command line asks for: the library's options, the read options, the report's, and the settings
that decide a run's outputs (its fingerprint)."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any

from ..clean import CleanOptions
from ..io import ReadOptions
from ..report import ReportOptions
from .common import _jsonable


def report_options(args: argparse.Namespace) -> ReportOptions:
    """The :class:`ReportOptions` of ``dedup report`` (the defaults for ``dedup clean``)."""
    if args.command != "report":
        return ReportOptions()
    return ReportOptions(
        documents=args.documents,
        largest_clusters=args.clusters,
        random_clusters=args.clusters,
        seed=args.sample_seed,
    )


def _read_options(args: argparse.Namespace) -> ReadOptions:
    return ReadOptions(
        glob=args.glob,
        text_field=args.text_field,
        html=args.html,
        id_field=args.id_field,
        encoding=args.encoding,
        max_record_bytes=args.max_record_bytes,
        split=args.split,
    )


def _clean_options(args: argparse.Namespace) -> CleanOptions:
    """The library's defaults, overridden only by the flags given."""
    base = CleanOptions()
    sketch = {
        k: v for k, v in (("ngram", args.ngram), ("num_perm", args.num_perm), ("seed", args.seed)) if v is not None
    }
    matching = {
        k: getattr(args, k) for k in ("threshold", "representative", "clustering") if getattr(args, k) is not None
    }
    if args.containment is not None:
        matching["containment"] = None if args.containment == "off" else args.containment
    changes: dict[str, Any] = {
        "duplicates": replace(base.duplicates, **sketch, **matching),
        "passages": replace(base.passages, **sketch),
    }
    if getattr(args, "cross_document", None) is not None:
        changes["cross_document"] = args.cross_document
    if getattr(args, "remove", None) is not None:
        changes["remove"] = args.remove
    if getattr(args, "keep_titles", False):
        pages = replace(base.boilerplate.webpage_options, keep_title=True)
        changes["boilerplate"] = replace(base.boilerplate, webpage_options=pages)
    return replace(base, **changes)


def _settings(args: argparse.Namespace, read: ReadOptions, options: CleanOptions) -> dict[str, Any]:
    """Everything that decides the outputs (and nothing that does not, like --quiet)."""
    return {
        "inputs": list(args.inputs),
        "glob": read.glob,
        "text_field": read.text_field,
        "html": read.html,
        "id_field": read.id_field,
        "encoding": read.encoding,
        "max_record_bytes": read.max_record_bytes,
        "split": read.split,
        "threshold": options.duplicates.threshold,
        "containment": options.duplicates.containment,
        "representative": _jsonable(options.duplicates.representative),
        "clustering": options.duplicates.clustering,
        "ngram": options.duplicates.ngram,
        "num_perm": options.duplicates.num_perm,
        "seed": options.duplicates.seed,
        "cross_document": options.cross_document,
        "keep_titles": options.boilerplate.webpage_options.keep_title,
        "remove": sorted(options.remove),
        "output_format": args.output_format,
        "output_layout": args.output_layout,
        "annotate": args.annotate,
    }
