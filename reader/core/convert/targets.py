"""An article's images and links as the pickers list them: numbered, each with its address
and, where it will not be opened, why (`reader.core.urls.refusal`)."""

from __future__ import annotations

from dataclasses import dataclass

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

    @property
    def openable(self) -> bool:
        return self.refused is None


def image_targets(document: Document, article: Article) -> list[Target]:
    """The article's images in reading order, numbered as their placeholders, then the cover
    (unless it is one of them already)."""
    targets = [
        Target(image.number, image.alt, image.url, image.fallback, refusal(image.url))
        for image in document.images
    ]
    if article.cover:
        real, proxied = unwrap_proxy(article.cover)
        real = resolve(real, article.link)
        if real and all(target.url != real for target in targets):
            targets.append(Target(len(targets) + 1, "cover image", real, proxied, refusal(real),
                                  cover=True))
    return targets


def link_targets(document: Document) -> list[Target]:
    """The article's links in reading order, with the text that carried them."""
    return [Target(link.number, link.text, link.url, "", refusal(link.url))
            for link in document.links]
