"""Lines to classes: initial classes from the features, jusText-style smoothing over neighbours, menu runs and minor
blocks — ``classify_page_lines``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..arrays import group_ids
from ..errors import InvalidOptionError
from ..shingle import exact_hashes
from .base import _F, KINDS, WebpageOptions, _default_options
from .features import line_features
from .model import list_pages, load_line_model, pages_model_features

_BAD, _SHORT, _NEAR, _GOOD = 0, 1, 2, 3


def _density_thresholds(features: np.ndarray, options: WebpageOptions) -> tuple[np.ndarray, np.ndarray]:
    """Per line: the function-word density a near-good and a good line need (float64 ``[m]``)."""
    words = features[:, _F["words"]]
    cjk = np.maximum(features[:, _F["size"]] - 2 * words, 0)
    total = np.maximum(cjk + words, 1)
    low = (cjk * options.density_low + words * options.word_density_low) / total
    high = (cjk * options.density_high + words * options.word_density_high) / total
    return low, high


def _has_function_list(features: np.ndarray, options: WebpageOptions) -> bool:
    """Whether the page's language has function words in the lists (judged on its long lines)."""
    size = features[:, _F["size"]]
    long = size >= options.short_size * 2
    if not long.any():
        return True
    weights = size[long]
    return float(np.average(features[long, _F["function_density"]], weights=weights)) >= options.no_list_density


def _initial_classes(features: np.ndarray, options: WebpageOptions) -> np.ndarray:
    """jusText's context-free classes: int8 ``[m]`` of bad, short, near-good, good."""
    size = features[:, _F["size"]]
    density = features[:, _F["function_density"]]
    sentences = features[:, _F["sentence_ends"]]
    low, high = _density_thresholds(features, options)
    if _has_function_list(features, options):
        # A sentence end vouches for a line whose function words are few (news leads
        # full of names and titles); a menu or a keyword list has neither.
        near = (density >= low) | (sentences >= 1)
        good = near & ((density >= high) | (sentences >= 1))
    else:
        # No function-word list for the page's language: only sentence punctuation tells text.
        near = sentences >= 1
        good = near
    classes = np.full(len(size), _BAD, dtype=np.int8)
    # Few function words say little about a line shorter than a good one: its context decides.
    classes[size < options.good_size] = _SHORT
    classes[near & (size >= options.short_size)] = _NEAR
    classes[near & good & (size >= options.good_size)] = _GOOD
    return classes


def _furniture_kinds(features: np.ndarray, options: WebpageOptions) -> np.ndarray:
    """Kinds of lines that look like page furniture whatever their neighbours ("" for none)."""
    m = len(features)
    kind = np.full(m, "", dtype="<U14")
    size = features[:, _F["size"]]
    items = np.maximum(features[:, _F["items"]], 1)
    sentences = features[:, _F["sentence_ends"]]
    separators = features[:, _F["separators"]]
    menu = (separators >= 2) & (size / (separators + 1) <= 8) & (sentences <= 1)
    # Runs of short items (首页 新闻 体育 娱乐); in space-separated scripts every word is an item.
    menu |= (
        (items >= 4)
        & (size / items <= 4)
        & (sentences == 0)
        & (features[:, _F["digit_share"]] < 0.25)
        & (features[:, _F["cjk_share"]] >= 0.5)
    )
    dated = (features[:, _F["metadata"]] > 1) & (size <= options.max_meta_size)
    rules = (
        ("metadata", dated),
        ("title", (features[:, _F["title"]] > 0) & (not options.keep_title)),
        ("navigation", (features[:, _F["label"]] > 0) | menu),
        ("breadcrumb", features[:, _F["breadcrumb"]] > 0),
        ("share", features[:, _F["share"]] > 0),
        ("copyright", features[:, _F["copyright"]] > 0),
    )
    for name, mask in rules:  # later rules win
        kind[mask] = name
    return kind


def _soft_kinds(features: np.ndarray) -> np.ndarray:
    """Kinds of lines that look like furniture but may belong to the text (bylines, dates,
    truncated titles): they become short lines, left to their context ("" for none)."""
    kind = np.full(len(features), "", dtype="<U14")
    kind[features[:, _F["link_title"]] > 0] = "link-list"
    kind[(features[:, _F["metadata"]] == 1) | (features[:, _F["stamp"]] > 0)] = "metadata"
    return kind


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``[start, end)`` of the runs of True in a bool array (two int64 arrays)."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return edges[0::2], edges[1::2]


