"""HTML pages as inputs: their visible text, a line per block (dedup.io.html), read by the command."""

from __future__ import annotations

import gzip
import html
import json
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.io import ReadOptions, Record, decode_html, discover, html_lines, html_text, read_file
from dedup.io.html import charset_codec, declared_charset

ROOT = Path(__file__).resolve().parent.parent
NEWS = sorted((ROOT / "examples" / "news").glob("*.txt"))


def dedup(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dedup", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_the_visible_text_a_line_per_block() -> None:
    page = (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>\n<title> 某某网 -\n 新闻 </title>"
        "<script>var x = '<p>不是文字</p>';</script><style>p { color: red }</style></head>\n"
        "<body><div class='nav'><a href='/'>首页</a> | <a>国内</a></div>"
        "<p>第一段，<b>加粗</b>的词&amp;实体&nbsp;空格。<!-- 注释 -->后面</p>"
        "<p>源文件里的\n换行</p><ul><li>一</li><li>二<br>三</li></ul>"
        "<table><tr><td>单元</td><td>格</td></tr></table><noscript>请开启脚本</noscript>"
        "<pre>def f():\n    return 1\n\n</pre><svg><title>图标</title><text>x</text></svg><p>   </p>尾</body></html>"
    )
    assert html_lines(page) == [
        "某某网 - 新闻",
        "首页 | 国内",
        "第一段，加粗的词&实体 空格。 后面",
        "源文件里的",
        "换行",
        "一",
        "二",
        "三",
        "单元",
        "格",
        "def f():",
        "    return 1",
        "尾",
    ]
    assert html_text(page) == "\n".join(html_lines(page))
    # a <head> never closed ends at <body>; a page without a title starts with its body
    assert html_lines("<html><head><style>x{}</style><body><p>正文</p>") == ["正文"]
    assert html_lines("") == [] and html_lines("<p> </p><script>x</script>") == []
    # broken markup is read in one pass (the elements left open are counted, not searched for: 50,000 unclosed
    # <noscript> and as many stray </head> took seconds, quadratic, before)
    assert html_lines("<noscript>" * 50_000 + "</head>" * 50_000 + "</noscript>" * 49_999 + "<p>x") == []
    assert html_lines("<noscript>" * 50_000 + "</noscript>" * 50_000 + "<p>x") == ["x"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["<p>", "</p>", "<div>", "</div>", "<br>", "<pre>", "</pre>", "<b>", "</b>", "<!-- c -->"]),
            st.sampled_from(["<script>", "</script>", "<title>", "</title>", "<head>", "</head>", "&amp;", "&lt;"]),
            st.text(alphabet="ab 中文\n\t\u3000", max_size=8),
        ),
        max_size=30,
    )
)
def test_lines_are_never_empty_and_never_hold_script(pieces: list[str]) -> None:
    """Whatever the markup, no line is empty or holds a newline, and nothing written inside <script> is read."""
    markup = "".join(pieces) + "<script>秘密 x</script>"
    lines = html_lines(markup)
    assert all(line.strip() and "\n" not in line for line in lines)
    assert not any("秘密" in line for line in lines)


