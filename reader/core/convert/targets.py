"""An article's images and links as the pickers list them: numbered, each with its address
and, where it will not be opened, why (`reader.core.urls.refusal`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from reader.core.files.local import (
    Permalinks,
    file_refusal,
    is_local,
    linked_article,
    local_file,
)
from reader.core.model import Article, Document
from reader.core.urls import refusal, resolve, unwrap_proxy


@dataclass(frozen=True, slots=True)
class Target:
    """One row of a picker: a number, what it shows, and the address it opens."""

    number: int
    label: str
    url: str
    fallback: str = ""  # the proxied form the article used, kept in case the real one fails
    refused: str | None = None  # why it will not be opened, or None
    cover: bool = False
    path: str = ""  # a file of the archive it names (a picture beside the post), or ""
    article: str = ""  # the id of the archive's article a link goes to, or ""

    @property
    def openable(self) -> bool:
        return self.refused is None


#: Why a site's own address (`where-do-you-live.png`, `/images/x.png`) does not open when
#: the archive lacks that file ("relative address with no page to resolve it against" said
#: nothing a reader could act on).
NOT_IN_ARCHIVE = "on the site, not in this archive (no address of the site is known)"


def _local(target: Target, root: Path | None, article: Article) -> Target:
    """`target` pointed at the archive's own file, when its address names one."""
    if root is None or target.openable:
        return target
    found = local_file(root, article.id, target.url)
    if found is None:
        if is_local(target.url):  # a file of the site the archive does not hold
            return Target(target.number, target.label, target.url, target.fallback,
                          NOT_IN_ARCHIVE, target.cover)
        return target
    return Target(target.number, target.label, target.url, target.fallback,
                  file_refusal(found), target.cover, path=str(found))


def image_targets(document: Document, article: Article,
                  root: Path | None = None) -> list[Target]:
    """The article's images in reading order, numbered as their placeholders, then the cover
    (unless it is one of them already). With the archive's `root`, an image that lives in
    the archive (`media/x.png`, `/images/x.png`) is that file."""
    targets = [
        _local(Target(image.number, image.alt, image.url, image.fallback, refusal(image.url)),
               root, article)
        for image in document.images
    ]
    if article.cover:
        real, proxied = unwrap_proxy(article.cover)
        real = resolve(real, article.link)
        if real and all(target.url != real for target in targets):
            targets.append(_local(Target(len(targets) + 1, "cover image", real, proxied,
                                         refusal(real), cover=True), root, article))
    return targets


def link_targets(document: Document, article: Article | None = None, root: Path | None = None,
                 articles: Mapping[str, Article] | None = None,
                 permalinks: Permalinks | None = None) -> list[Target]:
    """The article's links in reading order, with the text that carried them. With the
    archive, a link to another of its articles (by path or permalink) names that article,
    and one to a file of the archive names the file."""
    targets = []
    for link in document.links:
        target = Target(link.number, link.text, link.url, "", refusal(link.url))
        if article is not None and root is not None and not target.openable:
            other = linked_article(root, article, link.url, articles or {},
                                   permalinks or Permalinks()) if articles else None
            if other is not None:
                target = Target(link.number, link.text, link.url, article=other)
            else:
                target = _local(target, root, article)
        targets.append(target)
    return targets
