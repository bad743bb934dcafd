"""Reading source documents: bytes from disk to text, with the encoding detected for the whole file.

Published disclosures come as UTF-8 (with or without a byte-order mark) or as
GB18030/GBK, the usual encodings of Chinese government files. The encoding is
decided once for the whole file by strict decode attempts in a fixed order
(BOM, UTF-8, GB18030), never guessed line by line. Line endings are normalised
to ``\\n`` so line numbers match what an editor shows.

Other formats (HTML, DOCX, XLSX/XLS, CSV, PDF, legacy DOC/WPS) are recognised
by their content first and their extension second (:func:`sniff_format`): a
``.txt`` that is really a saved web page reads as HTML, a workbook renamed
``.doc`` as a workbook. Their bytes are handed to the readers of
:mod:`nlp.readers`.

Every failure is an :class:`~nlp.errors.InputError` naming the file and the remedy.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from nlp.errors import InputError

__all__ = ["FORMATS", "SUPPORTED_SUFFIXES", "RawDocument", "read_document", "decode_text", "sniff_format"]

#: C0 control characters that never occur in text (tab, newline, CR and form feed do)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
#: private-use code points: what a wrong GB18030 decode of non-Chinese bytes tends to produce
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


#: file extension -> input format (the content decides first, see :func:`sniff_format`)
FORMATS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".xhtml": "html",
    ".mht": "html",
    ".docx": "docx",
    ".doc": "doc",
    ".wps": "doc",
    ".rtf": "doc",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".et": "xls",
    ".csv": "csv",
    ".pdf": "pdf",
}
#: the extensions a folder ingest picks up
SUPPORTED_SUFFIXES = frozenset(FORMATS)

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: .doc, .xls, .wps and encrypted OOXML


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


@dataclass(frozen=True)
class RawDocument:
    """A source file read into memory: its name, where it was, its text and how it was encoded.

    ``format`` is ``text`` for text files (``text`` holds the decoded text);
    for other formats ``text`` is empty and ``data`` holds the bytes for the
    format's reader.
    """

    file: str  #: the file's name (the document key ``doc``)
    path: Path
    text: str  #: decoded text, line endings normalised to ``\n`` (text files only)
    encoding: str  #: ``utf-8``, ``utf-8-sig``, ``utf-16`` or ``gb18030``; ``binary`` for binary formats
    sha256: str  #: hex digest of the bytes on disk
    format: str = "text"  #: ``text``, ``html``, ``docx``, ``doc``, ``xlsx``, ``xls``, ``xmlss``, ``csv``, ``pdf``
    data: bytes = b""  #: the file's bytes (formats other than text)


def sniff_format(data: bytes, suffix: str) -> str:
    """The input format of ``data``: its signature decides, the extension only where the bytes do not.

    Raises :class:`InputError` (with ``file`` left empty for the caller to fill)
    for an encrypted Office file and a zip archive that is no Office document.
    """
    suffix = suffix.lower()
    head = data[:8]
    if data[:1024].lstrip().startswith(b"%PDF-") or (b"%PDF-" in data[:1024] and suffix == ".pdf"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        names = data[:65536] + data[-65536:]
        if b"word/" in names:
            return "docx"
        if b"xl/" in names:
            return "xlsx"
        return FORMATS.get(suffix, "zip") if FORMATS.get(suffix) in ("docx", "xlsx") else "zip"
    if head == _OLE2:
        if _utf16("EncryptedPackage") in data:
            return "encrypted"
        if _utf16("WordDocument") in data:
            return "doc"
        if _utf16("Workbook") in data or _utf16("Book") in data:
            return "xls"
        return FORMATS.get(suffix) if FORMATS.get(suffix) in ("doc", "xls") else "doc"
    if data.startswith(b"{\\rtf"):
        return "doc"
    start = data[:4096].lstrip(codecs.BOM_UTF8 + b" \t\r\n").lower()
    if b"urn:schemas-microsoft-com:office:spreadsheet" in data[:8192] and b"<workbook" in data[:8192].lower():
        return "xmlss"  # an Excel 2003 XML workbook (web systems export it as .xls)
    if start.startswith((b"mime-version", b"content-type: multipart")) and b"text/html" in data[:65536].lower():
        return "html"  # a MIME page archive (.mht)
    if start.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in data[:8192].lower():
        return "html"
    window = data[:262144].lower()
    if b"<table" in window and (b"</td>" in window or b"</tr>" in window):
        return "html"  # a page fragment saved as text
    fmt = FORMATS.get(suffix, "text")
    if fmt in ("xls", "doc") and _looks_like_text(data):
        return "csv" if fmt == "xls" else "text"  # web systems export delimited text named .xls
    return fmt  # a binary format without its signature: its reader reports the damage


def _looks_like_text(data: bytes) -> bool:
    head = data[:65536]
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut at the window's end
            try:
                head[: exc.start].decode("gb18030")
                head.decode("gb18030", errors="strict")
            except UnicodeDecodeError as gb:
                return gb.start >= len(head) - 4
    return True


def read_document(path: Path) -> RawDocument:
    """Read one input file, detecting its format and, for text, its encoding.

    Raises :class:`InputError` if the file cannot be read, is not readable text
    (for text formats) or is an encrypted Office file.
    """
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
    fmt = sniff_format(data, path.suffix)
    if fmt == "encrypted":
        raise InputError(
            shown, "password-protected Office file; open it with the password and save an unprotected copy"
        )
    if fmt == "zip":
        raise InputError(shown, "a zip archive, not a document; unpack it and ingest the files inside")
    if fmt != "text":
        if not data:
            raise InputError(shown, "file is empty; nothing to ingest")
        return RawDocument(
            file=path.name,
            path=path,
            text="",
            encoding="binary",
            sha256=hashlib.sha256(data).hexdigest(),
            format=fmt,
            data=data,
        )
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