def test_a_declared_encoding_is_read_when_the_bytes_are_not_utf8() -> None:
    assert declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=GB2312">') == "gb18030"
    assert declared_charset(b"<meta charset='big5'>") == "big5hkscs"
    assert (
        declared_charset(b"<META CHARSET=Shift_JIS>") == "cp932"
        and declared_charset(b"<meta charset=euc-kr>") == "cp949"
    )
    # a page that says ISO-8859-1 is read as browsers read it, in cp1252: its curly quotes are quotes
    latin = decode_html("<meta charset=iso-8859-1><p>\u201cQuoted\u201d caf\u00e9</p>".encode("cp1252"))
    assert not isinstance(latin, str) and "\u201cQuoted\u201d caf\u00e9" in latin.text and latin.encoding == "cp1252"
    assert declared_charset(b"<meta charset=nonsense>") is None and declared_charset(b"<p>charset=gbk</p>") is None
    # the same labels read the same in an HTTP Content-Type (a web archive's responses)
    assert [charset_codec(label) for label in ('"ISO-8859-1"', " GBK", "nonsense")] == ["cp1252", "gb18030", None]
    page = "<html><head><meta charset='gbk'><title>标题</title></head><body><p>正文</p></body></html>"
    decoded = decode_html(page.encode("gb18030"))
    assert not isinstance(decoded, str)
    assert (decoded.text, decoded.encoding, decoded.detected) == (page, "gb18030", False)
    # a page that says GBK but is UTF-8 (a common mistake) reads as UTF-8, as the bytes say
    decoded = decode_html(page.encode("utf-8"))
    assert not isinstance(decoded, str) and (decoded.text, decoded.encoding) == (page, "utf-8")
    # bytes invalid in the declared encoding fall to the detection of text files
    latin = "<meta charset='shift_jis'><p>Ça coûte très cher, déjà à la première étape de la réforme.</p>"
    decoded = decode_html(latin.encode("cp1252"))
    assert not isinstance(decoded, str) and decoded.text == latin and decoded.detected


def _site_page(title: str, paragraphs: list[str], day: int) -> str:
    """A page of one site: its menu, breadcrumb, share line and footer around a story."""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)} - 某某新闻网</title>"
        "<script>function track() { return 1; }</script><style>.nav li { display: inline }</style></head><body>"
        "<ul class='nav'><li><a href='/'>首页</a></li><li>国内</li><li>国际</li><li>财经</li><li>体育</li></ul>"
        "<div>当前位置：<a href='/'>首页</a> &gt; 国内新闻</div>"
        f"<div class='meta'>来源：某某新闻网　2024-01-{day:02d}</div><div class='content'>{body}</div>"
        "<div>分享到：微信 微博 QQ空间</div><p>关于我们 | 联系我们 | 广告服务 | 网站地图</p>"
        "<p>Copyright &copy; 2024 某某新闻网 版权所有</p><p>京ICP备12345678号</p></body></html>"
    )


