"""Source code among the lines: what the line rules and passage matching must leave alone.

Code repeats lines by its nature — ``}``, ``return 0;``, ``else:``, ``import numpy as np``, the same call in two
examples — and each of them is the program's text, not a template, a marker or a repeated passage: cutting the
second ``return out`` from a file leaves a program that no longer runs. Corpora hold code whole (source files,
notebooks, ``README``s, papers' LaTeX, configuration) and in pieces (the examples of a documentation page, a
blog's snippet). Five signs mark a line as code (:func:`code_lines`):

- **a document of code**: at least :data:`DOC_LINES` non-blank lines, half of them or more code-like and a tenth
  or more clearly code (below) — or four fifths code-like, as a YAML file's keys are —, a tenth or more indented,
  and no Markdown fence — a source file whole, its comments and docstrings included. Text extracted from a web
  page has lost its indentation (and keeps its menus: a page half made of examples is no source file), and a
  Markdown text's code is in its fences (its headings and links would make it look like code);
- **a fenced block**: the lines from a Markdown fence (```` ``` ```` or ``~~~``) to the next one, both included
  (an unclosed fence marks nothing);
- **a run of code**: consecutive code-like lines of a document holding at least :data:`RUN_STRONG` clearly code
  ones — an example on a web page, whose text was extracted without its ``<pre>``;
- **a TeX command** alone on its line (``\\begin{itemize}``, ``\\hline``, ``\\section{Method}``): LaTeX's structure,
  which a paper repeats and every paper of a collection shares;
- **an interactive session**: a prompt holding code (``>>> len(x)``), its continuation lines (``... ``) and the
  line after them, its output (``3``: no page number).

A line is *code-like* when half or more of its non-space characters are ASCII, it is not prose (six words or
more, apart by spaces, with at most two of ``(){}[]=<>"'``), and its shape is a program's: it ends with
``{ } ; ( [ ) ] , \\`` or a docstring's quotes, opens with ``} ) ] # // /* >>> $ \\`` or a decorator, opens
with a keyword, an assignment, a call, a YAML key (``name:``, ``- uses:``) or an SQL clause in capitals, or holds
an operator (``->``, ``=>``, ``::``, ``&&``, ``==``, ``a[i``); a line opening with a capital letter is code-like by
its ends only (``MAX = 10`` is not), or by two capitals opening an SQL clause. It is *clearly code* when it ends
with ``{`` or ``):``, ends with ``;`` and holds a bracket, quote or ``=`` (or is three words at most: ``return
0;``), opens with ``} // /* #include``, a shell prompt or an ``import``, is a bare ``else``/``break``/``pass``, an
assignment, an operator or a call of a lower-case or dotted name (``print(x)``, ``os.path.join(a, b)``, not
``Name(required)``), a YAML key opening a block or holding a literal (``help_text: |``, ``required: false``), an
SQL clause in capitals (``RETURNS internal``, ``LANGUAGE C STRICT;``) or a TeX command. Mostly-CJK lines are never
code-like (a Chinese line ending with an ASCII ``;``), nor are English lines of a list ending with ``;``.

Measured (the twenty-seventh session; the README's "Source code" has the collections' removals): no document of
People's Daily, the generated reprint pages, the seeds or the 916 labelled web pages is a document of code; on
those pages the runs mark 2,384 lines, 2,141 labelled content (documentation pages' examples) and 243 boilerplate.
Languages whose lines end in none of those signs (Fortran, Lisp) are found by their operators and keywords only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter

import numpy as np

from .arrays import to_codepoints
from .segment import segment_many

#: A document of code has at least this many non-blank lines.
DOC_LINES = 5
#: ... of which at least this share is code-like ...
DOC_LIKE = 0.5
#: ... at least this share clearly code (or this share code-like: a YAML file's keys are no clear code) ...
DOC_CLEAR = 0.1
DOC_ALL_LIKE = 0.8
#: ... and at least this share indented (opening after a space or a tab).
DOC_INDENTED = 0.1
#: A run of code-like lines is code when it holds at least this many clearly code lines.
RUN_STRONG = 2

_ENDS = ("{", "}", ";", "(", "[", ")", "]", "*/", "\\", '"""', "'''", ",")
_OPENS = ("}", ")", "]", "#", "//", "/*", "*/", ">>> ", "$ ", "<?php", "```", "~~~", "\\")


def _ascii_table(chars: str) -> np.ndarray:
    """bool ``[129]``: which ASCII code points are among ``chars`` (row 128 stands for every other code point)."""
    table = np.zeros(129, dtype=bool)
    table[[ord(c) for c in chars]] = True
    return table


