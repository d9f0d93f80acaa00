"""Source code among the lines (dedup.sourcecode): which lines are code, and what cleaning leaves of them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import dedup
from dedup.shingle import encode
from dedup.sourcecode import CodeLines, code_candidates, code_lines, code_lines_of, units_in_code

# What a code-like line may end and open with (dedup.sourcecode's tables, spelled out).
MAY_END = set("{};([)]/\\\"',")
MAY_OPEN = set("})]#/*>$<`~@_-\\") | set("abcdefghijklmnopqrstuvwxyz")

C_FILE = """#include <stdio.h>

static int check(int n)
{
    if (n < 0) {
        return -1;
    }
    return 0;
}

static int run(int n)
{
    if (check(n) < 0) {
        goto done;
    }
    for (int i = 0; i < n; i++) {
        printf("%d\\n", i);
    }
    return 0;
done:
    return -1;
}
"""

PROSE = [
    "Using the Fetch API",
    "The Fetch API lets a page ask a server for data without reloading.",
    "Here is the smallest request you can make with it:",
    "const response = await fetch(url);",
    "const data = await response.json();",
    "console.log(data);",
    "The promise resolves once the headers arrive, not the body.",
    "Reading the body is a second step, which returns a promise of its own.",
]


def _doc(lines: list[str]) -> np.ndarray:
    return code_lines(lines, np.zeros(len(lines), dtype=np.int64))


def test_a_source_file_is_code_whole() -> None:
    lines = [line for line in C_FILE.split("\n") if line.strip()]
    assert _doc(lines).all()


def test_an_example_among_prose_is_code_and_the_prose_is_not() -> None:
    assert _doc(PROSE).tolist() == [False, False, False, True, True, True, False, False]


def test_a_fenced_block_is_code_fences_included_an_unclosed_fence_marks_nothing() -> None:
    lines = ["# 安装", "运行下面的命令：", "```bash", "pip install foo", "```", "然后重启。"]
    assert _doc(lines).tolist() == [False, False, True, True, True, False]
    assert not _doc(["说明", "```", "pip install foo", "这一段没有结束"]).any()


@pytest.mark.parametrize(
    "lines",
    [
        # Chinese prose ending with ASCII ";" and ")" (People's Daily prints them), HTML entities left in text
        ["认为,包括道琼斯工业指数在内的重要指数有望创新高;", "联合国秘书长发言人当天还在例行吹风会上(记者 王某)"],
        ["指数1998年上半年有望创新高,然后可能下挫达25%,&nbsp;&nbsp;", "能够培养人们从实际出发的工作作风;"],
        # an English list whose items end with ";", an archive's link list, a form's labels
        [
            "does not correspond with the subject of the post;",
            "contains links to viruses and malicious software;",
            "is part of an organized action involving large volumes of comments (spam);",
            "violates etiquette, exhibiting any form of aggressive or humiliating behaviour (trolling);",
        ],
        ["ブログ ( 2324 )", "5月 ( 39 )", "4月 ( 46 )", "Name(required)", "Email(required)", "Comment(required)"],
    ],
)
def test_prose_lists_and_cjk_are_no_code(lines: list[str]) -> None:
    assert not _doc(lines).any()


_LINES = st.sampled_from(
    [
        *PROSE,
        *C_FILE.split("\n")[:12],
        "```",
        "新闻联播;",
        "5月 ( 39 )",
        "x = 1",
        "}",
        "\\section{中国式现代化的发展历程}",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_LINES.filter(str.strip), max_size=12), max_size=6))
@example([["\\section{中国式现代化的发展历程}"], ["x = 1", "}"]])  # before, the command was code only beside code
def test_a_documents_lines_are_judged_on_its_own(docs: list[list[str]]) -> None:
    """The lines of a call of many documents are judged as each document's alone."""
    lines = [line for doc in docs for line in doc]
    doc = np.repeat(np.arange(len(docs), dtype=np.int64), [len(d) for d in docs])
    alone = [_doc(d) for d in docs]
    assert code_lines(lines, doc).tolist() == (np.concatenate(alone).tolist() if alone else [])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="ab AB{};()_=#@.-\\。新 \ud800", max_size=6), max_size=8))
