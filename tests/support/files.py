"""Small real files for uploads: a PNG, a JPEG and a one-page PDF, made by Pillow."""
import io

from PIL import Image


def png_bytes(size=(4, 3)) -> bytes:
    """A real, small PNG."""
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    """A real, small JPEG."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, "JPEG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    """A real, one-page PDF."""
    buffer = io.BytesIO()
    Image.new("RGB", (20, 30), "white").save(buffer, "PDF")
    return buffer.getvalue()
