"""Reprint corpora with known ground truth, generated from real text.

Stories come from People's Daily, January 1998 (:func:`benchmarks.data.peoples_daily_lines`).
The source has no article delimiters, so stories are cut heuristically: a *story* is a
block of one to four title-like lines (short, no sentence-final punctuation, not a
parenthesised caption; a very short question counts) followed by the body lines up to the
next title-like line. Lines that occur more than once in the whole month (recurring
bylines, "图片新闻", stock-table headers, the 合肥 story printed twice) and short
parenthesised captions are dropped from the stories; stories that are mostly digits or
Latin, or repeat themselves, are skipped. No two chosen stories share more than 30 % of
their 8-grams, so "different story" in the ground truth really is different text; but up
to 20 % of the stories are drawn on purpose as pairs of topical neighbours sharing 8–30 %
("吴邦国会见荷兰客人" / "吴邦国会见美国客人"): different stories a detector must keep apart.

Every story is published one or more times ("pages") on distinct *sites*
(:mod:`benchmarks.quality.generate`): the first page (``original``) is never excerpted or
edited, so every reprint is connected to a full text; the others draw transformations
with their site's probabilities. Pages are shuffled. Ground truth per page, in the page's
own coordinates: ``boilerplate_spans`` (site header and footer, PDF furniture, source
lines), ``repeat_spans`` (second and later copies of a repeated block), ``noise_spans``
(pinyin annotations, HTML remnants); everything else is body. Different stories on the
same site share its templates: they are the other hard negatives.

Everything is driven by one ``numpy.random.Generator(PCG64(seed))``: the same
configuration, seed and source give the same corpus.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from benchmarks.quality.generate import (
    ARCHETYPE_WEIGHTS,
    ARCHETYPES,
    BOILERPLATE,
    NOISE,
    TRANSFORMS,
    Page,
    Resources,
    Site,
    make_sites,
    render_page,
    sentences,
)

__all__ = [
    "TRANSFORMS",
    "ARCHETYPES",
    "CorpusConfig",
    "PRESETS",
    "Story",
    "Site",
    "GeneratedCorpus",
    "source_lines",
    "is_title_line",
    "cut_stories",
    "select_stories",
    "Selection",
    "SourcePool",
    "source_pool",
    "gram_hashes",
    "generate_corpus",
    "spans_to_mask",
    "mask_to_spans",
]

SHARED_COPY = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "peoples_daily_199801.txt"


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class CorpusConfig:
    """Sizes and rates of a generated corpus.

    Attributes
    ----------
    n_stories : int
        Distinct stories drawn from the source.
    n_sites : int
        Sites the pages are published on (every archetype appears when ``n_sites >= 6``).
    singleton_fraction : float
        Share of stories published exactly once.
    extra_copies_p : float
        A story that is reprinted has ``1 + Geometric(extra_copies_p)`` pages ...
    max_copies : int
        ... capped at this many.
    min_story_chars, max_story_chars : int
        Body length of an eligible story; longer bodies are cut at a paragraph boundary.
    max_overlap : float
        No two stories share more than this share of the smaller one's 8-grams.
    related_min : float
        Topical neighbours share at least this share of 8-grams (and at most ``max_overlap``) ...
    related_fraction : float
        ... and up to this share of the stories are drawn as such pairs (hard negatives).
    site_zipf : float
        Site sizes follow ``rank ** -site_zipf``.
    rate_scale : float
        Multiplies every per-page transformation rate (clipped to 1).
    seed : int
        Seed of the ``numpy.random.Generator(PCG64(seed))`` that drives everything.
    """

    n_stories: int = 500
    n_sites: int = 36
    singleton_fraction: float = 0.5
    extra_copies_p: float = 0.45
    max_copies: int = 8
    min_story_chars: int = 150
    max_story_chars: int = 3000
    max_overlap: float = 0.3
    related_min: float = 0.08
    related_fraction: float = 0.2
    site_zipf: float = 0.8
    rate_scale: float = 1.0
    seed: int = 0


PRESETS: dict[str, CorpusConfig] = {
    "small": CorpusConfig(n_stories=60, n_sites=8),
    "full": CorpusConfig(n_stories=500, n_sites=36),
}


# --------------------------------------------------------------------------- source text


def source_lines() -> list[str]:
    """People's Daily, January 1998, one paragraph per item.

    Uses :func:`benchmarks.data.peoples_daily_lines` (download and cache); falls back to
    the shared copy if that module is not importable.
    """
    try:
        from benchmarks.data import peoples_daily_lines
    except ImportError:  # pragma: no cover - only before benchmarks.data existed
        return SHARED_COPY.read_text(encoding="utf-8").split("\n")[:-1]
    return peoples_daily_lines()


_NOT_TITLE_END = frozenset("。，、；：…")
_INNER_PUNCT = frozenset("。，；！？")
_CJK = re.compile(r"[\u3400-\u9fff]")
_NON_WORD = re.compile(r"[\W_]+")


def is_title_line(line: str, max_len: int = 40) -> bool:
    """A title, subtitle or byline: short, no sentence-final punctuation, not a caption.

    A line ending in a closing quote or ``！？`` counts when it is at most 25 characters
    without inner sentence punctuation (``初步识“大盘”``, ``对交通事故调解不服怎么办？``).
    """
    if not 0 < len(line) <= max_len or line.startswith("（") or line[-1] in _NOT_TITLE_END:
        return False
    if line[-1] in "”』’！？":
        return len(line) <= 25 and not any(ch in _INNER_PUNCT for ch in line[:-1])
    return True


def _is_caption(line: str) -> bool:
    return line.startswith(("（", "(")) and line.endswith(("）", ")")) and len(line) <= 40


@dataclass(frozen=True)
class Story:
    """One article of the source: its title block and body paragraphs."""

    title: tuple[str, ...]
    body: tuple[str, ...]

    @property
    def n_chars(self) -> int:
        """Characters of the body."""
        return sum(map(len, self.body))


def cut_stories(lines: Sequence[str]) -> list[Story]:
    """Cut the undelimited source into stories.

    A story is 1–4 consecutive title-like lines followed by the non-title lines up to the
    next title-like line. Lines occurring more than once in ``lines`` and short captions
    are then dropped from each story.

    Parameters
    ----------
    lines : sequence of str
        Paragraphs in source order.

    Returns
    -------
    list of Story
        Stories with a non-empty title and at least one body line, in source order.
    """
    counts = Counter(lines)
    keep = [line for line in lines]
    stories: list[Story] = []
    i, n = 0, len(keep)
    while i < n:
        if not is_title_line(keep[i]):
            i += 1
            continue
        j = i
        while j < n and is_title_line(keep[j]):
            j += 1
        k = j
        while k < n and not is_title_line(keep[k]):
            k += 1
        if j - i <= 4:
            title = tuple(x for x in keep[i:j] if counts[x] == 1)
            body = tuple(x for x in keep[j:k] if counts[x] == 1 and not _is_caption(x) and x.strip())
            if title and body:
                stories.append(Story(title, body))
        i = k
    return stories


_LATIN_OR_DIGIT = re.compile(r"[A-Za-z0-9]")
_FOLD_WIDTH = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}


def _eligible(story: Story, config: CorpusConfig) -> Story | None:
    """The story cut to ``max_story_chars``, or None if it is too short or too tabular."""
    body: list[str] = []
    total = 0
    for para in story.body:
        if total >= config.max_story_chars and len(body) >= 2:
            break
        body.append(para)
        total += len(para)
    if len(body) < 2 or total < config.min_story_chars:
        return None
    text = "".join(body).translate(_FOLD_WIDTH)
    if len(_LATIN_OR_DIGIT.findall(text)) > 0.1 * len(text) or len(_CJK.findall(text)) < 0.7 * len(text):
        return None
    return Story(story.title, tuple(body))


def gram_hashes(text: str, n: int = 8) -> np.ndarray:
    """Distinct 64-bit hashes of the character ``n``-grams of a text's letters and digits.

    Full-width ASCII folded, punctuation and whitespace dropped; a shorter text is one gram. Only used to keep
    the chosen stories apart — deliberately independent of ``dedup``'s own shingling.

    Returns
    -------
    numpy.ndarray
        uint64 [k], sorted.
    """
    view = _NON_WORD.sub("", text.translate(_FOLD_WIDTH))
    codes = np.frombuffer(view.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) == 0:
        return np.zeros(0, dtype=np.uint64)
    width = min(n, len(codes))
    hashes = np.zeros(len(codes) - width + 1, dtype=np.uint64)
    for k in range(width):
        hashes = hashes * np.uint64(1_000_003) + codes[k : len(codes) - width + 1 + k]
    return np.unique(hashes)


def _shared_grams(grams: Sequence[np.ndarray], max_group: int = 30) -> Counter[tuple[int, int]]:
    """Grams shared by each pair of texts (grams in more than ``max_group`` texts ignored)."""
    hashes = np.concatenate(grams)
    owners = np.repeat(np.arange(len(grams)), [len(g) for g in grams])
    order = np.argsort(hashes, kind="stable")
    hashes, owners = hashes[order], owners[order]
    starts = np.flatnonzero(np.concatenate([[True], hashes[1:] != hashes[:-1]]))
    sizes = np.diff(np.concatenate([starts, [len(hashes)]]))
    shared: Counter[tuple[int, int]] = Counter()
    keep = (sizes >= 2) & (sizes <= max_group)
    for start, size in zip(starts[keep].tolist(), sizes[keep].tolist()):
        ids = sorted(owners[start : start + size].tolist())
        shared.update((ids[i], ids[j]) for i in range(size) for j in range(i + 1, size))
    return shared


def _internally_repetitive(story: Story) -> bool:
    per_para = [gram_hashes(p) for p in story.body]
    return len(np.unique(np.concatenate(per_para))) < 0.95 * sum(map(len, per_para))


@dataclass(frozen=True)
class Selection:
    """Stories drawn for a corpus.

    Attributes
    ----------
    stories : tuple of Story
    related : tuple of (int, int)
        Pairs of indices into ``stories`` drawn on purpose as topical neighbours (sharing
        ``related_min``–``max_overlap`` of their 8-grams: "X会见美国客人" / "X会见荷兰客人").
    notes : tuple of str
        Sentences (20–70 chars) of stories not chosen, sharing no 8-gram with the chosen ones.
    """

    stories: tuple[Story, ...]
    related: tuple[tuple[int, int], ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class SourcePool:
    """The eligible stories of a source and how much text they share.

    Attributes
    ----------
    stories : tuple of Story
        Eligible stories (length limits, mostly CJK), in source order.
    grams : tuple of numpy.ndarray
        uint64 [k_i] per story: :func:`gram_hashes` of title and body.
    overlaps : dict of int to tuple of (int, float)
        Per story, the stories sharing 8-grams with it and the shared share of the smaller.
    alphabet : numpy.ndarray
        ``<U1`` [2500]: the source's most frequent CJK characters ...
    weights : numpy.ndarray
        float64 [2500]: ... and their relative frequencies (replacements for edits).
    """

    stories: tuple[Story, ...]
    grams: tuple[np.ndarray, ...]
    overlaps: dict[int, tuple[tuple[int, float], ...]]
    alphabet: np.ndarray
    weights: np.ndarray


def source_pool(lines: Sequence[str], config: CorpusConfig) -> SourcePool:
    """Cut ``lines`` into stories, keep the eligible ones and measure their overlaps."""
    eligible = tuple(e for e in (_eligible(s, config) for s in cut_stories(lines)) if e is not None)
    grams = tuple(gram_hashes("".join(s.title + s.body)) for s in eligible)
    overlaps: dict[int, list[tuple[int, float]]] = {}
    for (a, b), count in sorted(_shared_grams(grams).items()):
        overlap = count / max(1, min(len(grams[a]), len(grams[b])))
        overlaps.setdefault(a, []).append((b, overlap))
        overlaps.setdefault(b, []).append((a, overlap))
    counts = Counter("".join(lines))
    common = [(ch, c) for ch, c in counts.most_common() if _CJK.match(ch)][:2500]
    weights = np.array([c for _, c in common], dtype=np.float64)
    return SourcePool(
        stories=eligible,
        grams=grams,
        overlaps={k: tuple(v) for k, v in overlaps.items()},
        alphabet=np.array([ch for ch, _ in common]),
        weights=weights / weights.sum(),
    )


@lru_cache(maxsize=4)
def _default_pool(min_story_chars: int, max_story_chars: int) -> SourcePool:
    config = CorpusConfig(min_story_chars=min_story_chars, max_story_chars=max_story_chars)
    return source_pool(source_lines(), config)


def select_stories(pool: SourcePool, n: int, config: CorpusConfig, rng: np.random.Generator) -> Selection:
    """Draw ``n`` eligible stories, no two sharing more than ``config.max_overlap`` of their 8-grams.

    Up to ``config.related_fraction`` of them are drawn first as pairs of topical
    neighbours (sharing ``related_min``–``max_overlap`` of their 8-grams), so the corpus
    holds different-but-similar stories; the rest are drawn at random. Stories repeating
    their own paragraphs are skipped.

    Parameters
    ----------
    pool : SourcePool
    n : int
        Stories wanted.
    config : CorpusConfig
    rng : numpy.random.Generator

    Returns
    -------
    Selection
    """
    eligible, grams, overlaps = pool.stories, pool.grams, pool.overlaps
    chosen: list[int] = []
    taken: set[int] = set()
    rejected: set[int] = set()
    related: list[tuple[int, int]] = []

    def fits(k: int) -> bool:
        if k in taken or k in rejected:
            return False
        if any(o > config.max_overlap for j, o in overlaps.get(k, ()) if j in taken):
            return False
        if _internally_repetitive(eligible[k]):
            rejected.add(k)
            return False
        return True

    def take(k: int) -> None:
        chosen.append(k)
        taken.add(k)

    # Topical neighbours first, as pairs, up to ``related_fraction`` of the stories ...
    pairs = sorted(
        {
            (min(a, b), max(a, b))
            for a, nb in overlaps.items()
            for b, o in nb
            if config.related_min <= o <= config.max_overlap
        }
    )
    for p in rng.permutation(len(pairs)).tolist():
        if 2 * (len(related) + 1) > config.related_fraction * n:
            break
        a, b = pairs[p]
        if fits(a) and fits(b) and not any(j == b and o > config.max_overlap for j, o in overlaps.get(a, ())):
            related.append((len(chosen), len(chosen) + 1))
            take(a)
            take(b)
    # ... then the rest at random.
    for k in rng.permutation(len(eligible)).tolist():
        if len(chosen) >= n:
            break
        if fits(k):
            take(k)
    if len(chosen) < n:
        raise ValueError(f"only {len(chosen)} distinct eligible stories, {n} wanted")
    used = np.unique(np.concatenate([grams[k] for k in chosen]))
    notes: dict[str, None] = {}
    for k in rng.permutation(len(eligible)).tolist():
        if k in taken:
            continue
        for para in eligible[k].body:
            for sentence in sentences(para):
                if 20 <= len(sentence) <= 70 and sentence.endswith("。"):
                    hashes = gram_hashes(sentence)
                    at = np.minimum(np.searchsorted(used, hashes), len(used) - 1)
                    if not (used[at] == hashes).any():
                        notes[sentence] = None
                    break
        if len(notes) >= 8 * n:
            break
    return Selection(tuple(eligible[k] for k in chosen), tuple(related), tuple(notes))


# --------------------------------------------------------------------------- the corpus


def mask_to_spans(mask: np.ndarray) -> tuple[tuple[int, int], ...]:
    """Maximal runs of ``True`` as ``(start, end)`` pairs.

    Parameters
    ----------
    mask : numpy.ndarray
        bool [n].
    """
    padded = np.concatenate([[False], mask.astype(bool), [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return tuple((int(a), int(b)) for a, b in zip(edges[::2], edges[1::2]))


def spans_to_mask(spans: Sequence[tuple[int, int]], length: int) -> np.ndarray:
    """bool [length], True inside any of ``spans`` (which may overlap)."""
    delta = np.zeros(length + 1, dtype=np.int64)
    for start, end in spans:
        start, end = max(0, int(start)), min(length, int(end))
        if end > start:
            delta[start] += 1
            delta[end] -= 1
    return np.cumsum(delta[:-1]) > 0


@dataclass(frozen=True, eq=False)
class GeneratedCorpus:
    """A generated reprint corpus and its ground truth.

    Attributes
    ----------
    texts : tuple of str
        The pages, shuffled.
    story : numpy.ndarray
        int64 [n_docs]: ground-truth cluster; pages with the same story are reprints.
    site : numpy.ndarray
        int64 [n_docs]: index into ``sites``.
    original : numpy.ndarray
        bool [n_docs]: the story's first page (never excerpted or edited).
    transforms : tuple of tuple of str
        Transformations applied to each page, in :data:`TRANSFORMS` order.
    boilerplate_spans, repeat_spans, noise_spans : tuple of tuple of (int, int)
        Per page, ``[start, end)`` spans in the page's coordinates: site furniture; second
        and later copies of a repeated block; injected pinyin and HTML remnants. A repeat
        span may contain noise spans; the other kinds are disjoint. The body is the rest.
    sites : tuple of Site
    related_stories : tuple of (int, int)
        Story ids drawn as topical neighbours (different stories with similar text).
    config : CorpusConfig
    """

    texts: tuple[str, ...]
    story: np.ndarray
    site: np.ndarray
    original: np.ndarray
    transforms: tuple[tuple[str, ...], ...]
    boilerplate_spans: tuple[tuple[tuple[int, int], ...], ...]
    repeat_spans: tuple[tuple[tuple[int, int], ...], ...]
    noise_spans: tuple[tuple[tuple[int, int], ...], ...]
    sites: tuple[Site, ...]
    related_stories: tuple[tuple[int, int], ...]
    config: CorpusConfig

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def lengths(self) -> np.ndarray:
        """int64 [n_docs]: characters per page."""
        return np.array([len(t) for t in self.texts], dtype=np.int64)

    def body_mask(self, doc: int) -> np.ndarray:
        """bool [len(texts[doc])]: characters that are neither boilerplate, repeat nor noise."""
        n = len(self.texts[doc])
        removable = spans_to_mask(self.boilerplate_spans[doc] + self.repeat_spans[doc] + self.noise_spans[doc], n)
        return ~removable

    def fingerprint(self) -> str:
        """SHA-256 over texts, labels and ground truth (for reproducibility checks)."""
        digest = hashlib.sha256()
        for i, text in enumerate(self.texts):
            digest.update(text.encode("utf-8"))
            digest.update(
                repr(
                    (
                        int(self.story[i]),
                        int(self.site[i]),
                        self.transforms[i],
                        self.boilerplate_spans[i],
                        self.repeat_spans[i],
                        self.noise_spans[i],
                    )
                ).encode()
            )
        digest.update(repr(self.related_stories).encode())
        return digest.hexdigest()

    def summary(self) -> dict[str, object]:
        """Sizes, cluster structure, transformation counts and ground-truth character shares."""
        sizes = np.bincount(self.story)
        total = int(self.lengths.sum())

        def share(spans: tuple[tuple[tuple[int, int], ...], ...]) -> float:
            return sum(int(spans_to_mask(s, len(t)).sum()) for s, t in zip(spans, self.texts)) / max(total, 1)

        counts = Counter(t for ts in self.transforms for t in ts)
        return {
            "docs": len(self.texts),
            "stories": int(len(sizes)),
            "singletons": int((sizes == 1).sum()),
            "reprinted_stories": int((sizes > 1).sum()),
            "max_copies": int(sizes.max()),
            "related_story_pairs": len(self.related_stories),
            "chars": total,
            "boilerplate_share": round(share(self.boilerplate_spans), 4),
            "repeat_share": round(share(self.repeat_spans), 4),
            "noise_share": round(share(self.noise_spans), 4),
            "transforms": {t: counts.get(t, 0) for t in TRANSFORMS},
            "archetypes": dict(Counter(self.sites[s].archetype for s in self.site.tolist())),
        }


def _copies(config: CorpusConfig, rng: np.random.Generator) -> np.ndarray:
    singles = rng.random(config.n_stories) < config.singleton_fraction
    extra = 1 + rng.geometric(config.extra_copies_p, size=config.n_stories)
    return np.where(singles, 1, np.minimum(extra, config.max_copies)).astype(np.int64)


def _draw_transforms(site: Site, original: bool, rng: np.random.Generator) -> tuple[str, ...]:
    """Each transformation independently with the site's rate; originals are never cut or edited."""
    chosen = []
    for name in TRANSFORMS:
        if original and name in ("excerpt", "edits"):
            continue
        if rng.random() < site.rate(name):
            chosen.append(name)
    # Pinyin injection belongs to Traditional mirrors; elsewhere it is rarer still.
    if "pinyin" in chosen and site.archetype != "mirror" and "traditional" not in chosen and rng.random() < 0.5:
        chosen.remove("pinyin")
    return tuple(chosen)