def test_candidates_read_off_code_points_equal_those_read_a_line_at_a_time(lines: list[str]) -> None:
    """What the line table reads off the code points its line marks encoded (empty lines included)."""
    caps = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    expected = [bool(s) and (s[-1] in MAY_END or s[0] in MAY_OPEN or (s[0] in caps and s[1:2] in caps)) for s in lines]
    assert code_candidates(lines).tolist() == expected
    assert code_candidates(lines, encode(lines)).tolist() == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 3)), min_size=1, max_size=15), st.data())
def test_a_unit_is_code_when_every_line_it_overlaps_is(rows: list[tuple[bool, int]], data: st.DataObject) -> None:
    """units_in_code against a line-by-line reading, for units spanning any lines of a document."""
    starts, code, at = [], [], 0
    for is_code, gap in rows:
        starts.append(at)
        code.append(is_code)
        at += 3 + gap  # a line of 2 characters, then a line break and `gap` blank positions
    starts_a = np.array(starts, dtype=np.int64)
    lines = CodeLines(np.zeros(len(rows), np.int64), starts_a, starts_a + 2, np.array(code))
    a = data.draw(st.integers(0, at))
    b = data.draw(st.integers(a, at))
    got = units_in_code(np.zeros(1, np.int64), np.array([[a, b]]), lines)[0]
    overlapped = [c for s, c in zip(starts, code) if s < b and s + 2 > a]
    assert got == (bool(overlapped) and all(overlapped))


def test_code_lines_of_texts_equal_the_line_tables() -> None:
    texts = [C_FILE, "\n".join(PROSE), "纯中文的一段话。\n第二行。"]
    found = code_lines_of(texts)
    table = dedup.lines.line_table(texts)
    assert found.code.tolist() == table.code.tolist()
    assert found.doc.tolist() == table.doc.tolist()


def test_cleaning_a_source_file_removes_nothing() -> None:
    """`return 0;`, `return -1;`, `goto done;` and `}` repeat in any C file: none is a marker or a passage."""
    (cleaned,) = dedup.clean([C_FILE])
    assert cleaned.removed == () and cleaned.text == C_FILE


SOURCES = [
    "def mean(xs):\n    total = 0\n    for x in xs:\n        total += x\n    return total / len(xs)\n",
    "class Stack:\n    def __init__(self):\n        self.items = []\n\n    def push(self, item):\n"
    "        self.items.append(item)\n",
    "def read_config(path):\n    with open(path, encoding='utf-8') as f:\n        return json.load(f)\n",
    "def walk(root):\n    for name in sorted(os.listdir(root)):\n        yield os.path.join(root, name)\n",
    "def fib(n):\n    a, b = 0, 1\n    while n > 0:\n        a, b = b, a + b\n        n -= 1\n    return a\n",
    "def clamp(x, lo, hi):\n    if x < lo:\n        return lo\n    else:\n        return min(x, hi)\n",
]


def test_source_files_sharing_lines_keep_them_and_a_copy_of_one_is_still_a_duplicate() -> None:
    """`import os`, `import json` and `return None` recur in every file: no boilerplate; a copy of a file is."""
    files = [f"import os\nimport json\n\n\n{body}\n\ndef main():\n    return None\n" for body in SOURCES]
    cleaned = dedup.clean([*files, files[2]], cross_document=True)
    assert [c.text for c in cleaned[:6]] == files
    assert cleaned[6].text == "" and {r.kind for r in cleaned[6].removed} == {"document"}