# The last characters of _ENDS, and what a code-like line may open with: _OPENS' first characters, a decorator's
# "@", the lower-case letters, "_" and "$" that a keyword, an assignment or a call opens with, a YAML item's "-".
_MAY_END = _ascii_table("".join(end[-1] for end in _ENDS))
_MAY_OPEN = _ascii_table("".join(o[0] for o in _OPENS) + "@_$-abcdefghijklmnopqrstuvwxyz")
_END_SET, _OPEN_SET = ({chr(c) for c in np.flatnonzero(table[:128])} for table in (_MAY_END, _MAY_OPEN))
_CAPITALS = _ascii_table("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_KEYWORDS = (
    "def|class|import|from|return|raise|yield|elif|else|except|finally|try|async|await|lambda|with|if|for|while|"
    "var|let|const|function|public|private|protected|static|package|fn|func|pub|impl|struct|enum|switch|case|"
    "break|continue|goto|end|fi|done|esac|then|do|elsif|local|print|echo|export|unless|begin|rescue|module|use|"
    "mod|match|namespace|using|typedef|template|virtual|extern|void|int|char|bool|float|double|unsigned|long|"
    "interface|val|trait|pass|new|delete|throw|catch|select|insert|update|create"
)
_ASSIGNMENT = re.compile(r"[A-Za-z_$][\w.$\[\]'\"]*\s*(?:=|\+=|-=|\*=|/=|:=|\|=|&=|<<=|>>=)\s*\S")
# A keyword, an assignment or a call opening the line (what follows a keyword must be a program's: a space, a
# bracket, a colon or the line's end), or a mapping's key (YAML, a configuration file) or a sequence's item opening
# with one.
_YAML_KEY = r"(?:- )?[a-z_][\w.-]*:(?:\s|$)"
_OPENING = re.compile(
    rf"(?:{_KEYWORDS})(?=[\s(:;{{<]|$)|{_ASSIGNMENT.pattern}|[A-Za-z_$][\w.$]*\(.*\)[;,]?$|{_YAML_KEY}"
)
# A key opening a nested block or a block scalar, or holding a literal (a boolean, null, a number, a quoted string,
# an anchor or alias, a flow collection), or a key of several words joined by "_" (help_text): clearly YAML.
_YAML_CLEAR = re.compile(
    r"(?:- )?(?:[a-z][\w.-]*_[\w.-]*:(?:\s|$)"
    r"|[a-z_][\w.-]*:(?:\s*|\s+(?:[|>][-+]?|true|false|null|~|[-+\d.]+|[&*][\w-]+|\[.*\]|\{.*\}|\".*\"|'.*'))$)"
)
# A line that is a TeX command and its arguments (\begin{itemize}, \hline, \section{Method},
# \usepackage[utf8]{inputenc}): code alone, as LaTeX's structure (\begin{document} recurs in every paper).
_TEX = re.compile(r"\\[A-Za-z@]+\*?(?:\s*(?:\[[^\]]*\]|\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}))*\s*(?:%.*)?$")
_OPERATOR = re.compile(r"\w ?(?:->|=>|::|&&|\|\||!=|==|\+\+) ?\w|\w\[\w")
_OPERATOR_CHAR = re.compile(r"[-=:&|!+\[]")  # every operator holds one: a cheaper search first
_CODE_CHARS = re.compile(r"[(){}\[\]=<>\"']")
_WORD = re.compile(r"(?<![\w.])[A-Za-z]{2,}(?![\w.(])")
_ENTITY = re.compile(r"&#?\w+;$")  # "&nbsp;" ends many a line of HTML left in text
_CALL = re.compile(r"([a-z_$][\w.$]*|[A-Za-z_$][\w$]*[._][\w.$]*)\(.*\)[;,]?$")
_IMPORT = re.compile(r'(?:import|from|use|using|package|#include)\s+[\w.:<>/"]+(?:\s+(?:import|as)\s+.+)?;?$')
_BARE = re.compile(r"(?:else|try|finally|break|continue|return|pass|end|fi|done|do|then)(?:\s+\S+)?[;:{]?$")
_PROMPT = re.compile(r"(?:\$|>>>|\.\.\.) [a-z]")
_CLEAR_OPENS = ("}", "//", "/*", "#include", "#define", "#if", "#endif", "#pragma", "<?php")
_CLEAR_KEYWORD = re.compile(rf"(?:{_KEYWORDS})[ (<]")
# SQL's clauses, which it writes in capitals a line each (CREATE FUNCTION …, RETURNS internal, AS '…', LANGUAGE C;).
_SQL = re.compile(
    r"(?:SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|RETURNS|LANGUAGE|AS|FROM|WHERE|AND|OR|ORDER BY|GROUP BY|JOIN"
    r"|VALUES|SET|BEGIN|END|COMMIT|GRANT|REVOKE|WITH|UNION|LIMIT|HAVING|DECLARE|RETURN|COMMENT ON|INTO|CASE|WHEN"
    r"|THEN|ELSE|IF|LOOP|EXECUTE|PERFORM|RAISE)(?=[\s(;]|$)"
)


