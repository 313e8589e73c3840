"""Turning a file's bytes into text: UTF-8 first, then the Chinese legacy encodings."""

from __future__ import annotations

from dataclasses import dataclass

#: Files larger than this are listed as problems instead of being read.
MAX_FILE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str


class NotText(ValueError):
    """The bytes are not text the reader can show; the message says why in one line."""


def _gb2312_share(data: bytes) -> float:
    """Share of two-byte characters that fall in GB2312's common-character area.

    Genuine GBK/GB18030 prose is almost all in it; Big5 read as GBK is not (its trail bytes
    0x40-0x7E are outside it), which is how the two are told apart.
    """
    pairs = common = 0
    i = 0
    while i < len(data) - 1:
        lead = data[i]
        if lead < 0x80:
            i += 1
            continue
        pairs += 1
        trail = data[i + 1]
        if 0xA1 <= lead <= 0xF7 and 0xA1 <= trail <= 0xFE:
            common += 1
        i += 2
    return common / pairs if pairs else 1.0


_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20)])
#: Every byte but those: deleting them leaves only the controls, counted in C. In UTF-8,
#: GB18030 and Big5 alike these bytes are only ever the control characters themselves.
_OTHER_BYTES = bytes(set(range(256)) - set(_CONTROL_BYTES))


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    # Text may carry a few escape sequences (the reader removes them); binary is mostly them.
    return len(sample.translate(None, _OTHER_BYTES)) > max(32, len(sample) // 10)


def decode_bytes(data: bytes) -> Decoded:
    """Decode an article file's bytes, or raise `NotText` saying why it can't be shown.

    UTF-8 (with or without BOM) is tried first; then GB18030 (a superset of GBK and GB2312)
    and Big5, which old Chinese archives use, chosen by which one the bytes fit.
    """
    if b"\x00" in data[:8192]:
        raise NotText("binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
        encoding = "utf-8"
    except UnicodeDecodeError:
        text, encoding = _decode_legacy(data)
    if _looks_binary(data):
        raise NotText("binary file (mostly control characters)")
    return Decoded(text, encoding)


def _decode_legacy(data: bytes) -> tuple[str, str]:
    candidates: list[tuple[str, str]] = []
    for encoding in ("gb18030", "big5"):
        try:
            candidates.append((data.decode(encoding), encoding))
        except UnicodeDecodeError:
            continue
    if not candidates:
        raise NotText("not UTF-8, GB18030 or Big5 text")
    if len(candidates) == 2 and _gb2312_share(data) < 0.8:
        return candidates[1]
    return candidates[0]