def _site_weights(sites: Sequence[Site], zipf: float, rng: np.random.Generator) -> np.ndarray:
    """Page share of each site: archetype shares as in ``ARCHETYPE_WEIGHTS``, Zipf inside.

    Returns
    -------
    numpy.ndarray
        float64 [n_sites], summing to 1.
    """
    weights = np.zeros(len(sites))
    for archetype, share in ARCHETYPE_WEIGHTS.items():
        members = [s.id for s in sites if s.archetype == archetype]
        if members:
            ranks = np.arange(1, len(members) + 1, dtype=np.float64)[rng.permutation(len(members))]
            weights[members] = share * ranks**-zipf / (ranks**-zipf).sum()
    return weights / weights.sum()


def generate_corpus(
    config: CorpusConfig | str = "small", *, seed: int | None = None, lines: Sequence[str] | None = None
) -> GeneratedCorpus:
    """Build a reprint corpus with ground truth.

    Parameters
    ----------
    config : CorpusConfig or str
        A configuration or the name of a preset in :data:`PRESETS` (``small``, ``full``).
    seed : int, optional
        Overrides ``config.seed``.
    lines : sequence of str, optional
        Source paragraphs; default :func:`source_lines` (People's Daily, January 1998).

    Returns
    -------
    GeneratedCorpus
        Identical for identical ``config``, ``seed`` and ``lines``.
    """
    if isinstance(config, str):
        config = PRESETS[config]
    if seed is not None:
        config = replace(config, seed=seed)
    rng = np.random.Generator(np.random.PCG64(config.seed))
    if lines is None:
        pool = _default_pool(config.min_story_chars, config.max_story_chars)
    else:
        pool = source_pool(lines, config)
    selection = select_stories(pool, config.n_stories, config, rng)
    stories, notes = selection.stories, selection.notes
    res = Resources(pool.alphabet, pool.weights, tuple(s.title[0] for s in stories))
    sites = make_sites(config.n_sites, rng, config.rate_scale)
    weights = _site_weights(sites, config.site_zipf, rng)

    pages: list[Page] = []
    story_ids: list[int] = []
    site_ids: list[int] = []
    originals: list[bool] = []
    next_note = 0
    for story_id, copies in enumerate(_copies(config, rng).tolist()):
        story = stories[story_id]
        chosen_sites = rng.choice(len(sites), size=min(copies, len(sites)), replace=False, p=weights)
        for k, s in enumerate(chosen_sites.tolist()):
            transforms = _draw_transforms(sites[s], k == 0, rng)
            page_notes: tuple[str, ...] = ()
            if "note" in transforms and notes:
                # Each note sentence is used once, so notes never become shared text.
                page_notes = tuple(notes[(next_note + j) % len(notes)] for j in range(2))
                next_note += 2
            pages.append(render_page(story.title, story.body, sites[s], transforms, res, rng, page_notes))
            story_ids.append(story_id)
            site_ids.append(s)
            originals.append(k == 0)

    order = rng.permutation(len(pages))
    pages = [pages[i] for i in order]
    return GeneratedCorpus(
        texts=tuple(p.text for p in pages),
        story=np.array(story_ids, dtype=np.int64)[order],
        site=np.array(site_ids, dtype=np.int64)[order],
        original=np.array(originals, dtype=bool)[order],
        transforms=tuple(p.transforms for p in pages),
        boilerplate_spans=tuple(mask_to_spans(p.labels == BOILERPLATE) for p in pages),
        repeat_spans=tuple(mask_to_spans(p.repeat) for p in pages),
        noise_spans=tuple(mask_to_spans(p.labels == NOISE) for p in pages),
        sites=tuple(sites),
        related_stories=selection.related,
        config=config,
    )