def _mostly_ascii(line: str) -> bool:
    """Half or more of the line's characters other than spaces are ASCII."""
    spaces = line.count(" ")
    return 2 * (len(line.encode("ascii", "ignore")) - spaces) >= len(line) - spaces


def _prose(line: str) -> bool:
    """Six words or more, apart by spaces, and at most two of ``(){}[]=<>"'``: a sentence, whatever it ends with
    (the cheap counts first)."""
    return len(line.split()) >= 6 and len(_CODE_CHARS.findall(line)) <= 2 and len(_WORD.findall(line)) >= 6


def code_like(line: str) -> bool:
    """Whether a stripped, non-empty line has a program's shape (see the module docstring)."""
    if not _mostly_ascii(line):  # first: a line of CJK is passed over at once
        return False
    shaped = (
        line.endswith(_ENDS)
        or line.startswith(_OPENS)
        or (line[0] == "@" and line[1:2].isalpha())
        or _OPENING.match(line) is not None
        or _SQL.match(line) is not None
        or (_OPERATOR_CHAR.search(line) is not None and _OPERATOR.search(line) is not None)
    )
    return shaped and not _prose(line)


def clearly_code(line: str) -> bool:
    """Whether a code-like line (:func:`code_like`) is clearly code (see the module docstring)."""
    if line.endswith(";"):
        return _ENTITY.search(line) is None and (_CODE_CHARS.search(line) is not None or len(line.split()) <= 3)
    if line.endswith(("{", "):")) or line.startswith(_CLEAR_OPENS) or _PROMPT.match(line) or _TEX.match(line):
        return True
    if _ASSIGNMENT.match(line) or _OPERATOR.search(line) or _IMPORT.match(line) or _BARE.match(line):
        return True
    if _CALL.match(line) or _YAML_CLEAR.match(line) or _SQL.match(line):
        return True
    return _CLEAR_KEYWORD.match(line) is not None and _CODE_CHARS.search(line) is not None


