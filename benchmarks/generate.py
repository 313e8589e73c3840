"""Generate an archive of N crawler-shaped articles, deterministic from a seed.

    python benchmarks/generate.py OUT_DIR N [--seed 7]

Each article is shaped like the RSS-crawler posts the reader exists for: a blank line, YAML
front matter with a three-level category from a pool of about 50, an RFC 822 date over six
years, a proxied `headimg`; a Chinese HTML body of 5-20 KB in `<div>…</div>` with bold
subheadings, lazy images (`data-original` + proxied `src`) and crawled spacing around
numbers. A few rare marker words are planted for the search benchmark.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

# Common characters, so text looks like prose to a tokenizer; not copied from anywhere.
HANZI = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能"
    "下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量"
    "都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各"
    "重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代"
    "想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接"
    "知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北"
    "造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打"
    "白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今"
    "集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近"
    "矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写"
    "存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听"
    "该铁价严首底液官德随病苏失尔死讲配女黄推显谈罪神艺呢席含企望密批营项防举球英氧势告李台落木"
    "帮轮破亚师围注远字材排供河态封另施减树溶怎止案言士均武固叶鱼波视仅费紧爱左章早朝害续轻服试"
)
PUNCTUATION = "，，，，。。、；："
LATIN = ["5G", "AI", "GDP", "App", "CEO", "SQL", "Wi-Fi", "iPhone", "ZAKER", "Python", "API"]
SITES = ["ZAKER", "界面新闻", "36氪", "虎嗅", "澎湃新闻", "新京报", "第一财经", "财新"]
TOP = ["新媒体", "科技", "财经", "社会", "国际", "体育", "文化"]
FEEDS = ["source", "快讯", "最新", "热点", "深度", "观察", "要闻"]
RARE_WORDS = ["蓝鲸计划", "QuokkaDB"]  # each planted in about 1 article in 5,000


def category_pool(rng: random.Random) -> list[tuple[str, str, str]]:
    pool: set[tuple[str, str, str]] = set()
    while len(pool) < 50:
        pool.add((rng.choice(TOP), rng.choice(SITES), rng.choice(FEEDS)))
    return sorted(pool)


def sentence(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(2, 5)):
        run = "".join(rng.choice(HANZI) for _ in range(rng.randint(3, 12)))
        if rng.random() < 0.25:
            run += f" {rng.randint(2, 2024)} " + rng.choice("年月日个万亿家项座")
        if rng.random() < 0.1:
            run += f" {rng.choice(LATIN)} "
        if rng.random() < 0.08:
            run = f'" {run} "'
        parts.append(run)
        parts.append(rng.choice(PUNCTUATION))
    parts[-1] = "。"
    return "".join(parts)


def paragraph_bank(rng: random.Random, size: int = 3000) -> list[str]:
    return ["".join(sentence(rng) for _ in range(rng.randint(2, 6))) for _ in range(size)]


def image_html(rng: random.Random, index: int) -> str:
    path = f"{rng.randint(2018, 2024)}{rng.randint(1, 12):02d}/{rng.getrandbits(64):016x}_1024.jpg"
    real = f"http://img.example.cn/{path}"
    return (
        f'<div class="img_box" id="id_imagebox_{index}"><img class="lazy" id="img_{index}" '
        f'data-original="{real}" src="https://cors.example.org/?{real}" '
        f'referrerpolicy="no-referrer"></div>'
    )


def article(rng: random.Random, bank: list[str], categories: list[tuple[str, str, str]],
            number: int, start: datetime) -> tuple[str, str]:
    category = rng.choice(categories)
    title = "".join(rng.choice(HANZI) for _ in range(rng.randint(8, 22)))
    if rng.random() < 0.2:
        title = f"{title[:5]} {rng.randint(2, 99)} {title[5:]}"
    moment = start + timedelta(seconds=rng.randint(0, 6 * 365 * 24 * 3600))
    target = rng.randint(5_000, 20_000)
    body: list[str] = [image_html(rng, 0)]
    size = 0
    images = 1
    while size < target:
        if rng.random() < 0.08:
            heading = "".join(rng.choice(HANZI) for _ in range(rng.randint(6, 16)))
            body.append(f"<p><strong>{heading}</strong></p>")
        elif rng.random() < 0.05 and images < 8:
            body.append(image_html(rng, images))
            images += 1
        paragraph = rng.choice(bank)
        if rng.random() < 0.1:
            cut = rng.randint(0, len(paragraph))
            paragraph = (paragraph[:cut] + f"<strong>“{rng.choice(bank)[:6]}”</strong>"
                         + paragraph[cut:])
        body.append(f"<p>{paragraph}</p>")
        size += len(paragraph.encode("utf-8"))
    if number % 5000 == 17:
        body.insert(2, f"<p>本报讯：{RARE_WORDS[(number // 5000) % 2]} 今日公布新进展。</p>")
    proxied = f"https://cors.example.org/?http://img.example.cn/{number:08d}_1024.jpg"
    text = (
        f"\n---\ntitle: '{title}'\ncategories: \n - {category[0]}\n - {category[1]}\n"
        f" - {category[2]}\nheadimg: '{proxied}'\nauthor: {category[1]}\ncomments: false\n"
        f"date: {format_datetime(moment, usegmt=True)}\nthumbnail: '{proxied}'\n---\n\n"
        f"<div>   \n{''.join(body)}  \n</div>\n            "
    )
    name = f"{title[:20]}-{number}.md"
    return "/".join(("source", "_posts", *category, name)), text


def generate(out: Path, count: int, seed: int = 7) -> Path:
    """Write `count` articles under `out`; the same seed always gives the same files."""
    rng = random.Random(seed)
    bank = paragraph_bank(rng)
    categories = category_pool(rng)
    start = datetime(2018, 1, 1, tzinfo=UTC)
    made_folders: set[str] = set()
    for number in range(count):
        rel, text = article(rng, bank, categories, number, start)
        folder = os.path.dirname(rel)
        if folder not in made_folders:
            (out / folder).mkdir(parents=True, exist_ok=True)
            made_folders.add(folder)
        (out / rel).write_text(text, encoding="utf-8")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    generate(options.out, options.count, options.seed)
    print(f"wrote {options.count:,} articles to {options.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
