"""Checks on a file a user attaches, from its content and never from its name alone: the type by its first bytes,
a name fit to show, a whole PDF, an image that decodes and is not a decompression bomb; and its caption.

The checks are pure: bytes and text in, a `FileType` and cleaned text out, `DomainError` on refusal. Storing
follows the transaction: `pending_files` lists what a session writes and removes, done only when it commits.
"""
import io
import logging
import os
import re
import secrets
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from PIL import Image
from sqlalchemy import event
from sqlmodel import Session

from tracker.services.errors import DomainError, checked_text

log = logging.getLogger(__name__)

MAX_CAPTION = 500
MAX_NAME = 255
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 50_000_000  # below Pillow's own bomb warning (89 Mpx); a 48 Mpx phone photo still passes


@dataclass(frozen=True)
class FileType:
    """An accepted kind of file: its content type, the extension it is stored under, the names it may have."""

    content_type: str
    extension: str
    extensions: frozenset[str]
    image_format: str | None  # Pillow's name, for the images whose pixels are checked


JPEG = FileType("image/jpeg", "jpg", frozenset({"jpg", "jpeg", "jpe", "jfif"}), "JPEG")
PNG = FileType("image/png", "png", frozenset({"png"}), "PNG")
PDF = FileType("application/pdf", "pdf", frozenset({"pdf"}), None)


def sniff(data: bytes) -> FileType | None:
    """The accepted type a file's content is, from its first bytes (never from its name): JPEG, PNG or PDF."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"%PDF-"):
        return PDF
    return None


def display_name(filename: str | None) -> str:
    """The name a user's file is shown under: path parts dropped, NFC, no control characters, at most 255."""
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[/\\]", name)[-1]
    # Control and format characters (a right-to-left override can disguise "gpj.exe") are dropped.
    name = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf", "Cs"}).strip()
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        keep = f"{dot}{ext}" if dot and stem and len(ext) <= 10 else ""
        name = name[:MAX_NAME - len(keep)].rstrip() + keep
    return name


def check_file(filename: str | None, data: bytes, *, max_bytes: int = MAX_BYTES) -> tuple[FileType, str]:
    """Accept a JPEG, PNG or PDF by its content, with a name that agrees; return its type and display name.

    A name with another extension is refused (a PDF called "photo.png" would be saved under that name by
    whoever downloads it); a name without an extension gets the right one.
    """
    if not data:
        raise DomainError(_l("The file is empty."), "file")
    if len(data) > max_bytes:
        raise DomainError(_l("The file is larger than %(mb)s MB.", mb=max_bytes // (1024 * 1024)), "file")
    kind = sniff(data)
    if kind is None:
        raise DomainError(_l("Only photos (JPEG, PNG) and PDF documents can be attached; this file is neither, "
                             "whatever its name says."), "file")
    name = display_name(filename)
    stem, dot, ext = name.rpartition(".")
    if not (dot and stem and ext):
        name = f"{name or 'file'}.{kind.extension}"[-MAX_NAME:]
    elif ext.lower() not in kind.extensions:
        raise DomainError(_l("The file's name ends in .%(ext)s but it is a %(kind)s: rename it to end in "
                             ".%(right)s and upload it again.", ext=ext, kind=kind.extension.upper(),
                             right=kind.extension), "file")
    if kind.image_format:
        _check_image(data, kind.image_format)
    elif b"%%EOF" not in data[-1024:]:
        raise DomainError(_l("This PDF is damaged or incomplete: its end is missing."), "file")
    return kind, name


def _check_image(data: bytes, image_format: str) -> None:
    """The image must be whole and decode, in the format its first bytes claim, and not be a decompression bomb.

    Wholeness is checked apart from decoding: WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole
    process, so a cut-off file would otherwise decode without complaint.
    """
    too_large = DomainError(_l("The image has too many pixels (more than %(n)d million).",
                               n=MAX_PIXELS // 1_000_000), "file")
    damaged = DomainError(_l("This image is damaged or incomplete and cannot be shown."), "file")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # odd EXIF and the like: browsers show such photos
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[image_format]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise too_large
                if image_format == "PNG":
                    image.verify()  # every chunk's checksum, up to the end chunk
                elif data.find(b"\xff\xd9", image.fp.tell()) < 0:  # no end-of-image marker after the scan
                    raise damaged
            with Image.open(io.BytesIO(data), formats=[image_format]) as image:
                if image_format == "JPEG":
                    image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))  # cheap full decode
                image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_large from None
        except DomainError:
            raise
        except Exception:  # Pillow signals a broken file with many exception types
            raise damaged from None


def check_caption(caption: str | None) -> str:
    """A caption: NFC, trimmed, at most 500 characters, no control characters."""
    return checked_text(caption, field="caption", limit=MAX_CAPTION)


def pending_files(session: Session) -> dict[str, list]:
    """The uploaded files this session's transaction writes ("new": temporary and final path) and removes ("old")."""
    files = session.info.get("upload_files")
    if files is None:
        files = session.info["upload_files"] = {"new": [], "old": []}
        event.listen(session, "after_commit", lambda _session: _settle(files, committed=True))
        event.listen(session, "after_transaction_end",
                     lambda _session, transaction: transaction.parent is None and _settle(files, committed=False))
    return files


def _settle(files: dict[str, list], *, committed: bool) -> None:
    """After a commit: give new files their final names and remove deleted ones. After a rollback or close
    (and after a commit, when nothing is left): remove the new files' temporary copies."""
    for part, final in files["new"]:
        try:
            if committed:
                os.replace(part, final)
            else:
                part.unlink(missing_ok=True)
        except OSError:
            log.exception("could not settle the uploaded file %s", part)
    for path in files["old"] if committed else ():
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.exception("could not remove the deleted file %s", path)
    files["new"].clear()
    files["old"].clear()


def stage(session: Session, folder: str | Path, kind: FileType, data: bytes) -> str:
    """Write checked content under a new random name in `folder` as a temporary file; it takes its final name when
    the session commits and is removed if it rolls back. Returns the stored name."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)  # owner-only, as the files in it
    stored_name = f"{secrets.token_hex(16)}.{kind.extension}"
    part = folder / f"{stored_name}.part"
    with open(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        handle.write(data)
    pending_files(session)["new"].append((part, folder / stored_name))
    return stored_name


def discard(session: Session, folder: str | Path, stored_name: str) -> None:
    """Remove a stored file once the session commits (kept if it rolls back)."""
    pending_files(session)["old"].append(Path(folder) / stored_name)