def test_the_command_cleans_a_folder_of_pages(tmp_path: Path) -> None:
    """Five pages of one site, one in GBK and one gzipped: each page's text is its visible text, the site's
    template lines go as boilerplate, every story paragraph stays, and text/ holds each page's cleaned text."""
    pages = tmp_path / "pages"
    pages.mkdir()
    stories = []
    for day, path in enumerate(NEWS, 10):
        paragraphs = [p for p in path.read_text(encoding="utf-8").splitlines() if p.strip()]
        stories.append(paragraphs)
        page = _site_page(paragraphs[0][:30], paragraphs, day)
        if day == 11:
            (pages / f"{day}.html").write_bytes(page.replace("charset='utf-8'", "charset='gb2312'").encode("gb18030"))
        elif day == 12:
            (pages / f"{day}.htm.gz").write_bytes(gzip.compress(page.encode("utf-8")))
        else:
            (pages / f"{day}.html").write_text(page, encoding="utf-8")
    (pages / "empty.html").write_text("<html><head><title></title><script>x()</script></head></html>", "utf-8")
    result = dedup("clean", str(pages), "-o", str(tmp_path / "out"))
    assert result.returncode == 2 and "e.g. --glob '*.htm*'" in result.stderr  # the advice names the pages
    result = dedup("clean", str(pages), "--glob", "*.htm*", "-o", str(tmp_path / "out"))
    # a page saved without its extension is known by how it opens; a .txt file that opens so is text
    (tmp_path / "news?id=3").write_text("\ufeff<!-- saved -->\n<!doctype HTML><p>另一篇</p><p>第二段</p>", "utf-8")
    (tmp_path / "about-html.txt").write_text("<html> 是网页的根元素，<p> 是段落。", "utf-8")
    both = dedup("clean", str(tmp_path / "news?id=3"), str(tmp_path / "about-html.txt"), "--remove", "none", "--stdout")
    assert [json.loads(line)["text"] for line in both.stdout.splitlines()] == [
        "另一篇\n第二段",
        "<html> 是网页的根元素，<p> 是段落。",
    ]
    assert result.returncode == 1, result.stderr  # 1: a page skipped
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert [(Path(s["source"]).name, s["reason"]) for s in summary["skipped"]] == [
        ("empty.html", "no visible text in the page")
    ]
    rows = [json.loads(line) for line in (tmp_path / "out" / "cleaned.jsonl").read_text("utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["10.html", "11.html", "12.htm.gz", "13.html", "14.html"]
    template = {"首页", "国内", "国际", "财经", "体育", "当前位置：首页 > 国内新闻", "分享到：微信 微博 QQ空间"}
    template |= {
        "关于我们 | 联系我们 | 广告服务 | 网站地图",
        "Copyright © 2024 某某新闻网 版权所有",
        "京ICP备12345678号",
    }
    for row, paragraphs in zip(rows, stories):
        lines = row["text"].splitlines()
        removed = {r["text"].strip() for r in row["removed"]}
        assert template <= removed, sorted(template - removed)
        assert all(r["reason"] == "boilerplate" for r in row["removed"])
        assert set(paragraphs[1:-1]) <= set(lines), row["text"]  # the story (its last line may be a link's title)
        assert not any("track()" in line or "display" in line for line in lines)
        assert (tmp_path / "out" / row["output"]).read_text("utf-8") == row["text"]
    assert [r["output"] for r in rows][:3] == ["text/10.html.txt", "text/11.html.txt", "text/12.htm.txt"]
    # the page titles went as boilerplate (the labelled pages' definition); --keep-titles keeps them
    titles = [f"{paragraphs[0][:30]} - 某某新闻网" for paragraphs in stories]
    assert not any(title in row["text"] for title, row in zip(titles, rows))
    kept = tmp_path / "titles"
    assert dedup("clean", str(pages), "--glob", "*.htm*", "--keep-titles", "-o", str(kept)).returncode == 1
    rows = [json.loads(line) for line in (kept / "cleaned.jsonl").read_text("utf-8").splitlines()]
    assert [row["text"].splitlines()[0] for row in rows] == titles
    assert [(Path(e["source"]).name, e["encoding"]) for e in summary["encodings"]] == [("11.html", "gb18030")]


def test_html_in_records_is_read_as_text_with_the_flag(tmp_path: Path) -> None:
    """--html: a JSONL field of pages (and a .txt file of one) is read as the visible text; without it, as it is."""
    pages = [_site_page(f"第{k}篇", [f"第{k}篇的正文，内容各不相同：{k * 7}。"], 10 + k) for k in range(3)]
    corpus = tmp_path / "crawl.jsonl"
    rows = [{"url": f"u{k}", "html": page} for k, page in enumerate(pages)] + [{"url": "u3", "html": "<script>"}]
    corpus.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    (tmp_path / "page.txt").write_text(pages[0], encoding="utf-8")
    for flag, out in ((["--html"], tmp_path / "out"), ([], tmp_path / "raw")):
        args = ["clean", str(corpus), str(tmp_path / "page.txt"), "--text-field", "html", "--id-field", "url"]
        result = dedup(*args, "--remove", "none", "-o", str(out), *flag)
        assert result.returncode == (1 if flag else 0), result.stderr
        read = [json.loads(line) for line in (out / "cleaned.jsonl").read_text("utf-8").splitlines()]
        if flag:
            assert [r["text"] for r in read] == [html_text(p) for p in pages] + [html_text(pages[0])]
            summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
            assert [(s["line"], s["reason"]) for s in summary["skipped"]] == [(4, "no visible text in the page")]
        else:
            assert [r["text"] for r in read] == [*pages, "<script>", pages[0]]


def test_pages_read_as_text_are_named_in_a_hint(tmp_path: Path) -> None:
    """Without --html, a crawl's pages are text whose markup goes as noise, scripts and styles kept: the command
    says so, naming --html, when the markup cut is 5 % of the text or more; with the flag, or on plain text, not."""
    pages = [_site_page(f"第{k}篇", [f"第{k}篇的正文，内容各不相同：{k * 7}。"], 10 + k) for k in range(6)]
    corpus = tmp_path / "crawl.jsonl"
    corpus.write_text("".join(json.dumps({"text": page}, ensure_ascii=False) + "\n" for page in pages), "utf-8")
    raw = dedup("clean", str(corpus), "-o", str(tmp_path / "raw"))
    assert "of HTML markup" in raw.stderr and "give --html to read their visible text" in raw.stderr, raw.stderr
    summary = json.loads((tmp_path / "raw" / "summary.json").read_text(encoding="utf-8"))
    assert summary["removals_by_kind"]["noise/html_tag"]["chars"] >= 0.05 * summary["chars"]["in"]
    for args in (["--html"], ["--html", "--force"]):
        read = dedup("clean", str(corpus), "-o", str(tmp_path / "pages"), *args)
        assert "markup" not in read.stderr, read.stderr
    text = tmp_path / "plain.txt"
    text.write_text("Use <b>bold</b> sparingly in a long paragraph of prose about typography. " * 20, "utf-8")
    assert "markup" not in dedup("clean", str(text), "-o", str(tmp_path / "plain")).stderr


# --------------------------------------------------------------------------- web archives


def _warc_record(kind: str, headers: dict[str, str], block: bytes) -> bytes:
    head = {"WARC-Type": kind, "WARC-Record-ID": f"<urn:uuid:{kind}-{len(block)}>", **headers}
    head["Content-Length"] = str(len(block))
    lines = "".join(f"{name}: {value}\r\n" for name, value in head.items())
    return f"WARC/1.0\r\n{lines}\r\n".encode() + block + b"\r\n\r\n"


def _http(status: str, headers: dict[str, str], body: bytes) -> bytes:
    lines = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return f"HTTP/1.1 {status}\r\n{lines}\r\n".encode("iso-8859-1") + body


def _chunked(body: bytes, size: int = 100) -> bytes:
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


def test_the_pages_and_texts_of_web_archives_are_read(tmp_path: Path) -> None:
    """A crawl's WARC file (each record gzipped apart, as crawlers write them): its HTML responses are read as their
    pages' visible text — chunked, gzipped, in the charset HTTP names — its texts as they are; requests, metadata
    and DNS answers are passed over, and so are images and errors (no text documents); a WET file's conversions are
    read, and a cut one ends with a skip."""
    page = _site_page("第一篇", ["第一篇的正文，写得很长很长。"], 10)
    gbk_page = _site_page("第二篇", ["第二篇的正文，用国标码写成。"], 11).replace("charset='utf-8'", "")
    records = [
        _warc_record("warcinfo", {"Content-Type": "application/warc-fields"}, b"software: test\r\n"),
        _warc_record("request", {"WARC-Target-URI": "http://a.cn/1"}, b"GET /1 HTTP/1.1\r\n\r\n"),
        _warc_record(
            "response",
            {
                "WARC-Target-URI": "http://a.cn/1",
                "WARC-Date": "2026-01-01T00:00:00Z",
                "Content-Type": "application/http",
            },
            _http("200 OK", {"Content-Type": "text/html; charset=utf-8"}, page.encode("utf-8")),
        ),
        _warc_record(
            "response",
            {"WARC-Target-URI": "http://a.cn/2", "Content-Type": "application/http; msgtype=response"},
            _http(
                "200 OK",
                {"Content-Type": "text/html; charset=GBK", "Transfer-Encoding": "chunked", "Content-Encoding": "gzip"},
                _chunked(gzip.compress(gbk_page.encode("gb18030"))),
            ),
        ),
        _warc_record("metadata", {"WARC-Target-URI": "http://a.cn/2"}, b"fetchTimeMs: 12\r\n"),
        _warc_record("response", {"WARC-Target-URI": "dns:a.cn", "Content-Type": "text/dns"}, b"a.cn. 60 IN A 1.2.3.4"),
        _warc_record(
            "response",
            {"WARC-Target-URI": "http://a.cn/logo.png", "Content-Type": "application/http"},
            _http("200 OK", {"Content-Type": "image/png"}, b"\x89PNG\r\n"),
        ),
        _warc_record(
            "response",
            {"WARC-Target-URI": "http://a.cn/gone", "Content-Type": "application/http"},
            _http("404 Not Found", {"Content-Type": "text/html"}, b"<p>not here</p>"),
        ),
        _warc_record(
            "resource", {"WARC-Target-URI": "file:///notes.txt", "Content-Type": "text/plain"}, "笔记。".encode()
        ),
    ]
    crawl = tmp_path / "crawl.warc.gz"
    crawl.write_bytes(b"".join(gzip.compress(r) for r in records))
    wet = tmp_path / "crawl.warc.wet"
    wet.write_bytes(
        _warc_record("warcinfo", {}, b"x")
        + _warc_record("conversion", {"WARC-Target-URI": "http://b.cn/"}, "抽取的正文。\n第二行。".encode())
        + b"WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: 500\r\n\r\ncut short"
    )
    out = tmp_path / "out"
    result = dedup("clean", str(crawl), str(wet), "--remove", "none", "-o", str(out))
    assert result.returncode == 1, result.stderr
    rows = [json.loads(line) for line in (out / "cleaned.jsonl").read_text("utf-8").splitlines()]
    assert [(r["id"], r["line"], r["text"]) for r in rows] == [
        ("http://a.cn/1", 3, html_text(page)),
        ("http://a.cn/2", 4, html_text(gbk_page)),
        ("file:///notes.txt", 9, "笔记。"),
        ("http://b.cn/", 2, "抽取的正文。\n第二行。"),
    ]
    assert (rows[0]["url"], rows[0]["warc_date"], rows[0]["content_type"]) == (
        "http://a.cn/1",
        "2026-01-01T00:00:00Z",
        "text/html",
    )
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [(Path(s["source"]).name, s["line"], s["reason"]) for s in summary["skipped"]] == [
        ("crawl.warc.wet", None, "not a WARC file from here on: record 3 is cut short"),
    ]


def test_a_payload_that_inflates_past_the_record_limit_is_skipped(tmp_path: Path) -> None:
    """A gzip payload of 2 KB that inflates to 2 MB (a bomb, or a huge page) is not inflated whole."""
    bomb = gzip.compress(b"<p>" + b"a" * 2_000_000)
    archive = tmp_path / "bomb.warc"
    archive.write_bytes(
        _warc_record(
            "response",
            {"WARC-Target-URI": "http://a.cn/big", "Content-Type": "application/http"},
            _http("200 OK", {"Content-Type": "text/html", "Content-Encoding": "gzip"}, bomb),
        )
    )
    result = dedup("find", str(archive), "--max-record-bytes", "100000", "--json")
    assert result.returncode == 1 and "bomb.warc:1: payload inflates past --max-record-bytes 100,000" in result.stderr


def test_a_web_archive_is_read_with_progress_by_bytes(tmp_path: Path) -> None:
    """A WARC file's reader says how far into the file on disk it has come every 256 records, then the whole."""
    archive = tmp_path / "many.warc.gz"
    record = _warc_record("conversion", {"WARC-Target-URI": "http://a.cn/"}, "正文。".encode())
    archive.write_bytes(b"".join(gzip.compress(record) for _ in range(600)))
    heard: list[int] = []
    [file] = discover([str(archive)], ReadOptions(glob="*"))
    records = [item for item in read_file(file, ReadOptions(), heard.append) if isinstance(item, Record)]
    assert len(records) == 600 and [r.line for r in records[:2]] == [1, 2]
    assert len(heard) == 3 and heard == sorted(heard) and heard[-1] == archive.stat().st_size
