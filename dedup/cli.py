"""The command line: ``dedup find INPUT...``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from . import __version__
from .duplicates import DuplicateOptions, find_duplicates
from .errors import DedupError
from .io import read_records

__all__ = ["main", "build_parser"]

_DEFAULTS = DuplicateOptions()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dedup",
        description="Find near-duplicate documents, repeated passages and boilerplate in text collections.",
    )
    parser.add_argument("--version", action="version", version=f"dedup {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    find = commands.add_parser(
        "find",
        help="list clusters of near-duplicate documents",
        description="Read .txt files (or folders of them) and print clusters of near-duplicate documents.",
    )
    find.add_argument("inputs", nargs="+", metavar="INPUT", help=".txt file or folder searched recursively for *.txt")
    find.add_argument("--threshold", type=float, default=_DEFAULTS.threshold, help="Jaccard similarity of the matching views (default %(default)s)")
    find.add_argument("--ngram", type=int, default=_DEFAULTS.ngram, help="characters per shingle (default %(default)s)")
    find.add_argument("--num-perm", type=int, default=_DEFAULTS.num_perm, help="MinHash permutations (default %(default)s)")
    find.add_argument("--seed", type=int, default=_DEFAULTS.seed, help="MinHash seed (default %(default)s)")
    find.add_argument("--json", action="store_true", help="one JSON object per cluster instead of a table")
    return parser


def _run_find(args: argparse.Namespace) -> int:
    records = list(read_records(args.inputs))
    clusters = find_duplicates(
        (r.text for r in records), threshold=args.threshold, ngram=args.ngram, num_perm=args.num_perm, seed=args.seed
    )
    out = sys.stdout
    for cluster in clusters:
        members = [
            {"id": records[m].id, "source": records[m].source, "similarity": round(s, 4)}
            for m, s in zip(cluster.members, cluster.similarity)
        ]
        if args.json:
            rep = records[cluster.representative]
            out.write(json.dumps({"cluster": cluster.id, "representative": rep.id, "members": members}, ensure_ascii=False) + "\n")
        else:
            out.write(f"cluster {cluster.id}: {len(members)} documents\n")
            for m, member in zip(cluster.members, members):
                mark = "*" if m == cluster.representative else " "
                out.write(f"  {mark} {member['similarity']:.3f}  {member['id']}\n")
    if not args.json:
        out.write(f"{len(records)} documents, {len(clusters)} clusters of near-duplicates\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run_find(args)
    except DedupError as err:
        print(f"dedup: {err}", file=sys.stderr)
        return 1