def test_a_pages_repeated_examples_stay_and_its_repeated_prose_goes() -> None:
    para = "Requests made through a session share its cookies and its connection pool, which is faster."
    page = "\n".join(
        [
            "Advanced usage",
            "This document covers some of the more advanced features of the library.",
            "Sessions",
            para,
            "s = requests.Session()",
            "r = s.get('https://httpbin.org/cookies')",
            "print(r.text)",
            "A session can also give default values to its requests:",
            "s = requests.Session()",
            "s.auth = ('user', 'pass')",
            "r = s.get('https://httpbin.org/cookies')",
            "print(r.text)",
            "Any dictionaries that you pass to a request method will be merged with the session-level values.",
            para,
            "Remember to close a session when you are done with it, or use it as a context manager.",
        ]
    )
    (cleaned,) = dedup.clean([page])
    assert [r.text.strip() for r in cleaned.removed] == [para]
    assert cleaned.text.count("s = requests.Session()") == 2 and cleaned.text.count("print(r.text)") == 2


def test_markup_in_code_is_code_and_in_prose_is_noise() -> None:
    code = (
        "def row(x):\n    left = f'<del class=\"diff\">{x}</del>'\n    right = f'<ins>{x}</ins>'\n"
        "    return left + right\n\n\ndef table(rows):\n    return '<table>' + ''.join(rows) + '</table>'\n"
    )
    prose = "他说</span>今天的会议很重要，大家都要来。"
    cleaned_code, cleaned_prose = dedup.clean([code, prose])
    assert cleaned_code.text == code and cleaned_code.removed == ()
    assert cleaned_prose.text == "他说今天的会议很重要，大家都要来。"


def test_a_markdown_fence_is_never_cut_open() -> None:
    """Before, the second ```` ```bash```` block lost its opening fence and command as a repeated passage."""
    md = "# 安装\n\n```bash\npip install foo\n```\n\n## 使用\n\n然后运行：\n\n```bash\npip install foo\n```\n"
    (cleaned,) = dedup.clean([md])
    assert cleaned.text == md


def test_this_packages_modules_cleaned_still_parse() -> None:
    """Every module of dedup itself, cleaned in one call: each still parses as Python (before the rules for code,
    103 of 112 no longer did)."""
    import ast
    from pathlib import Path

    paths = sorted(Path(dedup.__file__).parent.glob("*.py"))
    texts = [path.read_text(encoding="utf-8") for path in paths]
    for path, cleaned in zip(paths, dedup.clean(texts, cross_document=True)):
        ast.parse(cleaned.text, filename=str(path))


LATEX = r"""\documentclass{article}
\usepackage{amsmath}
\begin{document}
\section{Introduction}
We study near-duplicate detection in large corpora of text.
\begin{itemize}
\item First, we define the problem.
\item Second, we give an algorithm.
\end{itemize}
\section{Method}
\begin{equation}
J(A, B) = \frac{|A \cap B|}{|A \cup B|}
\end{equation}
\begin{itemize}
\item Shingle the documents.
\end{itemize}
\begin{tabular}{lrr}
\hline
Method & Precision & Recall \\
\hline
\end{tabular}
\end{document}
"""


def test_tex_commands_are_code_alone_and_papers_keep_them() -> None:
    """A LaTeX paper's `\\begin{itemize}`, `\\end{equation}` and `\\hline` repeat within it and its preamble across
    papers: every one is a command of the paper, none a marker, passage or recurring line."""
    lines = [line for line in LATEX.split("\n") if line]
    assert _doc(lines).tolist() == [not line.startswith("We study") for line in lines]  # items go with the commands
    alone = ["We study hashing.", "\\begin{itemize}", "The end of the list.", "\\hline", "A last sentence here."]
    assert _doc(alone).tolist() == [False, True, False, True, False]  # a command is code alone
    papers = [LATEX.replace("near-duplicate detection", topic) for topic in ("hashing", "sorting", "parsing", "search")]
    cleaned = dedup.clean(papers, cross_document=False)
    assert [c.text for c in cleaned] == papers


YAML = """name: build
on:
  push:
    branches: [main]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pip install -e .
      - run: pytest
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: ruff check .
"""


def test_a_yaml_file_is_code_and_keeps_its_repeated_steps() -> None:
    lines = YAML.split("\n")[:-1]
    assert code_lines_of([YAML]).code.all()
    assert not _doc(["name: 张三", "电话：010-12345678"]).any()  # a form's labels: no program
    (cleaned,) = dedup.clean([YAML])
    assert cleaned.text == YAML and len(lines) == 16