def code_candidates(lines: Sequence[str], encoded: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """bool ``[m]``: which stripped lines may be code-like by their last character (one that may end a code-like
    line) or their first (one that may open one: a lower-case letter, a bracket, ``#``, ``@``…); ``encoded``:
    ``dedup.shingle.encode(lines)`` when the caller has it (else the first and last characters are read a line
    at a time). An empty line is none."""
    m = len(lines)
    if encoded is None:
        present = [i for i, line in enumerate(lines) if line]
        chosen = [lines[i] for i in present]
        firsts, lasts = (to_codepoints("".join(map(itemgetter(k), chosen))) for k in (0, -1))
        seconds = to_codepoints("".join(line[1:2] or " " for line in chosen))
        out = np.zeros(m, dtype=bool)
        out[present] = _may_be_code(firsts, seconds, lasts)
        return out
    cps, offsets = encoded
    starts, ends = offsets[:-1], offsets[1:]
    present = ends > starts
    if not cps.size:
        return present
    firsts = cps[np.minimum(starts, cps.size - 1)]
    seconds = np.where(ends - starts >= 2, cps[np.minimum(starts + 1, cps.size - 1)], ord(" "))
    lasts = cps[np.maximum(ends - 1, 0)]
    return present & _may_be_code(firsts, seconds, lasts)


def _may_be_code(firsts: np.ndarray, seconds: np.ndarray, lasts: np.ndarray) -> np.ndarray:
    """bool ``[m]``: lines whose last code point may end a code-like line, whose first may open one, or whose first
    two are capitals (an SQL clause), from those code points (uint32 ``[m]`` each; a one-character line's second is a
    space)."""
    caps = _CAPITALS[np.minimum(firsts, 128)] & _CAPITALS[np.minimum(seconds, 128)]
    return _MAY_END[np.minimum(lasts, 128)] | _MAY_OPEN[np.minimum(firsts, 128)] | caps


def code_lines(
    lines: Sequence[str],
    doc: np.ndarray,
    indented: Callable[[np.ndarray], np.ndarray] | None = None,
    candidates: np.ndarray | None = None,
) -> np.ndarray:
    """Which lines are source code: bool ``[m]``.

    Parameters
    ----------
    lines : sequence of str
        ``m`` non-blank lines, each without its line break, in document order.
    doc : np.ndarray
        int64 ``[m]``, non-decreasing: each line's document. A document's answer reads its own lines only,
        whatever else shares the call.
    indented : callable, optional
        Which of some lines (int64 ``[k]`` rows → bool ``[k]``) open after a space or a tab in their document, for
        lines given without their indentation (:func:`opens_indented`); by default each line's own first character
        says. Asked only of the documents that the other signs make documents of code.
    candidates : np.ndarray, optional
        bool ``[m]``: :func:`code_candidates` of the lines, or of a superset's shapes (the line table reads them off
        the lines' NFKC, which only adds candidates), when the caller has them.

    Notes
    -----
    Per line, Python work is spent only on lines whose last character may end a code-like line or whose first may
    open one (a lower-case letter, a bracket, ``#``, ``@``…), read as two arrays of code points; a line of Chinese
    prose ending with "。", or of English opening with a capital and ending with a full stop, is passed over. A
    line opening with a capital is code-like by its ends only (``MAX = 10`` is not).
    """
    m = len(lines)
    out = np.zeros(m, dtype=bool)
    if not m:
        return out
    doc = np.asarray(doc, dtype=np.int64)
    stripped = list(lines) if indented is not None else [line.strip() for line in lines]
    if candidates is None:
        candidates = code_candidates(stripped)
    rows = np.flatnonzero(candidates).tolist()
    if not rows:
        return out
    like, clear, fence, tex, prompt = (np.zeros(m, dtype=bool) for _ in range(5))
    for i in rows:
        s = stripped[i]
        if s[-1] not in _END_SET and s[0] not in _OPEN_SET and not s[:2].isupper():  # by its NFKC only: "）" is ")"
            continue
        if s.startswith(("```", "~~~")):
            fence[i] = True
        like[i] = code_like(s)
        tex[i] = s[0] == "\\" and _TEX.match(s) is not None
        prompt[i] = s.startswith(">>> ") and (s[4:5] == "#" or code_like(s[4:]))
    if not (like.any() or fence.any() or tex.any()):  # a TeX command of CJK words is code and no code-like line
        return out
    first = np.concatenate(([True], doc[1:] != doc[:-1]))
    _, doc_rank = np.unique(doc, return_inverse=True)
    sizes, likes = np.bincount(doc_rank), np.bincount(doc_rank, weights=like)
    fences = np.bincount(doc_rank, weights=fence).astype(np.int64)
    run = np.cumsum(~like | first)  # a code-like line's run: the line before it that is not, or its document's start
    # Whether a code-like line is clearly code matters in a run of two or more, or in a document that may be code.
    may_be_whole = (sizes >= DOC_LINES) & (likes >= DOC_LIKE * sizes) & (fences == 0)
    asked = like & ((np.bincount(run, weights=like)[run] >= 2) | may_be_whole[doc_rank])
    for i in np.flatnonzero(asked).tolist():
        clear[i] = clearly_code(stripped[i])
    # Documents of code.
    clears = np.bincount(doc_rank, weights=clear, minlength=sizes.size)
    whole = may_be_whole & ((clears >= DOC_CLEAR * sizes) | (likes >= DOC_ALL_LIKE * sizes))
    if whole.any():
        rows = np.flatnonzero(whole[doc_rank])
        opens = (
            np.fromiter((lines[i][:1] in _INDENTS for i in rows.tolist()), dtype=bool, count=rows.size)
            if indented is None
            else np.asarray(indented(rows), dtype=bool)
        )
        whole &= np.bincount(doc_rank[rows], weights=opens, minlength=whole.size) >= DOC_INDENTED * sizes
    out |= whole[doc_rank]
    # Fenced blocks: within a document, a fence's count so far says whether a line is inside a pair.
    count = _count_within(fence, first)
    fences = fences[doc_rank]
    opened = (count % 2 == 1) & (count < fences)  # an open fence that a later one closes, and the lines after it
    out |= opened | (fence & (count % 2 == 0) & (count > 0))
    # Runs of code-like lines holding enough clearly code ones.
    strong = np.bincount(run, weights=clear)
    out |= like & (strong[run] >= RUN_STRONG)
    return out | tex | _doctests(stripped, prompt, first)


def _doctests(stripped: Sequence[str], prompt: np.ndarray, first: np.ndarray) -> np.ndarray:
    """bool ``[m]``: the lines of interactive sessions — a prompt holding code (``>>> len(x)``, ``>>> # a
    comment``; ``prompt``), its continuation lines (``... ``) and the line after them that is no prompt, its
    output (``3``, ``'baz'``), which would otherwise look like a page number or a marker. ``first``: bool ``[m]``,
    the lines opening their document."""
    out = prompt.copy()
    m = len(stripped)
    for i in np.flatnonzero(prompt).tolist():
        j = i + 1
        while j < m and not first[j] and (stripped[j].startswith("... ") or stripped[j] == "..."):
            out[j] = True
            j += 1
        if j < m and not first[j] and not stripped[j].startswith(">>> "):
            out[j] = True
    return out


_INDENTS = (" ", "\t")


def opens_indented(texts: Sequence[str], doc: np.ndarray, start: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """bool ``[k]``: which of the lines ``rows`` (int64 ``[k]``; each line ``doc``, ``start`` int64 ``[m]``, its
    first visible character) open after a space or a tab in ``texts``."""
    return np.fromiter(
        (s > 0 and texts[d][s - 1] in _INDENTS for d, s in zip(doc[rows].tolist(), start[rows].tolist())),
        dtype=bool,
        count=rows.size,
    )


def _count_within(marks: np.ndarray, first: np.ndarray) -> np.ndarray:
    """int64 ``[m]``: how many of ``marks`` (bool ``[m]``) lie at or before each row within its group, the groups
    starting at ``first`` (bool ``[m]``)."""
    total = np.cumsum(marks, dtype=np.int64)
    before = np.maximum.accumulate(np.where(first, total - marks, 0))
    return total - before


@dataclass(frozen=True)
class CodeLines:
    """The non-blank lines of a batch and which are code (or, given to :func:`dedup.passages.unit_table` as
    ``exempt``, which found no passage: code and, off web pages, labels).

    Attributes
    ----------
    doc, start, end : np.ndarray
        int64 ``[m]``: each line's document and span, sorted by (document, start).
    code : np.ndarray
        bool ``[m]``: :func:`code_lines` of the lines (or the lines exempt).
    """

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    code: np.ndarray


def code_lines_of(texts: Sequence[str]) -> CodeLines:
    """:class:`CodeLines` of ``texts``, their lines segmented here (a caller holding a line table passes its
    columns instead)."""
    lines = segment_many(texts, "line")
    doc, spans = lines.doc_ids(), lines.spans
    pieces = [texts[d][a:b] for d, a, b in zip(doc.tolist(), spans[:, 0].tolist(), spans[:, 1].tolist())]
    start = spans[:, 0].copy()
    code = code_lines(pieces, doc, lambda rows: opens_indented(texts, doc, start, rows))
    return CodeLines(doc, start, spans[:, 1].copy(), code)


def units_in_code(doc: np.ndarray, spans: np.ndarray, lines: CodeLines) -> np.ndarray:
    """bool ``[u]``: the units (paragraphs, sentences) at ``spans`` (int64 ``[u, 2]``) of documents ``doc`` (int64
    ``[u]``) whose every non-blank line is code, ``lines`` being the batch's (:class:`CodeLines`); a unit that
    holds no line holds no code."""
    if not doc.size or not lines.code.any():
        return np.zeros(doc.size, dtype=bool)
    width = int(max(lines.end.max(), spans[:, 1].max(initial=0))) + 1
    line_start, line_end = lines.doc * width + lines.start, lines.doc * width + lines.end
    first = np.searchsorted(line_end, doc * width + spans[:, 0], side="right")  # the first line ending after it starts
    after = np.searchsorted(line_start, doc * width + spans[:, 1], side="left")  # the lines starting before it ends
    prose = np.concatenate(([0], np.cumsum(~lines.code, dtype=np.int64)))
    return (after > first) & (prose[after] == prose[first])


def noise_in_code(texts: Sequence[str], doc: np.ndarray, spans: np.ndarray, code_docs: np.ndarray) -> np.ndarray:
    """bool ``[k]``: which inline-noise spans (``doc`` int64 ``[k]``, ``spans`` int64 ``[k, 2]``: a ``<span>``, an
    ``&nbsp;``, a pinyin annotation) lie in lines of code, where they are the program's text (``f'<del>{x}'``).
    ``code_docs`` (int64, increasing) are the documents holding code (:attr:`dedup.clean.CleanPlan.code_docs`): only
    their lines are read again."""
    out = np.zeros(doc.size, dtype=bool)
    rows = np.flatnonzero(np.isin(doc, code_docs))
    if not rows.size:
        return out
    held, local = np.unique(doc[rows], return_inverse=True)
    out[rows] = units_in_code(local, spans[rows], code_lines_of([texts[d] for d in held.tolist()]))
    return out
