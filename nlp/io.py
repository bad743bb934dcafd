"""Reading source documents: bytes from disk to text, with the encoding detected for the whole file.

Published disclosures come as UTF-8 (with or without a byte-order mark) or as
GB18030/GBK, the usual encodings of Chinese government files. The encoding is
decided once for the whole file by strict decode attempts in a fixed order
(BOM, UTF-8, GB18030), never guessed line by line. Line endings are normalised
to ``\\n`` so line numbers match what an editor shows.

Every failure is an :class:`~nlp.errors.InputError` naming the file and the remedy.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from nlp.errors import InputError

__all__ = ["RawDocument", "read_document", "decode_text"]

#: C0 control characters that never occur in text (tab, newline, CR and form feed do)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
#: private-use code points: what a wrong GB18030 decode of non-Chinese bytes tends to produce
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class RawDocument:
    """A source file read into memory: its name, where it was, its text and how it was encoded."""

    file: str  #: the file's name (the document key ``doc``)
    path: Path
    text: str  #: decoded text, line endings normalised to ``\n``
    encoding: str  #: ``utf-8``, ``utf-8-sig``, ``utf-16`` or ``gb18030``
    sha256: str  #: hex digest of the bytes on disk


def read_document(path: Path) -> RawDocument:
    """Read one text file, detecting its encoding. Raises :class:`InputError` if it is not readable text."""
    shown = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(shown, "no such file; check the path") from None
    except IsADirectoryError:
        raise InputError(shown, "is a directory; give the files in it, or ingest the folder") from None
    except PermissionError:
        raise InputError(shown, "permission denied; make the file readable") from None
    except OSError as exc:
        raise InputError(shown, f"cannot be read ({exc.strerror or exc}); check the path") from None
    text, encoding = decode_text(data, file=shown)
    return RawDocument(
        file=path.name,
        path=path,
        text=text,
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def decode_text(data: bytes, *, file: str) -> tuple[str, str]:
    """Decode the bytes of a whole file; return ``(text, encoding)``.

    Order: a byte-order mark decides; otherwise strict UTF-8 (which also accepts
    ASCII), then strict GB18030 (a superset of GBK and GB2312). A GB18030 decode
    that yields control or private-use characters is rejected as a wrong guess.
    """
    if not data.strip(b" \t\r\n\f" + codecs.BOM_UTF8):
        raise InputError(file, "file is empty; nothing to ingest")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(
                    file, f"not valid {encoding} text at byte {exc.start}; convert it to UTF-8"
                ) from None
            text = text.lstrip("\ufeff")
            _check_text(text, file=file)
            return _normalise_newlines(text), encoding
    if b"\x00" in data:
        raise InputError(file, "binary file (NUL bytes), not text; export the document as UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise InputError(
                file,
                f"text is neither UTF-8 nor GB18030 (first bad byte at {utf8_error.start}); convert it to UTF-8",
            ) from None
        if _PRIVATE_USE.search(text) or _CONTROL.search(text):
            raise InputError(
                file,
                f"text is neither UTF-8 nor GB18030 (first bad byte at {utf8_error.start}); convert it to UTF-8",
            )
        return _normalise_newlines(text), "gb18030"
    _check_text(text, file=file)
    return _normalise_newlines(text), "utf-8"


def _check_text(text: str, *, file: str) -> None:
    bad = _CONTROL.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        raise InputError(
            file,
            f"binary file (control character U+{ord(bad.group()):04X}), not text; export the document as UTF-8 text",
            line=line,
        )


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
