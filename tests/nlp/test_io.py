"""Reading source files: encoding detected for the whole file, clear errors for bad input."""

from __future__ import annotations

import codecs
import hashlib
import os
from pathlib import Path

import pytest

from nlp.errors import InputError
from nlp.io import decode_text, read_document

TEXT = "1、城乡居民养老保险经费绩效目标表\n一级指标\t二级指标\t三级指标\n产出指标\t数量指标\t参保人数\t≥95%\n"


def write(tmp_path: Path, data: bytes, name: str = "doc.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_reads_utf8_and_reports_name_hash_and_encoding(tmp_path: Path) -> None:
    data = TEXT.encode("utf-8")
    raw = read_document(write(tmp_path, data))
    assert (raw.file, raw.text, raw.encoding) == ("doc.txt", TEXT, "utf-8")
    assert raw.sha256 == hashlib.sha256(data).hexdigest()


def test_utf8_bom_is_detected_and_removed(tmp_path: Path) -> None:
    raw = read_document(write(tmp_path, codecs.BOM_UTF8 + TEXT.encode("utf-8")))
    assert (raw.text, raw.encoding) == (TEXT, "utf-8-sig")


@pytest.mark.parametrize("codec", ["gb18030", "gbk"])
def test_gbk_and_gb18030_files_are_detected(tmp_path: Path, codec: str) -> None:
    raw = read_document(write(tmp_path, TEXT.encode(codec)))
    assert (raw.text, raw.encoding) == (TEXT, "gb18030")


def test_gb18030_only_characters_decode(tmp_path: Path) -> None:
    text = "㐀䶵 满意度≥90%\n"  # CJK extension A: in GB18030, not in GBK
    assert read_document(write(tmp_path, text.encode("gb18030"))).text == text


def test_encoding_is_decided_for_the_whole_file_not_per_line(tmp_path: Path) -> None:
    # the first lines alone are valid UTF-8 (ASCII); the file as a whole is GBK
    text = "2024\nline two\n" + "效益指标\t社会效益\n" * 3
    raw = read_document(write(tmp_path, text.encode("gbk")))
    assert (raw.text, raw.encoding) == (text, "gb18030")


def test_crlf_and_lone_cr_become_newlines(tmp_path: Path) -> None:
    raw = read_document(write(tmp_path, "a\r\nb\rc\n".encode("utf-8")))
    assert raw.text == "a\nb\nc\n"


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    raw = read_document(write(tmp_path, TEXT.encode("utf-16")))
    assert (raw.text, raw.encoding) == (TEXT, "utf-16")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    with pytest.raises(InputError) as err:
        read_document(path)
    assert str(err.value) == f"{path}: no such file; check the path"


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        read_document(tmp_path)
    assert str(err.value) == f"{tmp_path}: is a directory; give the files in it, or ingest the folder"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read anything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, TEXT.encode())
    path.chmod(0)
    with pytest.raises(InputError) as err:
        read_document(path)
    assert str(err.value) == f"{path}: permission denied; make the file readable"


@pytest.mark.parametrize("data", [b"", b"\n\r\n  \t", codecs.BOM_UTF8 + b"\n"])
def test_empty_file(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, data)
    with pytest.raises(InputError) as err:
        read_document(path)
    assert str(err.value) == f"{path}: file is empty; nothing to ingest"


def test_binary_file_with_nul_bytes(tmp_path: Path) -> None:
    # no known signature (a PDF, an Office file) and an extension that is not a format: read as text
    path = write(tmp_path, b"\x7fELF\x02\x01\x00\x01\x02\xff\xfe" * 10, "x.txt")
    with pytest.raises(InputError) as err:
        read_document(path)
    assert str(err.value) == f"{path}: binary file (NUL bytes), not text; export the document as UTF-8 text"


def test_a_pdf_is_handed_to_its_reader_not_decoded(tmp_path: Path) -> None:
    data = b"%PDF-1.7\n\x00\x01\x02\xff\xfe" * 10
    raw = read_document(write(tmp_path, data, "x.pdf"))
    assert (raw.format, raw.data, raw.text) == ("pdf", data, "")


def test_control_characters_mean_binary_and_name_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "ok\nstill ok\nbad \x01 here\n".encode("utf-8"))
    with pytest.raises(InputError) as err:
        read_document(path)
    assert str(err.value) == (
        f"{path}:3: binary file (control character U+0001), not text; export the document as UTF-8 text"
    )


def test_undecodable_bytes(tmp_path: Path) -> None:
    # 0xFF is never valid in UTF-8 and never a GB18030 lead byte
    path = write(tmp_path, "绩效".encode("utf-8") + b"\xff\xff abc")
    with pytest.raises(InputError) as err:
        read_document(path)
    assert str(err.value) == (
        f"{path}: text is neither UTF-8 nor GB18030 (first bad byte at 6); convert it to UTF-8"
    )


@pytest.mark.parametrize(
    "text",
    [
        "naïve café crème à la carte",  # not valid GB18030 at all
        "Grüße aus Köln, schön",  # valid GB18030, but only as private-use nonsense ("Gr\ue3eae aus K鰈n")
    ],
)
def test_latin1_text_is_not_mistaken_for_gb18030(text: str) -> None:
    with pytest.raises(InputError) as err:
        decode_text(text.encode("latin-1"), file="f.txt")
    assert str(err.value) == "f.txt: text is neither UTF-8 nor GB18030 (first bad byte at 2); convert it to UTF-8"


def test_tabs_and_form_feeds_are_text() -> None:
    assert decode_text("a\tb\fc\n".encode(), file="f.txt") == ("a\tb\fc\n", "utf-8")


@pytest.mark.parametrize("name", sorted(p.name for p in (Path(__file__).parents[2] / "samples").glob("*.txt")))
def test_bundled_samples_read_as_utf8(name: str) -> None:
    raw = read_document(Path(__file__).parents[2] / "samples" / name)
    assert raw.encoding in {"utf-8", "utf-8-sig"}
    assert "\r" not in raw.text and len(raw.text) > 10_000
