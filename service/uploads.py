"""Upload workflow: a file received over the network becomes a stored, indexed document, or changes nothing.

The bytes are written under ``<data_dir>/uploads/`` with a generated name (the first 16 hex digits
of their SHA-256 — nothing of the sender's file name reaches the file system), parsed before
anything is stored, then stored under the sender's file name (sanitised: :func:`document_name`)
and indexed through :mod:`index.sync`, as ``ingest FILE --as NAME`` does: uploading a file of the
same name again replaces that document.
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
from nlp.io import SUPPORTED_SUFFIXES
from service.errors import Refused, TooLarge, Unreadable, Unsupported
from service.ingest import IngestRun, ingest_and_index

__all__ = ["UPLOAD_SUFFIXES", "DEFAULT_MAX_UPLOAD_BYTES", "UPLOADS_DIR", "display_name", "document_name", "ingest_upload"]

#: file types ingest reads (:data:`nlp.io.SUPPORTED_SUFFIXES`, what :func:`index.ingest.expand_sources` finds)
UPLOAD_SUFFIXES: tuple[str, ...] = tuple(sorted(SUPPORTED_SUFFIXES))
DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024
UPLOADS_DIR = "uploads"
_INCOMING = ".incoming"


def display_name(filename: str | None) -> str:
    """The sender's file name reduced to something safe to show (last path part, no control characters)."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()
    return name[:120] or "(unnamed)"


def document_name(shown: str, sha256: str) -> str:
    """The document key of an upload: the sender's file name without characters a key cannot hold
    (``:``, path separators, control characters), or ``upload-<hash>`` when nothing usable is left."""
    name = re.sub(r"[:\\/]", "_", shown).strip(" .")
    return name if name and name != "(unnamed)" and Path(name).stem else f"upload-{sha256[:16]}{Path(shown).suffix.lower()}"


def _check_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise Unsupported(f"{name}: file type {suffix or '(none)'} is not read by ingest; upload one of "
                          f"{', '.join(UPLOAD_SUFFIXES)}")
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
                  max_bytes: int = DEFAULT_MAX_UPLOAD_BYTES, replace: bool = False) -> IngestRun:
    """Store, parse, ingest and index one uploaded file.

    Raises :class:`Unsupported` (type), :class:`TooLarge` (size), :class:`Unreadable` (content, with
    the parser's message) or :class:`Refused` (it would shrink the stored document of that name by more
    than half; ``replace`` stores it anyway), naming the sender's file; in each case nothing is stored.
    Raises :class:`index.sync.IndexOutOfStepError` when it was stored but the index could not follow.
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
    run = ingest_and_index([final], data_dir, as_name=document_name(shown, sha), replace=replace)
    if run.failed:
        if not existed:
            final.unlink(missing_ok=True)
        failed = run.failed[0]
        reason = (failed.reason or "could not be ingested").replace(str(final), shown, 1)
        raise (Refused if failed.refused else JixiaoError)(reason)
    if run.sync_error is not None:
        raise run.sync_error
    return run
