"""A hostile archive: every kind of content that has hurt terminal programs, in one folder.

    python -m tests.hostile OUT_DIR

Each case is a file; `CASES` names its class. Written for this project (no copied text).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ESC = "\x1b"
BEL = "\x07"

MARKUP_TITLES = [
    "[/]",
    "[bold]x[/italic]",
    "[$accent]x",
    "[@click=app.quit]y",
    "[link=https://evil.example]y[/link]",
    "[on red]背景[/]",
    ":warning: [b]emoji[/b] \\[escaped]",
]

TERMINAL_ESCAPES = {
    "osc52-clipboard": f"{ESC}]52;c;ZXZpbCBjbGlwYm9hcmQ={BEL}",
    "osc0-title": f"{ESC}]0;pwned title{BEL}",
    "osc2-title-st": f"{ESC}]2;pwned{ESC}\\",
    "osc8-link": f"{ESC}]8;;https://evil.example{ESC}\\click{ESC}]8;;{ESC}\\",
    "dcs": f"{ESC}Pq#0;2;0;0;0#1;2;100;100;0{ESC}\\",
    "csi-clear": f"{ESC}[2J{ESC}[H",
    "c1-csi": "\x9b31m red \x9b0m",
    "c1-osc": "\x9d0;title\x9c",
    "bidi": "abc\u202eevil\u202c \u2066iso\u2069 \u202a\u202b\u202d",
    "nul-del-bs": "a\x00b\x7fc\x08d\x0be\x0cf",
}

# Classes of case, for the closing note's count.
CASES: dict[str, str] = {}


def _case(name: str, kind: str) -> str:
    CASES[name] = kind
    return name


def _yaml_string(text: str) -> str:
    """A double-quoted YAML scalar with escapes (so \\e in YAML becomes ESC)."""
    out = []
    for char in text:
        code = ord(char)
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char == ESC:
            out.append("\\e")
        elif code < 0x20 or 0x7F <= code <= 0x9F or 0x2028 <= code <= 0x206F:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _post(title_yaml: str, body: str, extra: str = "") -> str:
    return f"---\ntitle: {title_yaml}\ndate: 2022-05-29 10:00:00\n{extra}---\n{body}"


def files() -> dict[str, bytes]:
    """Relative path → bytes of every hostile file."""
    out: dict[str, bytes] = {}

    def put(name: str, kind: str, content: str | bytes) -> None:
        out[_case(name, kind)] = content.encode("utf-8") if isinstance(content, str) else content

    for number, title in enumerate(MARKUP_TITLES):
        put(f"markup/title-{number}.md", "markup in titles, categories, tags and bodies",
            _post(_yaml_string(title), f"<p>正文里的标记 {title} 也只是文字。</p>",
                  extra=f"categories: [{_yaml_string(title)}, 子类]\ntags: "
                        f"[{_yaml_string(title)}]\nauthor: {_yaml_string(title)}\n"))
    for name, sequence in TERMINAL_ESCAPES.items():
        put(f"escapes/yaml-{name}.md", "escape sequences from YAML escapes",
            _post(_yaml_string(f"标题 {sequence} 结束"), f"<p>正文 {name}</p>",
                  extra=f"author: {_yaml_string(sequence)}\ntags: [{_yaml_string(sequence)}]\n"
                        f"categories: [{_yaml_string('类' + sequence)}]\n"))
        entity = "".join(f"&#{ord(c)};" if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F
                         or 0x202A <= ord(c) <= 0x2069 else c for c in sequence)
        put(f"escapes/entity-{name}.html", "escape sequences from HTML entities",
            f"---\ntitle: entity {name}\n---\n<p>前 {entity} 后</p><p><a href=\"https://x.example/"
            f"{entity}\">链接 {entity}</a></p><img src=\"https://img.example/{entity}.png\" "
            f"alt=\"{entity}\">")
        put(f"escapes/raw-{name}.md", "escape sequences as raw bytes",
            f"---\ntitle: raw {name}\n---\n# 标题 {sequence}\n\n段落 {sequence} 结束\n\n"
            f"```\ncode {sequence}\n```\n\n> 引用 {sequence}\n\n- 列表 {sequence}\n")
    put("links/disguised.html", "links that lie and addresses that must not open",
        "---\ntitle: 链接\n---\n"
        '<p><a href="https://evil.example/login">https://bank.example/</a></p>'
        '<p><a href="javascript:alert(1)">点我</a> <a href="%6Aavascript:alert(1)">编码</a></p>'
        '<p><a href="file:///etc/passwd">文件</a> <a href="data:text/html,hi">数据</a></p>'
        '<p><a href="-oProxyCommand=touch /tmp/pwned">参数</a> '
        '<a href="https://x.example/a b">空格</a> <a href="https://x.example/%0aSet-Cookie">换行</a>'
        '</p><img data-original="javascript:alert(2)" src="x"><img src="file:///etc/shadow">')
    # Front matter that tries to hurt the parser.
    put("yaml/unsafe-tag.md", "unsafe or absurd front matter",
        "---\ntitle: !!python/object/apply:os.system ['touch /tmp/pwned']\n---\nbody")
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 9):
        prev, name = chr(96 + index), chr(97 + index)
        bomb.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    put("yaml/alias-bomb.md", "unsafe or absurd front matter",
        "---\n" + "\n".join(bomb) + "\ntitle: *i\n---\nbody")
    put("yaml/deep-nesting.md", "unsafe or absurd front matter",
        "---\ntitle: " + "[" * 20000 + "\n---\nbody")
    put("yaml/deep-block.md", "unsafe or absurd front matter",
        "---\ntitle:\n" + "- " * 20000 + "x\n---\nbody")
    put("yaml/huge-number.md", "unsafe or absurd front matter",
        "---\ntitle: " + "9" * 5000 + "\n---\nbody")
    put("yaml/huge-title.md", "unsafe or absurd front matter",
        "---\ntitle: \"" + "长" * 300_000 + "\"\n---\nbody")
    put("yaml/list-title.md", "unsafe or absurd front matter",
        "---\ntitle: [一, [二, 三], {四: 五}]\ncategories: {a: b}\ntags: 12\n---\nbody")
    put("yaml/top-level-list.md", "unsafe or absurd front matter", "---\n- a\n- b\n---\nbody")
    put("yaml/dict-everything.md", "unsafe or absurd front matter",
        "---\ntitle: {x: 1}\ndate: {y: 2}\nauthor: [[[]]]\ncover: 3\n---\nbody")
    put("yaml/duplicate-keys.md", "unsafe or absurd front matter",
        "---\ntitle: one\ntitle: two\n---\nbody")
    # Bodies that make converters hang, crash or explode.
    put("bodies/anchor-flood.html", "bodies that hang or crash html2text",
        "---\ntitle: anchor flood\n---\n" + "<a " * 40_000)
    put("bodies/cdata.html", "bodies that hang or crash html2text", "---\ntitle: cdata\n---\n<![ x")
    # Floods for the patterns of templates, notes and addresses (each took seconds to hours).
    put("bodies/attribute-list-flood.md", "bodies that hang or crash html2text",
        "---\ntitle: attribute lists\n---\n" + "{:" + "a=a" * 40 + " x\n\n{:a=" + "b" * 100_000
        + "\n\nx){:" + " #a" * 30_000)
    put("bodies/note-back-flood.md", "bodies that hang or crash html2text",
        "---\ntitle: note links back\n---\n" + ('<a href="#fnref1">' + " " * 398 + "x</a>\n") * 50)
    put("bodies/address-brackets.md", "bodies that hang or crash html2text",
        "---\ntitle: an address and its brackets\n---\nsee https://x/" + ")" * 200_000)
    put("bodies/nested-lists.html", "bodies that hang or crash html2text",
        "---\ntitle: nested lists\n---\n" + "<ul><li>" * 3000 + "深" + "</li></ul>" * 3000)
    put("bodies/nested-quotes.md", "bodies that hang or crash html2text",
        "---\ntitle: nested quotes\n---\n" + "> " * 5000 + "深\n")
    put("bodies/long-article.md", "very long articles",
        "---\ntitle: 很长的文章\n---\n" + "\n\n".join(
            f"第 {n} 段。" + "这是一个很长的段落，用来检查超长文章能否滚动。" * 12
            for n in range(6000)))
    put("bodies/over-cap.html", "very long articles",
        "---\ntitle: 超过上限的 HTML\n---\n" + "<p>" + "字" * 2_500_000 + "</p>")
    put("bodies/one-long-line.md", "very long articles",
        "---\ntitle: one long line\n---\n" + "x" * 200_000)
    # Files of every bad kind.
    put("files/binary.md", "files that are not readable text", os.urandom(2048) + b"\x00" * 64)
    put("files/gb18030.md", "files that are not readable text",
        "---\ntitle: 国标编码\n---\n这是 GB18030 编码的文章。".encode("gb18030"))
    put("files/big5.md", "files that are not readable text",
        "---\ntitle: 大五碼\n---\n這是大五碼的文章，繁體中文。".encode("big5"))
    put("files/invalid-utf8.md", "files that are not readable text",
        b"---\ntitle: bad\n---\n\xff\xfe\xfd\x80\x81 text \xc3\x28")
    put("files/empty.md", "files that are not readable text", b"")
    put("files/only-spaces.md", "files that are not readable text", b"   \n\n  ")
    put("files/huge.md", "files that are not readable text",
        b"---\ntitle: huge\n---\n" + b"a" * (9 * 1024 * 1024))
    put("files/new\nline.md", "odd file names", "---\ntitle: 文件名里有换行\n---\n正文")
    put("files/bidi\u202ename.md", "odd file names", "---\ntitle: 文件名里有反向\n---\n正文")
    put("files/ansi-\x1b[31mname.md", "odd file names", "---\ntitle: ansi name\n---\n正文")
    return out


def write(root: Path) -> Path:
    """Write the hostile archive under `root`, with the cases that need the file system."""
    root.mkdir(parents=True, exist_ok=True)
    for name, data in files().items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    odd = os.fsencode(root / "files") + b"/odd-\xff\xfe-bytes.md"
    with open(odd, "wb") as handle:
        handle.write("---\ntitle: 文件名不是 UTF-8\n---\n正文".encode())
    _case("files/odd-bytes", "odd file names")
    locked = root / "files" / "unreadable.md"
    locked.write_text("---\ntitle: locked\n---\nsecret", encoding="utf-8")
    locked.chmod(0)
    _case("files/unreadable.md", "files that are not readable text")
    loop = root / "links-loop"
    loop.mkdir(exist_ok=True)
    for name, target in (("self", loop), ("up", root)):
        link = loop / name
        if not link.is_symlink():
            os.symlink(target, link)
    if not (root / "dangling.md").is_symlink():
        os.symlink(root / "missing-target.md", root / "dangling.md")
    _case("links-loop", "symlink loops and dangling links")
    _case("dangling.md", "symlink loops and dangling links")
    return root


if __name__ == "__main__":
    target = write(Path(sys.argv[1]))
    print(f"{len(CASES)} cases in {len(set(CASES.values()))} classes written to {target}")