def _stamp_regions(features: np.ndarray, options: WebpageOptions) -> np.ndarray:
    """bool ``[m]``: lines of comment threads and dated lists (time stamps recurring)."""
    m = len(features)
    stamps = np.flatnonzero(features[:, _F["stamp"]] > 0)
    region = np.zeros(m, dtype=bool)
    if len(stamps) < options.stamp_lines:
        return region
    close = np.diff(stamps) <= options.stamp_gap
    starts, ends = _runs(close)
    for s, e in zip(starts.tolist(), ends.tolist()):
        if e - s + 1 >= options.stamp_lines:  # e - s gaps join e - s + 1 stamps
            region[stamps[s] : stamps[e] + 1] = True
    return region


def _stamp_region_kinds(region: np.ndarray, features: np.ndarray) -> np.ndarray:
    """Per line of each stamped region: "comments" where stamps separate other lines (a
    thread), "link-list" where nearly every line carries its own stamp (a dated list)."""
    kind = np.full(len(region), "", dtype="<U14")
    starts, ends = _runs(region)
    for s, e in zip(starts.tolist(), ends.tolist()):
        stamped = (features[s:e, _F["stamp"]] > 0).mean()
        kind[s:e] = "link-list" if stamped >= 0.6 else "comments"
    return kind


def _previous(mask: np.ndarray) -> np.ndarray:
    """int64 ``[m]``: index of the nearest earlier line in ``mask`` (-1 if none)."""
    idx = np.where(mask, np.arange(len(mask)), -1)
    before = np.concatenate([[-1], np.maximum.accumulate(idx)[:-1]]) if len(mask) else idx
    return before


def _next(mask: np.ndarray) -> np.ndarray:
    """int64 ``[m]``: index of the nearest later line in ``mask`` (``m`` if none)."""
    m = len(mask)
    return m - 1 - _previous(mask[::-1])[::-1]


def _neighbour(classes: np.ndarray, skip: tuple[int, ...], forward: bool, reach: int) -> np.ndarray:
    """Class of the nearest earlier (later) line whose class is not in ``skip``; bad at the
    page edge and beyond ``reach`` lines."""
    mask = ~np.isin(classes, skip)
    m = len(classes)
    where = _next(mask) if forward else _previous(mask)
    too_far = np.abs(where - np.arange(m)) > reach
    padded = np.append(classes, _BAD)
    return np.where(too_far, _BAD, padded[np.where(where < 0, m, where)])


def _smooth(classes: np.ndarray, reach: int) -> np.ndarray:
    """jusText's context-sensitive pass: short and near-good lines take their neighbours' side
    (a neighbour more than ``reach`` lines away counts as bad)."""
    prev_far = _neighbour(classes, (_SHORT, _NEAR), False, reach)
    next_far = _neighbour(classes, (_SHORT, _NEAR), True, reach)
    prev_near = _neighbour(classes, (_SHORT,), False, reach)
    next_near = _neighbour(classes, (_SHORT,), True, reach)
    out = classes.copy()
    short = classes == _SHORT
    both_good = (prev_far == _GOOD) & (next_far == _GOOD)
    both_bad = (prev_far == _BAD) & (next_far == _BAD)
    mixed_near = ((prev_far == _BAD) & (prev_near == _NEAR)) | ((next_far == _BAD) & (next_near == _NEAR))
    out[short & both_good] = _GOOD
    out[short & both_bad] = _BAD
    out[short & ~both_good & ~both_bad] = np.where(mixed_near[short & ~both_good & ~both_bad], _GOOD, _BAD)
    near = classes == _NEAR
    out[near] = np.where(both_bad[near], _BAD, _GOOD)
    return out


def _menu_runs(classes: np.ndarray, features: np.ndarray, options: WebpageOptions) -> np.ndarray:
    """bool ``[m]``: runs of ``menu_lines`` or more short lines of a word or two without
    punctuation (menus, tag lists, link columns), which no neighbour makes text."""
    size = features[:, _F["size"]]
    starts, ends = _runs(classes == _SHORT)
    menu = np.zeros(len(classes), dtype=bool)
    for s, e in zip(starts.tolist(), ends.tolist()):
        if (
            e - s >= options.menu_lines
            and features[s:e, _F["sentence_ends"]].sum() == 0
            and size[s:e].mean() < options.menu_item_size
        ):
            menu[s:e] = True
    return menu


