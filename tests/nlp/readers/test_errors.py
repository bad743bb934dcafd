"""A damaged, truncated, encrypted or scanned file gets one line naming the file, why and the remedy;
a folder ingest goes on past it."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.ingest import ingest_paths, load_document
from index.store import Store
from nlp.errors import InputError
from samples import TARGET, formats

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def message(path: Path) -> str:
    with pytest.raises(InputError) as err:
        load_document(path)
    return str(err.value)


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("good")
    return {
        "docx": formats.write_docx(TARGET, folder / "t.docx").read_bytes(),
        "xlsx": formats.write_xlsx(TARGET, folder / "t.xlsx").read_bytes(),
        "xls": formats.write_xls(TARGET, folder / "t.xls").read_bytes(),
        "pdf": formats.write_pdf_reportlab(TARGET, folder / "t.pdf").read_bytes(),
    }


@pytest.mark.parametrize(
    ("suffix", "expected"),
    [
        ("docx", "damaged or truncated DOCX (not a readable zip package); save the document again as .docx"),
        ("xlsx", "damaged or truncated XLSX (not a readable zip package); save the workbook again as .xlsx"),
        ("xls", "damaged or truncated XLS; save the workbook again as .xlsx"),
        ("pdf", "damaged or truncated PDF; download or export the PDF again"),
    ],
)
def test_truncated_file(tmp_path: Path, good, suffix: str, expected: str) -> None:
    path = tmp_path / f"cut.{suffix}"
    path.write_bytes(good[suffix][: len(good[suffix]) // 3])
    assert message(path) == f"cut.{suffix}: {expected}"


def test_a_docx_that_is_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(b"garbage\x00\x01\x02" * 20)
    assert message(path) == (
        "bad.docx: damaged or truncated DOCX (not a readable zip package); save the document again as .docx"
    )


def test_password_protected_pdf(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(path), encrypt="secret")
    c.drawString(100, 700, "locked")
    c.save()
    assert message(path) == (
        "locked.pdf: password-protected PDF; open it with the password and save an unprotected copy"
    )


@pytest.mark.parametrize("suffix", ["docx", "xlsx"])
def test_password_protected_office_file(tmp_path: Path, suffix: str) -> None:
    # Office encrypts a protected .docx/.xlsx into a compound file holding an EncryptedPackage stream
    path = tmp_path / f"locked.{suffix}"
    path.write_bytes(OLE2 + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512)
    assert message(path) == (
        f"{path}: password-protected Office file; open it with the password and save an unprotected copy"
    )


def test_image_only_pdf_needs_ocr(tmp_path: Path) -> None:
    path = formats.write_pdf_image_only(tmp_path / "scan.pdf")
    assert message(path) == (
        "scan.pdf: PDF has no text layer (a scanned image); it needs OCR first "
        "(e.g. ocrmypdf -l chi_sim in.pdf out.pdf), then ingest the OCR output"
    )


def test_legacy_doc_without_libreoffice(tmp_path: Path, monkeypatch) -> None:
    import nlp.readers.office as office

    monkeypatch.setattr(office.shutil, "which", lambda name: None)
    path = tmp_path / "old.doc"
    path.write_bytes(OLE2 + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 512)
    assert message(path) == (
        "old.doc: legacy Word/WPS document; converting it needs LibreOffice (Debian: apt-get install "
        "libreoffice-writer-nogui), or open it in Word/WPS and save it as .docx"
    )


@pytest.mark.skipif(formats.soffice() is None, reason="LibreOffice missing (Debian: libreoffice-writer-nogui)")
def test_legacy_doc_libreoffice_cannot_read(tmp_path: Path) -> None:
    path = tmp_path / "broken.doc"
    path.write_bytes(OLE2 + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 512)
    assert message(path) == (
        "broken.doc: LibreOffice could not convert it (damaged or password-protected?); "
        "open it in Word/WPS and save it as .docx"
    )


def test_a_zip_that_is_no_document(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "bundle.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a.txt", "x")
    assert message(path) == f"{path}: a zip archive, not a document; unpack it and ingest the files inside"


def test_folder_ingest_reads_every_format_and_goes_on_past_a_bad_file(tmp_path: Path, good) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for suffix, data in good.items():
        (folder / f"t.{suffix}").write_bytes(data)
    (folder / "t.html").write_bytes(formats.write_html(TARGET))
    (folder / "a_cut.pdf").write_bytes(good["pdf"][:500])
    (folder / "notes.md").write_text("not a format jixiao reads", encoding="utf-8")
    with Store.open(tmp_path / "data") as store:
        outcomes = ingest_paths([folder], store)
    assert [(o.path.name, o.ok, o.n_indicators) for o in outcomes] == [
        ("a_cut.pdf", False, 0),
        ("t.docx", True, 9),
        ("t.html", True, 9),
        ("t.pdf", True, 9),
        ("t.xls", True, 9),
        ("t.xlsx", True, 9),
    ]
    # files of one name in several formats are documents of their own: the first keeps its name, the
    # others get their folders in the key (index.ingest), so no two share project ids
    keys = [o.doc for o in outcomes[1:]]
    assert keys[0] == "t.docx" and [k.rsplit("/", 1)[-1] for k in keys] == ["t.docx", "t.html", "t.pdf", "t.xls", "t.xlsx"]
    assert len({k.rsplit(".", 1)[0] for k in keys}) == len(keys)
    assert outcomes[0].reason == f"{folder / 'a_cut.pdf'}: damaged or truncated PDF; download or export the PDF again"
