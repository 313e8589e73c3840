"""Site-generator templates in Markdown bodies, rendered by what they mean.

Jekyll posts carry Liquid (`{% highlight ruby %}`, `{% include youtube-embed.html id=… %}`,
`{{ page.hero_image_url }}`), Hexo posts its tags (`{% asset_img x.png %}`,
`{% codeblock %}`), Hugo posts shortcodes (`{{< youtube id >}}`, `{{% note %}}`), Zola posts
its shortcodes (`{{ youtube(id="…") }}`). None of that is text: a video becomes a link, an
image tag an image, a code tag a fenced block, `raw` its content, a page variable its
front-matter value; control tags (`assign`, `if`, `for`…) go. What cannot be known here
(a site's data, `{{ release.version }}`) is left as its name in angle quotes
(`‹release.version›`): plainly not the value, and not silently lost either.

The result is Markdown again: the same parser reads it, and the index reads the same text.
kramdown's attribute lists (`{: #id}`, `{: style="…"}`) are dropped.

Fenced code is left alone (a post about templates shows them in code), but for `{% raw %}`.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Callable, Mapping
from typing import Any

#: Cheap test: a body with none of these has no template to render.
OPENERS = ("{%", "{{", "{:")

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}\2[ \t]*$|\Z)",
                    re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"(`+)[^`\n].*?\1")

# A block's body stops at the next opener of its kind ("tempered"): a body holding a
# thousand openers with no end is then scanned once, not once per opener (60 KB of them
# took 5 s; 110 KB of Hugo's, 17 s).
_RAW = re.compile(r"{%-?\s*raw\s*-?%}((?:(?!{%-?\s*raw\b).)*?){%-?\s*endraw\s*-?%}",
                  re.DOTALL)
_COMMENT = re.compile(r"{%-?\s*comment\s*-?%}(?:(?!{%-?\s*comment\b).)*?"
                      r"{%-?\s*endcomment\s*-?%}", re.DOTALL)
#: Jekyll's `{% highlight ruby %}` and Hexo's `{% codeblock [title] [lang:ruby] %}`.
_CODE_TAG = re.compile(
    r"{%-?\s*(highlight|codeblock|code|sourcecode)\b([^%]{0,200}?)-?%}\n?"
    r"((?:(?!{%-?\s*(?:highlight|codeblock|code|sourcecode)\b).)*?)"
    r"\n?[ \t]*{%-?\s*end\1\s*-?%}",
    re.DOTALL,
)
_HUGO_CODE = re.compile(
    r"{{[<%]\s*highlight\s+([\w+#.-]{1,40})[^}]{0,200}[>%]}}\n?"
    r"((?:(?!{{[<%]\s*highlight\b).)*?)\n?[ \t]*"
    r"{{[<%]\s*/\s*highlight\s*[>%]}}",
    re.DOTALL,
)
#: kramdown's attribute lists, which Jekyll sites write after a heading, a picture or a
#: paragraph (`{: #typical-cases }`, `{: style="float:right" width="180"}`, `{:toc}`): markup
#: for the page, no text. Each item ends at a space or the brace, so the pattern can split
#: a list one way only (a flood of `a=a` is scanned once). Names start with a letter: a
#: format spec (`{:.2f}`, `{:>8}`) is none, nor a Ruby hash (`{:k=>1}`).
_ATTRIBUTE = (r"""(?:[.#][A-Za-z][\w-]{0,100}|[A-Za-z][\w-]{0,100}="""
              r"""(?:"[^"\n]{0,500}"|'[^'\n]{0,500}'|[^\s{}"'=>][^\s{}]{0,500})|toc)(?=[ \t}])""")
_ATTRIBUTES = rf"\{{:[ \t]?{_ATTRIBUTE}(?:[ \t]{{1,10}}{_ATTRIBUTE}){{0,20}}[ \t]{{0,10}}\}}"
#: On a line of its own (not indented as code), or right after what it qualifies: a
#: picture or link (`)`), emphasis, code. `"{:#x}".format(n)` in prose is left alone.
_KRAMDOWN_ATTRIBUTES = re.compile(
    rf"^[ ]{{0,3}}{_ATTRIBUTES}[ \t]*(?:\n|\Z)|(?<=[)\]*_`]){_ATTRIBUTES}", re.MULTILINE)
_LIQUID_TAG = re.compile(r"{%-?\s*(\w+)([^%]{0,2000}?)-?%}")
_HUGO_SHORTCODE = re.compile(r"{{[<%]\s*(/?)\s*([\w./-]+)([^}]{0,2000}?)\s*[>%]}}")
_ZOLA_SHORTCODE = re.compile(r"{{\s*(\w+)\(([^)]{0,2000})\)\s*}}")
_ZOLA_BODY_SHORTCODE = re.compile(
    r"{%\s*(\w+)\(([^)]{0,2000})\)\s*%}((?:(?!{%\s*\w+\().)*?){%\s*end\s*%}", re.DOTALL)
_EXPRESSION = re.compile(r"{{-?\s*([^{}]{1,300}?)\s*-?}}")
#: An expression as an autolink (`<{{ release.url.gz }}>`): unknown, its brackets showed.
_AUTOLINKED = re.compile(r"<({{-?\s*([^{}]{1,300}?)\s*-?}})>")
_ARGUMENT = re.compile(r"""([\w-]+)\s*[=:]\s*("[^"]*"|'[^']*'|[^\s,)]+)""")

#: Block tags whose body is shown as it is (a note, a callout, a spoiler…).
_CONTROL = frozenset(
    "assign capture endcapture if elsif else endif unless endunless case when endcase for "
    "endfor break continue cycle increment decrement tablerow endtablerow liquid echo "
    "render endraw raw comment endcomment include_relative seo feed_meta more".split()
)


def render_templates(body: str, meta: Mapping[str, Any] | None = None) -> str:
    """`body` with its template tags rendered as Markdown (see the module's docstring).

    `meta` is the article's front matter, for `page.…` variables. Never raises.
    """
    if not any(opener in body for opener in OPENERS):
        return body
    meta = meta or {}
    parts: list[str] = []
    done = 0
    for fence in _FENCE.finditer(body):
        parts.append(_render_text(body[done : fence.start()], meta))
        parts.append(_RAW.sub(lambda m: m.group(1), fence.group(0)))
        done = fence.end()
    parts.append(_render_text(body[done:], meta))
    return "".join(parts)


def _render_text(text: str, meta: Mapping[str, Any]) -> str:
    if not any(opener in text for opener in OPENERS):
        return text
    # Raw parts and inline code stand aside while the rest is rendered, each behind a
    # holder with a random mark, so that no text of the article can pose as one.
    held: list[str] = []
    mark = os.urandom(6).hex()  # as secrets.token_hex, without its 9 ms import

    def hold(content: str) -> str:
        held.append(content)
        return f"\ue010{mark}:{len(held) - 1}\ue011"

    text = _RAW.sub(lambda m: hold(m.group(1)), text)
    text = _COMMENT.sub("", text)
    text = _CODE_TAG.sub(lambda m: hold(_fence(_code_language(m.group(2)), m.group(3))), text)
    text = _HUGO_CODE.sub(lambda m: hold(_fence(m.group(1), m.group(2))), text)
    text = _INLINE_CODE.sub(lambda m: hold(m.group(0)), text)
    text = _KRAMDOWN_ATTRIBUTES.sub("", text)
    text = _ZOLA_BODY_SHORTCODE.sub(lambda m: m.group(3), text)
    text = _ZOLA_SHORTCODE.sub(lambda m: _shortcode(m.group(1), _arguments(m.group(2)), meta),
                               text)
    text = _HUGO_SHORTCODE.sub(lambda m: "" if m.group(1) else _shortcode(
        m.group(2), _arguments(m.group(3)), meta), text)
    text = _LIQUID_TAG.sub(lambda m: _liquid_tag(m.group(1), m.group(2), meta), text)
    text = _AUTOLINKED.sub(lambda m: _autolink(m.group(0), _expression(
        m.group(1), m.group(2), meta) if m.group(1).startswith(("{{ ", "{{- ")) else ""), text)
    text = _EXPRESSION.sub(lambda m: _expression(m.group(0), m.group(1), meta), text)
    return re.sub(f"\ue010{mark}:(\\d+)\ue011", lambda m: held[int(m.group(1))], text)


def _fence(language: str, code: str) -> str:
    longest = max((len(run) for run in re.findall("`{3,}", code)), default=2)
    fence = "`" * (longest + 1)
    return f"\n{fence}{language}\n{code.strip(chr(10))}\n{fence}\n"


def _code_language(arguments: str) -> str:
    """The language of `{% highlight ruby linenos %}` or `{% codeblock t lang:ruby %}`."""
    words = arguments.split()
    for word in words:
        if word.startswith("lang:"):
            return word[5:]
    return words[0] if words and ":" not in words[0] and "." not in words[0] else ""


def _arguments(text: str) -> dict[str, str]:
    """Named arguments (`id="x"`, `src: y`) and positional ones (as "0", "1"…)."""
    named = {m.group(1): m.group(2).strip("\"'") for m in _ARGUMENT.finditer(text)}
    rest = _ARGUMENT.sub(" ", text)
    try:
        words = shlex.split(rest)
    except ValueError:
        words = rest.split()
    named.update({str(n): word.strip(",") for n, word in enumerate(words)})
    return named


def _value(name: str, meta: Mapping[str, Any]) -> str | None:
    """A variable's value: `page.x` (or `x`) from the front matter; the site's own address
    is the archive's root (""); anything else is unknown (None)."""
    name = name.strip()
    if name in ("site.url", "site.baseurl", "site.base_url", "base_url", "config.base_url"):
        return ""
    key = name.removeprefix("page.").removeprefix("post.")
    value = meta.get(key) if key != name or name in meta else None
    if value is None or isinstance(value, dict | list):
        return None
    return str(value)


def _autolink(whole: str, value: str) -> str:
    """An expression's `value` between `<` `>`: an autolink when it is an address, else the
    value alone (no value: `whole`, text as it was written)."""
    if not value:
        return whole
    return f"<{value}>" if value.startswith(("http://", "https://")) else value


def _expression(whole: str, expression: str, meta: Mapping[str, Any]) -> str:
    """`{{ page.hero_image_url }}` → its value; `{{ "x" | prepend: site.baseurl }}`: the value
    before its filters; unknown → its name in angle quotes. An unknown name written tight
    (`{{closure}}`, `{{impl}}` in a Rust backtrace) is text, as Hugo and Zola leave it."""
    head = expression.split("|", 1)[0].strip()
    if len(head) >= 2 and head[0] == head[-1] and head[0] in "\"'":
        return head[1:-1]
    value = _value(head, meta)
    if value is not None:
        return value
    if not whole.startswith(("{{ ", "{{- ")):
        return whole
    return f"‹{head}›" if re.fullmatch(r"[\w.\[\]\"' -]{1,100}", head) else ""


def _liquid_tag(name: str, arguments: str, meta: Mapping[str, Any]) -> str:
    name = name.lower()
    words = arguments.split()
    if name in ("link", "post_url", "include_link"):
        target = words[0] if words else ""
        # `{% post_url 2010-07-21-name %}` names a post by its file name, without extension:
        # the reader finds it as it finds a permalink.
        return target
    if name in ("asset_img", "img", "image"):
        return _image(words, meta)
    if name in ("asset_link", "asset_path"):
        return words[1] if len(words) > 1 else (words[0] if words else "")
    if name == "include":
        return _include(words[0] if words else "", _arguments(" ".join(words[1:])), meta)
    if name in ("youtube", "vimeo", "bilibili", "tweet", "gist", "video"):
        return _shortcode(name, _arguments(arguments), meta)
    if name in ("blockquote", "quote", "pullquote", "note", "endnote", "endblockquote",
                "endquote", "endpullquote", "centerquote", "endcenterquote"):
        return ""
    if name in _CONTROL or name.startswith("end"):
        return ""
    return ""


def _image(words: list[str], meta: Mapping[str, Any]) -> str:
    """Hexo's `{% asset_img [class] slug.png [title] %}`, `{% img [class] /src [w h] [title] %}`."""
    sources = [w for w in words if "." in w or "/" in w]
    if not sources:
        return ""
    source = sources[0]
    title = " ".join(w for w in words[words.index(source) + 1 :] if not w.isdigit())
    title = title.strip("\"'")
    return f"![{_escape(title)}]({_address(source)})"


def _include(name: str, arguments: dict[str, str], meta: Mapping[str, Any]) -> str:
    """`{% include youtube-embed.html id=page.youtubeid %}` by its name: videos and images
    are what such includes embed; any other include is the site's own furniture."""
    values = {key: _value(value, meta) or value if "." in value and not value.startswith(
        ("http", "/")) else value for key, value in arguments.items()}
    lowered = name.lower()
    for kind in ("youtube", "vimeo", "bilibili"):
        if kind in lowered:
            return _shortcode(kind, values, meta)
    if any(word in lowered for word in ("image", "figure", "img", "photo")):
        source = values.get("src") or values.get("url") or values.get("file") or values.get(
            "path") or values.get("image")
        if source:
            return f"![{_escape(values.get('alt') or values.get('caption') or '')}]" \
                   f"({_address(source)})"
    return ""


_VIDEO_ADDRESSES: dict[str, tuple[str, Callable[[str], str]]] = {
    "youtube": ("YouTube", lambda id_: f"https://www.youtube.com/watch?v={id_}"),
    "vimeo": ("Vimeo", lambda id_: f"https://vimeo.com/{id_}"),
    "bilibili": ("Bilibili", lambda id_: f"https://www.bilibili.com/video/{id_}"),
}


def _shortcode(name: str, arguments: dict[str, str], meta: Mapping[str, Any]) -> str:
    """A Hugo or Zola shortcode (or a Liquid tag of the same name) by what it shows."""
    name = name.lower()
    first = arguments.get("id") or arguments.get("0") or ""
    if name in _VIDEO_ADDRESSES and re.fullmatch(r"[\w-]{2,64}", first):
        site, address = _VIDEO_ADDRESSES[name]
        return f"[{site} video: {first}]({address(first)})"
    if name in ("figure", "image", "img", "resize_image", "asset_img"):
        source = arguments.get("src") or arguments.get("path") or arguments.get("0") or ""
        if source:
            alt = arguments.get("alt") or arguments.get("caption") or arguments.get("title")
            return f"![{_escape(alt or '')}]({_address(source)})"
    if name == "tweet":
        user, tweet = arguments.get("user", ""), arguments.get("id") or first
        if tweet.isdigit():
            return f"[Tweet {tweet}](https://twitter.com/{user or 'i'}/status/{tweet})"
    if name == "gist":
        address = arguments.get("url")
        if not address and arguments.get("0") and arguments.get("1"):
            address = f"https://gist.github.com/{arguments['0']}/{arguments['1']}"
        if address:
            return f"[Gist]({_address(address)})"
    if name in ("ref", "relref"):
        return _address(arguments.get("0", ""))
    if name in ("video", "audio") and (arguments.get("src") or arguments.get("0")):
        source = arguments.get("src") or arguments["0"]
        return f"[{name.capitalize()}: {source.rsplit('/', 1)[-1]}]({_address(source)})"
    return ""


def _escape(text: str) -> str:
    return re.sub(r"([\[\]\\])", r"\\\1", text)


def _address(address: str) -> str:
    """An address for a Markdown link, in angle brackets when it holds a space."""
    address = address.strip().strip("\"'")
    return f"<{address}>" if " " in address else address