def _promote_runs(classes: np.ndarray, size: np.ndarray, options: WebpageOptions) -> np.ndarray:
    """Near-good lines of a long run of non-bad lines become good.

    A run qualifies when its near-good lines weigh at least ``run_size`` and the run
    outweighs the good lines of every other run: an article written in short lines, not
    a list of headlines below an article of long paragraphs.
    """
    out = classes.copy()
    starts, ends = _runs(classes != _BAD)
    if not len(starts):
        return out
    run_id = np.cumsum(np.isin(np.arange(len(classes)), starts)) - 1
    in_run = classes != _BAD
    near, good = in_run & (classes == _NEAR), in_run & (classes == _GOOD)
    near_mass = np.bincount(run_id[near], weights=size[near], minlength=len(starts))
    good_mass = np.bincount(run_id[good], weights=size[good], minlength=len(starts))
    largest_good = good_mass.max()
    promote = (near_mass >= options.run_size) & (near_mass + good_mass >= largest_good)
    for s, e in zip(starts[promote].tolist(), ends[promote].tolist()):
        run = out[s:e]
        run[run == _NEAR] = _GOOD
    return out


def _minor_blocks(content: np.ndarray, size: np.ndarray, titles: np.ndarray, options: WebpageOptions) -> np.ndarray:
    """bool ``[m]``: content lines in blocks far smaller than the page's main block.

    A block that starts right after a repeat of the page title (the article's heading)
    weighs double when the main block is chosen.
    """
    m = len(content)
    minor = np.zeros(m, dtype=bool)
    idx = np.flatnonzero(content)
    if not len(idx):
        return minor
    new_block = np.concatenate([[True], np.diff(idx) > options.block_gap + 1])
    block = np.cumsum(new_block) - 1
    mass = np.bincount(block, weights=size[idx])
    starts = idx[new_block]
    last_title = _previous(titles)[starts]
    headed = (last_title > 0) & (starts - last_title <= options.block_gap + 3)
    main = (mass * np.where(headed, 2.0, 1.0)).argmax()
    small = (mass < options.min_block_share * mass[main]) & (mass < options.keep_block_size)
    small[main] = False
    minor[idx[small[block]]] = True
    return minor


