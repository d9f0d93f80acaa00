"""The texts of ``dedup --help`` and of its commands' help."""

_MAIN_HELP = """\
Find near-duplicate documents, repeated passages and boilerplate in text collections,
and write cleaned text with an exact account of every removal.

  dedup find  INPUT...          list clusters of near-duplicate documents
  dedup clean INPUT... -o OUT   write cleaned text and reports into folder OUT
  dedup report OUT              build OUT/report.html again (dedup clean writes it)
  dedup index build|add ...     a saved near-duplicate index; dedup find ... --against INDEX

INPUT is a .txt file, a folder (searched recursively for *.txt), a JSONL file (.jsonl,
.jsonl.gz, .jsonl.zst), a CSV/TSV file with a header row, a JSON array or a Parquet file.
Run 'dedup COMMAND --help' for the options.
"""


_CLEAN_HELP = """\
Clean a collection: cut repeated passages, boilerplate lines (headers, footers, templates,
page numbers) and inline noise (pinyin annotations, HTML remnants, mojibake) out of every
document, and report clusters of near-duplicate documents. Kept text is never rewritten:
every removal is recorded with its position and text, so each original can be rebuilt.

Files written into OUT:
  cleaned.jsonl      one line per document: id, source, cleaned text, and 'removed': each
                     cut's start/end (in the original), reason, kind, ref and text; the other
                     fields of JSONL/Parquet records (cleaned.parquet: --output-format parquet)
  annotated.jsonl    with --annotate: each input record unchanged, plus keep and duplicate_of
  clusters.jsonl     one line per cluster of near-duplicate documents
  boilerplate.jsonl  one line per family of boilerplate lines, with every occurrence
  text/              the cleaned text of each .txt input (and .html page, as NAME.html.txt), at its
                     path relative to its INPUT
  summary.json       counts, bytes in/out, removals by reason, skipped inputs, options
  options.json       every library option in force
  timings.json       seconds per phase (with report.html, the only files that differ between runs)
  report.html        the run report to open in a browser: summary, plots, clusters side by
                     side, boilerplate families, sampled documents with removals marked
"""


_CLEAN_EPILOG = """\
examples:
  dedup clean corpus/ -o cleaned/
  dedup clean news.jsonl.gz --text-field content --id-field url -o out/ --cross-document
  dedup clean corpus/ -o out/ --remove noise,boilerplate      # keep repeated passages
  dedup clean data.parquet -o out/ --output-format parquet --annotate
  dedup clean corpus/ --dry-run                              # print the summary only
  dedup clean corpus/ -o out/ --resume                       # continue an interrupted run
  dedup clean corpus/ -o out/ --engine ray --address auto    # on a running Ray cluster

exit status: 0 every input was read; 1 some inputs or records were skipped (listed on
stderr and in summary.json); 2 usage error; 3 the run failed (rerun with --resume).
"""


_FIND_HELP = """\
List clusters of near-duplicate documents. Two documents are near-duplicates when their
matching views (text after normalizing script, width, punctuation, whitespace and noise,
boilerplate lines set aside) share at least THRESHOLD of their character n-grams (Jaccard
similarity), or when at least CONTAINMENT of the smaller one's n-grams lie in the larger.
With --clustering center (the default) every member is a verified near-duplicate of its
cluster's representative. In the table, '*' marks each cluster's representative and the
number is each member's Jaccard similarity to it.
"""


_FIND_EPILOG = """\
examples:
  dedup find examples/news examples/seeds
  dedup find corpus/ --threshold 0.8 --json > clusters.jsonl
  dedup find corpus/ --engine ray --address auto             # on a running Ray cluster

exit status: 0 every input was read; 1 some were skipped; 2 usage error; 3 the run failed.
"""