def test_sql_clauses_in_capitals_are_code() -> None:
    """An extension's script declares function after function in capitals (`RETURNS internal`, `LANGUAGE C STRICT;`):
    before, those lines went as recurring lines and templates (a fifth of PostgreSQL's scripts)."""
    functions = [
        f"CREATE FUNCTION {name}(internal)\nRETURNS internal\nAS 'MODULE_PATHNAME'\nLANGUAGE C IMMUTABLE STRICT;\n"
        for name in ("gin_extract_value", "gin_extract_query", "gin_consistent", "gin_compare_partial")
    ]
    script = "-- complain if script is sourced in psql\n\n" + "\n".join(functions)
    assert code_lines_of([script]).code[1:].all()
    (cleaned,) = dedup.clean([script])
    assert cleaned.text == script
    assert not _doc(["AS SEEN ON TV AND IN THE PAPERS EVERY SINGLE DAY", "The Best Of The Year"]).any()


SESSION = """Measures the width of a character.

    >>> # a narrow emoji
    >>> wcwidth.wcwidth('\\u2640')
    1

Counts the items of a list.

    >>> for x in [1, 2]:
    ...     print(x)
    1
    2
    >>> d.get('key')
    'baz'

See the API for more."""


def test_an_interactive_sessions_prompts_and_outputs_are_code() -> None:
    """A doctest's prompts holding code, their continuation lines and the output after them are code: its `1`
    is no page number, its `'baz'` no marker, wherever the session stands. A mail's nested quote (`>>> I agree`)
    is no prompt."""
    lines = [line for line in SESSION.split("\n") if line]
    assert [line.strip() for line, code in zip(lines, _doc(lines).tolist()) if code] == [
        ">>> # a narrow emoji",
        ">>> wcwidth.wcwidth('\\u2640')",
        "1",
        ">>> for x in [1, 2]:",
        "...     print(x)",
        "1",
        ">>> d.get('key')",
        "'baz'",
    ]
    quoted = ["On Monday Ann wrote:", ">>> I agree with the plan as it stands.", "Thanks, that works for us."]
    assert not _doc(quoted).any()
    pages = [SESSION.replace("a list", f"list number {k}") + "\n\n3\n\nThe next page." for k in range(4)]
    cleaned = dedup.clean(pages)
    assert [c.text for c in cleaned] == [page.replace("\n3\n\n", "\n") for page in pages]  # the page's `3` goes
    assert {r.kind for c in cleaned for r in c.removed} == {"page-number"}


def test_a_fence_is_no_copy_of_the_heading_it_reads_as() -> None:
    """```` ```python ```` reads as ``### Python`` does (a view drops punctuation and case): the heading printed
    again is a marker (whose first copy stays), the fences are code and no copies of it (before the twenty-ninth
    session the marker took every copy of the view, the fences too: a web page's were cut open)."""
    from dedup.boilerplate import BoilerplateOptions
    from dedup.boilerplate.base import KIND
    from dedup.boilerplate.classify import document_kinds
    from dedup.lines import line_table

    md = (
        "Install the package first.\n\n### Python\n\nCall it from a script:\n\n"
        "```python\nimport foo\nfoo.run()\n```\n\nOr from a notebook:\n\n"
        "```python\nfrom foo import show\nshow()\n```\n\nThat is all.\n\n### Python\n\nThe end.\n"
    )
    table = line_table([md])
    kinds = document_kinds(table, BoilerplateOptions())
    marked = [md[a:b] for a, b, k in zip(table.start.tolist(), table.end.tolist(), kinds.tolist()) if k]
    assert marked == ["### Python"] and kinds[table.code].tolist() == [0] * 8
    assert int(kinds[np.flatnonzero(~table.code)[-2]]) == KIND["marker"]
    (cleaned,) = dedup.clean([md])
    assert cleaned.text.count("```python") == 2