def classify_page_lines(
    lines: Sequence[str],
    options: WebpageOptions | None = None,
    known_boilerplate: np.ndarray | None = None,
    views: Sequence[str] | None = None,
    features: np.ndarray | None = None,
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Classify the lines of one web page.

    Parameters
    ----------
    lines : sequence of str
        The page's lines in order.
    options : WebpageOptions, optional
    known_boilerplate : np.ndarray, optional
        bool ``[m]``: lines already known to be boilerplate (by corpus recurrence); they
        count as bad lines in the context pass and get kind ``"recurring"`` unless a
        pattern names them better.
    views : sequence of str, optional
        ``reading_views(lines)``, when the caller made them for many pages at once.
    features : np.ndarray, optional
        ``line_features(lines, options, views)``, when the caller made them already.

    Returns
    -------
    labels : np.ndarray
        bool ``[m]``, True for boilerplate.
    kinds : tuple of str
        Per line, one of :data:`KINDS`, or ``""`` for content.
    """
    opts = options or _default_options()
    m = len(lines)
    if m == 0:
        return np.zeros(0, dtype=bool), ()
    features = line_features(lines, opts, views) if features is None else features
    known = _known(known_boilerplate, m)
    if opts.method == "model":
        return _model_lines(lines, features, opts, known)
    size = features[:, _F["size"]]
    classes = _initial_classes(features, opts)
    furniture = _furniture_kinds(features, opts)
    soft = _soft_kinds(features)
    classes[(soft != "") & (classes != _BAD)] = _SHORT
    classes[furniture != ""] = _BAD
    kind = np.where(furniture != "", furniture, soft)
    if known is not None:
        classes[known] = _BAD
        kind[known & (kind == "")] = "recurring"
    comments = _stamp_regions(features, opts)
    classes = _promote_runs(classes, size, opts)
    classes[comments] = _BAD
    menus = _menu_runs(classes, features, opts)
    classes[menus] = _BAD
    smoothed = _smooth(classes, opts.context_lines)
    content = smoothed == _GOOD
    titles = features[:, _F["title"]] > 0
    titles[0] = False  # the page's own title line heads nothing
    minor = _minor_blocks(content, size, titles, opts)
    content &= ~minor
    if opts.keep_title:
        content |= features[:, _F["title"]] > 0
    labels = ~content
    kind[comments & (furniture == "")] = _stamp_region_kinds(comments, features)[comments & (furniture == "")]
    kind[menus & (kind == "")] = "navigation"
    kind[minor & (kind == "")] = "link-list"
    rest = labels & (kind == "")
    kind[rest] = "page-furniture"
    kind[~labels] = ""
    return labels, tuple(kind.tolist())


def _known(known_boilerplate: np.ndarray | None, m: int) -> np.ndarray | None:
    if known_boilerplate is None:
        return None
    known = np.asarray(known_boilerplate, dtype=bool)
    if known.shape != (m,):
        raise InvalidOptionError(f"known_boilerplate must be bool [{m}], got shape {known.shape}")
    return known


def _model_lines(
    lines: Sequence[str], features: np.ndarray, options: WebpageOptions, known: np.ndarray | None
) -> tuple[np.ndarray, tuple[str, ...]]:
    """:func:`classify_page_lines` by the line model: it decides, the patterns name the kinds."""
    labels, kind = model_page_lines(lines, features, np.array([0, len(lines)], dtype=np.int64), options, known)
    return labels, tuple(kind.tolist())


def model_page_lines(
    lines: Sequence[str],
    features: np.ndarray,
    bounds: np.ndarray,
    options: WebpageOptions | None = None,
    known: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The line model's labels and kinds for the lines of many pages, each line judged on its own page.

    :func:`model_page_evidence` (what the pages say of themselves) combined with what is
    already known by :func:`combine_page_evidence`.

    Parameters
    ----------
    lines : sequence of str
        The lines, page after page.
    features : np.ndarray
        float64 ``[m, len(FEATURES)]``: their line features.
    bounds : np.ndarray
        int64 ``[n_pages + 1]``: page ``p`` is rows ``bounds[p]:bounds[p + 1]``.
    options : WebpageOptions, optional
    known : np.ndarray, optional
        bool ``[m]``: lines already known to be boilerplate.

    Returns
    -------
    labels : np.ndarray
        bool ``[m]``, True for boilerplate.
    kinds : np.ndarray
        str ``[m]``, one of :data:`KINDS`, or ``""`` for content.
    """
    labels, kind = model_page_evidence(lines, features, bounds, options)
    return combine_page_evidence(labels, kind, features[:, _F["title"]] > 0, options, known)


def model_page_evidence(
    lines: Sequence[str], features: np.ndarray, bounds: np.ndarray, options: WebpageOptions | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """What the line model and the patterns say of the lines of many pages, from the pages alone.

    Parameters are as for :func:`model_page_lines` (without ``known``).

    Returns
    -------
    labels : np.ndarray
        bool ``[m]``: the model's label (at the cut; on a list page only furniture).
    kinds : np.ndarray
        str ``[m]``: the kind the patterns name (furniture, else a soft kind), or ``""``;
        given whatever the label.
    """
    opts = options or _default_options()
    model = load_line_model(opts.model)
    probability = model.probability(pages_model_features(features, lines, bounds), bounds)
    labels = probability >= (model.cut if opts.cut is None else opts.cut)
    furniture = _furniture_kinds(features, opts)
    # A page the model would strip of nearly all its text is a list: only its furniture goes.
    # Elsewhere, a line goes wherever its page repeats it, if the model takes one copy.
    on_list = np.repeat(list_pages(probability, features[:, _F["chars"]], bounds), np.diff(bounds))
    labels = np.where(on_list, labels & (furniture != ""), _copies_alike(lines, bounds, labels))
    return labels, np.where(furniture != "", furniture, _soft_kinds(features))


def _copies_alike(lines: Sequence[str], bounds: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """``labels`` (bool ``[m]``) with every copy of a line on a page labelled boilerplate when one is: a menu
    printed twice is furniture twice, though the model reads each copy in its own context."""
    if not labels.any():
        return labels
    page = np.repeat(np.arange(bounds.size - 1), np.diff(bounds))
    group = group_ids(page, exact_hashes([line.strip() for line in lines]))
    return np.bincount(group, weights=labels)[group] > 0


def combine_page_evidence(
    labels: np.ndarray,
    kinds: np.ndarray,
    title: np.ndarray,
    options: WebpageOptions | None = None,
    known: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`model_page_lines` from :func:`model_page_evidence` and the lines already known.

    Parameters
    ----------
    labels, kinds : np.ndarray
        bool, str ``[m]``: from :func:`model_page_evidence`.
    title : np.ndarray
        bool ``[m]``: the line is the page's title (its ``title`` feature).
    options : WebpageOptions, optional
    known : np.ndarray, optional
        bool ``[m]``: lines already known to be boilerplate.

    Returns
    -------
    labels, kinds : np.ndarray
        As :func:`model_page_lines` returns them (new arrays).
    """
    opts = options or _default_options()
    labels = labels.copy()
    kind = kinds.astype(f"<U{max(map(len, KINDS))}")
    if known is not None:
        labels |= known
        kind[known & (kind == "")] = "recurring"
    if opts.keep_title:
        labels &= ~title
    kind[labels & (kind == "")] = "page-furniture"
    kind[~labels] = ""
    return labels, kind
