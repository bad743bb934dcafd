"""Upload workflow: a file received over the network becomes a stored, indexed document, or changes nothing.

The bytes are written under ``<data_dir>/uploads/`` with a generated name (the first 16 hex digits
of their SHA-256 — nothing of the sender's file name reaches the file system, and the same content
uploaded twice replaces one document), parsed before anything is stored, then ingested and indexed
under the data directory's write lock.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import uuid
from pathlib import Path
from typing import Iterable

from index.ingest import load_document
from nlp.errors import JixiaoError
from service.errors import TooLarge, Unreadable, Unsupported
from service.ingest import IngestRun, ingest_and_index

__all__ = ["UPLOAD_SUFFIXES", "DEFAULT_MAX_UPLOAD_BYTES", "UPLOADS_DIR", "display_name", "ingest_upload"]

#: file types ingest reads (the suffixes of :func:`index.ingest.expand_paths`)
UPLOAD_SUFFIXES: tuple[str, ...] = (".txt",)
DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024
UPLOADS_DIR = "uploads"
_INCOMING = ".incoming"


def display_name(filename: str | None) -> str:
    """The sender's file name reduced to something safe to show (last path part, no control characters)."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()
    return name[:120] or "(unnamed)"


def _check_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise Unsupported(f"{name}: file type {suffix or '(none)'} is not read by ingest; upload one of "
                          f"{', '.join(UPLOAD_SUFFIXES)} (a disclosure exported as text)")
    return suffix


def _receive(chunks: Iterable[bytes], into: Path, *, name: str, max_bytes: int) -> str:
    """Write ``chunks`` to ``into``; the hex SHA-256 of what was written. Stops at ``max_bytes``."""
    digest = hashlib.sha256()
    size = 0
    with open(into, "wb") as out:
        for chunk in chunks:
            size += len(chunk)
            if size > max_bytes:
                raise TooLarge(f"{name}: larger than the upload limit of {max_bytes / 1024 / 1024:g} MB; "
                               "split the document or ask the administrator to raise the limit")
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def ingest_upload(data_dir: Path, filename: str | None, chunks: Iterable[bytes], *,
                  max_bytes: int = DEFAULT_MAX_UPLOAD_BYTES) -> IngestRun:
    """Store, parse, ingest and index one uploaded file.

    Raises :class:`Unsupported` (type), :class:`TooLarge` (size) or :class:`Unreadable` (content, with
    the parser's message), naming the sender's file; in each case nothing is stored.
    """
    shown = display_name(filename)
    suffix = _check_type(shown)
    uploads = data_dir / UPLOADS_DIR
    incoming = uploads / _INCOMING / uuid.uuid4().hex
    incoming.mkdir(parents=True)
    try:
        part = incoming / "upload.part"
        sha = _receive(chunks, part, name=shown, max_bytes=max_bytes)
        name = f"upload-{sha[:16]}{suffix}"
        staged = incoming / name
        os.replace(part, staged)
        try:
            load_document(staged)  # parse first: a malformed upload is refused before anything is stored
        except JixiaoError as exc:
            message = str(exc)
            for prefix in (f"{staged}:", f"{name}:"):
                if message.startswith(prefix):
                    message = f"{shown}:{message[len(prefix):]}"
                    break
            raise Unreadable(message) from None
        final = uploads / name
        existed = final.exists()
        os.replace(staged, final)
    finally:
        shutil.rmtree(incoming, ignore_errors=True)
    run = ingest_and_index([final], data_dir)
    if run.failed:
        if not existed:
            final.unlink(missing_ok=True)
        reason = run.failed[0].reason or "could not be ingested"
        raise JixiaoError(reason.replace(str(final), shown, 1))
    return run
