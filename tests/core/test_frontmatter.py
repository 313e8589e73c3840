import pytest

from reader.core.files.frontmatter import FrontMatterError, split_front_matter


def test_yaml() -> None:
    split = split_front_matter("---\ntitle: 你好\ntags: [a, b]\n---\n正文\n")
    assert split.meta == {"title": "你好", "tags": ["a", "b"]}
    assert split.body == "正文\n"
    assert split.form == "yaml"


def test_blank_line_before_opening_and_no_final_newline() -> None:
    split = split_front_matter("\n---\ntitle: 'x'\n---\n\n<div>body</div>\n            ")
    assert split.meta["title"] == "x"
    assert split.body.startswith("<div>body</div>")


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_bare_cr(newline: str) -> None:
    text = newline.join(["---", "title: 标题", "---", "正文第一行", "第二行"])
    split = split_front_matter(text)
    assert split.meta == {"title": "标题"}
    assert split.body == "正文第一行\n第二行"


def test_bom() -> None:
    split = split_front_matter("\ufeff---\ntitle: bom\n---\nbody")
    assert split.meta == {"title": "bom"}
    assert "---" not in split.body


def test_toml() -> None:
    split = split_front_matter('+++\ntitle = "Zola"\npath = "2014/12/12/x"\n+++\nbody')
    assert split.meta["path"] == "2014/12/12/x"
    assert split.form == "toml"


def test_json() -> None:
    split = split_front_matter('{\n  "title": "JSON 前言",\n  "tags": ["json"]\n}\n\nbody')
    assert split.meta["title"] == "JSON 前言"
    assert split.body == "body"


def test_hexo_without_opening_delimiter() -> None:
    text = "title: \"Hexo 文章\"\ndate: 2016-6-24 10:00:00\ntags: [Swift, 翻译]\n\n---\n正文"
    split = split_front_matter(text)
    assert split.form == "hexo"
    assert split.meta["title"] == "Hexo 文章"
    assert split.body == "正文"


def test_hexo_form_indented_by_one_space() -> None:
    text = " title: x\n date: 2018-10-29\n categories: [a]\n---\nbody"
    split = split_front_matter(text)
    assert split.meta["title"] == "x"
    assert split.body == "body"


def test_no_front_matter() -> None:
    split = split_front_matter("# Heading\n\nA paragraph: with a colon.\n\n---\n\nAfter a rule.")
    assert split.form == "none"
    assert split.meta == {}
    assert split.body.startswith("# Heading")


def test_bad_yaml_is_an_error_with_a_line() -> None:
    with pytest.raises(FrontMatterError, match="line"):
        split_front_matter("---\ntitle: [unclosed\n  bad: : indent\n---\nbody")


def test_unclosed_front_matter() -> None:
    with pytest.raises(FrontMatterError, match="never closed"):
        split_front_matter("---\ntitle: x\nbody without end")


def test_unsafe_yaml_tag_is_refused() -> None:
    with pytest.raises(FrontMatterError):
        split_front_matter("---\ntitle: !!python/object/apply:os.system ['true']\n---\n")


def test_top_level_list_is_an_error() -> None:
    with pytest.raises(FrontMatterError, match="not a mapping"):
        split_front_matter("---\n- a\n- b\n---\nbody")


def test_alias_bomb_is_cheap() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 9):
        previous = chr(ord("a") + index - 1)
        name = chr(ord("a") + index)
        lines.append(f"{name}: &{name} [*{previous},*{previous},*{previous},*{previous},"
                     f"*{previous},*{previous},*{previous},*{previous},*{previous}]")
    split = split_front_matter("---\n" + "\n".join(lines) + "\ntitle: bomb\n---\nbody")
    assert split.meta["title"] == "bomb"


@pytest.mark.parametrize(
    "deep",
    ["title: " + "[" * 100_000, "title: " + "{a: " * 50_000, "list:\n" + "- " * 100_000 + "x",
     "map:\n" + "".join(" " * n + f"k{n}:\n" for n in range(300))],
)
def test_deep_nesting_is_bounded(deep: str) -> None:
    # PyYAML's C loader would crash the process on these; they must be refused first.
    with pytest.raises(FrontMatterError, match="nested too deeply"):
        split_front_matter("---\n" + deep + "\n---\n")
