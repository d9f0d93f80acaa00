"""Boilerplate of single web pages, from their text alone.

Crawled text usually reaches us after an HTML-to-text step that keeps the page's
navigation bars, breadcrumbs, share/print/comment widgets, related-article lists,
comment threads, copyright and ICP lines, one visible block per line. Recurrence
across a corpus finds them only when many pages of one site are present; this module
judges the lines of one page by what they look like and where they stand.

By default (``WebpageOptions.method="model"``) a **line model** decides: gradient-boosted
trees fitted on 916 labelled pages of nine public sources (:mod:`dedup.webpage.model`) read
the features of step 1 below and each line's context on its page; the furniture patterns
then name the kinds. ``method="rules"`` keeps the hand rules, in four steps, jusText-style
but with features that work for Chinese (and Japanese, Korean) as well as for
space-separated languages:

1. **Features** (:func:`line_features`) of every line, computed on its *reading view*
   (NFKC, Traditional → Simplified, lower case, punctuation kept): its size (a CJK
   character counts 1, a word of another script 2, so that 20 Chinese characters weigh
   about as much as 10 English words), shares of CJK, letters, digits and punctuation,
   sentence ends, the density of function characters (的 了 是 在 …, Japanese and Korean
   particles) and stopwords (*the, of, and* …), navigation separators (``| > » ▪``), and
   matches of page-furniture patterns: labels (首页, 返回顶部, 更多>>, 打印, 关闭, 上一篇,
   Home, Print …), copyright and ICP lines, share widgets, bylines and dates, truncated
   or counted link titles, time stamps, breadcrumbs, and the page title — the labels,
   share widgets, copyright notices and breadcrumbs also in fourteen other languages
   (:mod:`dedup.webpage.words`: ホーム, 로그인, Главная, Startseite, Accueil …).
2. **Line classes**: *bad* (a furniture pattern, a menu line, or a long line with neither
   function words nor a sentence end), *short* (also: bylines, dates and link titles,
   which may belong to the text), *near-good* (function words or a sentence end) or
   *good* (as near-good, and long). A run of near-good lines that outweighs every other
   run (a blog post written in short lines) is good; five or more short one-or-two-word
   lines in a row are a menu; a stretch where short lines with time stamps recur is a
   comment thread or a dated link list, and bad.
3. **Context** (jusText): a short line takes the class of its nearest non-short
   neighbours within ``context_lines`` (good on both sides: content; bad on both sides
   or nothing near: boilerplate; mixed: content only next to a near-good line), a
   near-good line is content unless bad lines stand on both sides. So a short line
   inside the article stays content, and a long line inside a menu stays boilerplate.
4. **Main text**: content lines form blocks (runs with small gaps); blocks far smaller
   than the page's main block (the largest, counted double when it follows a repeat of
   the title) are related-article lists, teasers or widget text and become boilerplate.

Every boilerplate line gets a kind: ``"navigation"`` (menus, labels, buttons),
``"breadcrumb"``, ``"link-list"`` (related or popular articles, category lists),
``"share"``, ``"copyright"`` (copyright, ICP and licence lines, footer links),
``"metadata"`` (dates, sources, editors, bylines), ``"title"`` (the page title and its
repeat above the article), ``"comments"``, ``"recurring"`` (known from corpus
recurrence) or ``"page-furniture"`` (anything else outside the main text).

Other languages: the stopword list covers English; pass ``stopwords=`` (and
``function_chars=``) in :class:`WebpageOptions` to add others. A page whose language has
no list is judged without the function-word criterion (length and sentence punctuation
only), so nothing assumes Chinese.

:func:`looks_like_webpage` tells whether a text came from a web page at all (many
short lines, separators, furniture vocabulary), so that callers can apply the
classifier by default only there.
:func:`notice_page` tells whether a document is nothing but a notice (a hosting disclaimer,
content withheld at a rights holder's request, a login wall): such a page is emptied.

Where things live: ``base`` (options, names, character classes), ``features`` (the line
features and patterns), ``classes`` (lines to classes, ``classify_page_lines``), ``pages``
(``looks_like_webpage``, ``notice_page``, page evidence, spans), ``model`` (the line model).
"""

from .base import FEATURES, KINDS, WebpageOptions
from .classes import classify_page_lines
from .features import line_features, reading_views
from .pages import (
    PageEvidence,
    looks_like_webpage,
    notice_page,
    page_evidence,
    webpage_boilerplate_spans,
)

__all__ = [
    "FEATURES",
    "KINDS",
    "PageEvidence",
    "WebpageOptions",
    "classify_page_lines",
    "line_features",
    "looks_like_webpage",
    "notice_page",
    "page_evidence",
    "reading_views",
    "webpage_boilerplate_spans",
]
