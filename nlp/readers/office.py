"""Legacy Office files (.doc, .wps, .rtf) converted to DOCX by LibreOffice headless.

Python has no well-kept reader of the old binary Word format, so these files
are converted with LibreOffice (``soffice --headless --convert-to docx``) when
it is installed, each conversion with its own throw-away user profile so that
concurrent runs do not share a lock. Without LibreOffice the error names the
remedy: install it, or save the file as .docx.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from nlp.errors import InputError

__all__ = ["NEEDS_LIBREOFFICE", "convert_to_docx", "soffice"]

NEEDS_LIBREOFFICE = (
    "legacy Word/WPS document; converting it needs LibreOffice (Debian: apt-get install "
    "libreoffice-writer-nogui), or open it in Word/WPS and save it as .docx"
)
#: seconds one conversion may take
TIMEOUT = 180


def soffice() -> str | None:
    """The LibreOffice binary on the PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, *, file: str, suffix: str = ".doc") -> bytes:
    """The DOCX LibreOffice makes of ``data``. Raises :class:`InputError` when it is missing or fails."""
    binary = soffice()
    if binary is None:
        raise InputError(file, NEEDS_LIBREOFFICE)
    with tempfile.TemporaryDirectory(prefix="jixiao-soffice-") as tmp:
        folder = Path(tmp)
        src = folder / f"in{suffix if suffix in ('.doc', '.wps', '.rtf') else '.doc'}"
        src.write_bytes(data)
        command = [
            binary,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(folder / "out"),
            str(src),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            reason = f"LibreOffice did not finish converting it in {TIMEOUT} s; save it as .docx"
            raise InputError(file, reason) from None
        out = folder / "out" / "in.docx"
        if not out.exists() or out.stat().st_size == 0:
            raise InputError(
                file,
                "LibreOffice could not convert it (damaged or password-protected?); "
                "open it in Word/WPS and save it as .docx",
            )
        return out.read_bytes()
