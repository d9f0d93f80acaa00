"""Corpora at 1×, 4×, 16× (and 64×) size, and a child process that measures one run's peak memory.

The corpora are the quality benchmark's generated reprint collections
(:func:`benchmarks.quality.corpus.generate_corpus`) with 120, 480 and 1,920 stories on 9, 36
and 144 sites: the same mix of reprints, site templates and inline noise at every size, so time
and memory can be compared across sizes. People's Daily has stories for 16× only; 64× is four
16× corpora of seeds 0–3 one after another (their stories overlap, so it is reprint-heavier).

Peak memory is the peak resident set size (``VmHWM``) of a fresh interpreter that imports
``dedup`` and runs one task, so one size's garbage never counts against another::

    python -m benchmarks.scaling TEXTS.jsonl clean      # prints {"seconds": …, "peak_rss_bytes": …, …}

Tasks: ``clean`` and ``find_duplicates`` read the texts into a list and call the library;
``cli-clean`` runs ``dedup clean TEXTS.jsonl -o OUT --cross-document`` in the child, which
streams the file (a first read tabulates, a second cleans and writes), so its peak is what
the command needs without the texts being held.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

SCALES = (1, 4, 16)
CLI_SCALES = (1, 4, 16, 64)
LARGEST_GENERATED = 16
BASE_STORIES = 120
BASE_SITES = 9


def scaled_texts(scale: int, seed: int = 0) -> list[str]:
    """The generated corpus at ``scale`` × the base size.

    Parameters
    ----------
    scale : int
        Multiple of the base corpus (120 stories on 9 sites).
    seed : int

    Returns
    -------
    list of str
        The pages, in generation order.
    """
    from benchmarks.quality.corpus import PRESETS, generate_corpus

    if scale > LARGEST_GENERATED:
        return [text for k in range(scale // LARGEST_GENERATED) for text in scaled_texts(LARGEST_GENERATED, seed + k)]
    config = replace(PRESETS["full"], n_stories=BASE_STORIES * scale, n_sites=BASE_SITES * scale)
    return list(generate_corpus(config, seed=seed).texts)


def _task(name: str) -> Callable[[list[str]], Any]:
    import dedup

    tasks: dict[str, Callable[[list[str]], Any]] = {
        "clean": lambda texts: dedup.clean(texts, cross_document=True),
        "find_duplicates": dedup.find_duplicates,
    }
    return tasks[name]


def run_cli_clean(texts_path: Path, out: Path) -> int:
    """``dedup clean TEXTS -o OUT --cross-document --force --quiet --processes 1`` in this process (one
    process, like the library calls it is compared with, and so that this process's peak RSS is the run's);
    its exit status."""
    from dedup.cli import main

    argv = ["clean", str(texts_path), "-o", str(out), "--cross-document", "--force", "--quiet", "--processes", "1"]
    return main(argv)


def peak_rss_bytes() -> int:
    """Peak resident set size of this process so far, in bytes.

    Linux: ``VmHWM`` of ``/proc/self/status``. Not ``ru_maxrss``, which a process started
    with fork + exec inherits from its parent (a large pytest process would show through).
    Elsewhere ``ru_maxrss`` (bytes on macOS, KiB on other systems).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def measure(texts_path: Path, task: str) -> dict[str, Any]:
    """Run ``task`` once on the texts of a JSON-lines file; time, peak RSS, RSS before the run."""
    if task == "cli-clean":
        import tempfile

        import dedup.cli  # noqa: F401  (imported before the baseline, as the library tasks import dedup)

        docs = text_bytes = 0
        with texts_path.open(encoding="utf-8") as lines:
            for line in lines:
                docs += 1
                text_bytes += len(json.loads(line)["text"].encode("utf-8"))
        before = peak_rss_bytes()
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            status = run_cli_clean(texts_path, Path(out))
            seconds = time.perf_counter() - start
        if status != 0:
            raise RuntimeError(f"dedup clean exited with {status}")
    else:
        texts = [json.loads(line)["text"] for line in texts_path.read_text(encoding="utf-8").splitlines()]
        docs, text_bytes = len(texts), sum(len(t.encode("utf-8")) for t in texts)
        run = _task(task)
        before = peak_rss_bytes()
        start = time.perf_counter()
        run(texts)
        seconds = time.perf_counter() - start
    return {
        "task": task,
        "docs": docs,
        "text_bytes": text_bytes,
        "seconds": seconds,
        "rss_before_bytes": before,
        "peak_rss_bytes": peak_rss_bytes(),
    }


def write_texts(texts: Sequence[str], path: Path) -> None:
    """One JSON record ``{"id": i, "text": …}`` per line (what :func:`measure` and ``dedup clean`` read)."""
    with path.open("w", encoding="utf-8") as out:
        for i, text in enumerate(texts):
            out.write(json.dumps({"id": i, "text": text}, ensure_ascii=False) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(measure(Path(args[0]), args[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
