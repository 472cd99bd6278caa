"""Uploaded images: validation, clean re-encoding and thumbnails (Pillow, django-imagekit), and their files.

An upload is judged by its content, never by its name or Content-Type: Pillow may open it only
as JPEG, PNG or WebP. Its size in bytes is checked first, then the pixel count from the header
(`Image.open` reads only the header), so a 50,000 x 50,000 PNG is refused before anything is
decoded; `Image.MAX_IMAGE_PIXELS` is set to the same limit as a second guard inside Pillow.
The pixels are then decoded, turned upright (EXIF orientation) and re-encoded into a new file
without any metadata (EXIF and its GPS position, ICC, text chunks): bytes hidden after the image
data (a polyglot JPEG carrying a script) do not survive. The thumbnail is made once, here, from
the clean image.

Files go through Django's default storage (`STORAGES["default"]`: local files or S3) under
unique names, so they can be cached forever. Every refusal raises before anything is written.
"""

import io
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import transaction
from django.db.models import Model
from imagekit import ImageSpec
from imagekit.processors import ResizeToFit
from PIL import Image, ImageOps, UnidentifiedImageError

from apps.core.exceptions import ImageRejectedError

# Pillow format -> (file extension, save options)
FORMATS: dict[str, tuple[str, dict]] = {
    "JPEG": ("jpg", {"quality": 88, "optimize": True}),
    "PNG": ("png", {"optimize": True}),
    "WEBP": ("webp", {"quality": 88}),
}
THUMBNAIL_FORMAT = "WEBP"  # keeps transparency, small


@dataclass(frozen=True)
class ImageRules:
    """Limits of an upload.

    Attributes:
        max_bytes: largest accepted file, in bytes (IMAGE_MAX_BYTES).
        max_pixels: largest accepted width x height (IMAGE_MAX_PIXELS).
        thumbnail_px: longest side of the thumbnail, in pixels (IMAGE_THUMBNAIL_PX).
    """

    max_bytes: int
    max_pixels: int
    thumbnail_px: int


@dataclass(frozen=True)
class CleanImage:
    """A validated, re-encoded image and its thumbnail, not stored yet.

    Attributes:
        content: the re-encoded image (no metadata), named `<uuid>.<ext>`.
        thumbnail: the thumbnail (WebP), named `<uuid>_thumb.webp`; None when not asked for.
        width, height: pixel size of `content` (after applying the EXIF orientation).
    """

    content: ContentFile
    thumbnail: ContentFile | None
    width: int
    height: int


class _Thumbnail(ImageSpec):
    """The thumbnail spec; its size is set per call from the rules."""

    format = THUMBNAIL_FORMAT
    options = {"quality": 80}  # noqa: RUF012 - imagekit reads this class attribute


def clean_image(upload, rules: ImageRules, *, field: str = "image", thumbnail: bool = True) -> CleanImage:
    """Validate an uploaded file and re-encode it without metadata, with its thumbnail.

    Args:
        upload: a Django `File`/`UploadedFile` (anything with `size`, `read`, `seek`).
        rules: the limits.
        field: the input field named by errors (`attr`).
        thumbnail: whether to make the thumbnail too.

    Raises:
        ImageRejectedError: (HTTP 400, attr `field`) code `too_large` (bytes), `too_many_pixels`, `unsupported_format`
            (not a JPEG, PNG or WebP by content: SVG, scripts, GIF...) or `corrupt` (undecodable).
    """
    size = getattr(upload, "size", None)
    if size is None or size > rules.max_bytes:
        raise ImageRejectedError(f"The image must not exceed {rules.max_bytes} bytes.", code="too_large", attr=field)
    upload.seek(0)
    Image.MAX_IMAGE_PIXELS = rules.max_pixels  # Pillow's own bomb check: error above twice this
    try:
        with Image.open(upload, formats=tuple(FORMATS)) as img:
            width, height = img.size  # from the header; nothing decoded yet
            if width * height > rules.max_pixels:
                raise _too_many_pixels(rules, field)
            source_format = img.format
            img.load()
            upright = ImageOps.exif_transpose(img)
            pixels = _without_metadata(upright, source_format)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(rules, field) from None
    except UnidentifiedImageError:
        raise ImageRejectedError(
            "The file is not a JPEG, PNG or WebP image.", code="unsupported_format", attr=field
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRejectedError("The image cannot be decoded.", code="corrupt", attr=field) from exc
    stem = uuid.uuid4().hex
    extension, options = FORMATS[source_format]
    content = ContentFile(_encode(pixels, source_format, options), name=f"{stem}.{extension}")
    thumb = _thumbnail(content, rules, stem) if thumbnail else None
    return CleanImage(content, thumb, pixels.width, pixels.height)


def _too_many_pixels(rules: ImageRules, field: str) -> ImageRejectedError:
    return ImageRejectedError(
        f"The image must not exceed {rules.max_pixels} pixels.", code="too_many_pixels", attr=field
    )


def _without_metadata(img: Image.Image, source_format: str) -> Image.Image:
    """A copy of the pixels in a mode the format can write, with an empty `info` (no EXIF, ICC, text)."""
    has_alpha = img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info
    mode = "RGBA" if has_alpha and source_format != "JPEG" else "RGB"
    clean = img.convert(mode)
    clean.info = {}
    return clean


def _encode(img: Image.Image, image_format: str, options: dict) -> bytes:
    out = io.BytesIO()
    img.save(out, format=image_format, **options)
    return out.getvalue()


def _thumbnail(content: ContentFile, rules: ImageRules, stem: str) -> ContentFile:
    """The thumbnail (longest side at most `rules.thumbnail_px`, never upscaled) of the clean image."""
    content.seek(0)
    spec = _Thumbnail(source=content)
    spec.processors = [ResizeToFit(rules.thumbnail_px, rules.thumbnail_px, upscale=False)]
    data = spec.generate().read()
    content.seek(0)
    return ContentFile(data, name=f"{stem}_thumb.webp")


class MediaFiles:
    """Saves and deletes image files through a Django storage (the default one unless given).

    Args:
        rules: the limits uploads are checked against.
        storage: where files go; None means `default_storage` (STORAGES["default"]).
    """

    def __init__(self, rules: ImageRules, storage: Storage | None = None) -> None:
        self.rules = rules
        self._storage = storage

    @property
    def storage(self) -> Storage:
        """The storage in use (resolved per call, so tests overriding STORAGES are honoured)."""
        return self._storage or default_storage

    def save(self, folder: str, image: CleanImage) -> tuple[str, str]:
        """Store an image and its thumbnail under `folder`; returns their storage names (image, thumbnail).

        The thumbnail's name is "" when the image has none. When the thumbnail cannot be stored
        the image is removed again before the error propagates.
        """
        name = self.storage.save(f"{folder}/{image.content.name}", image.content)
        if image.thumbnail is None:
            return name, ""
        try:
            thumbnail = self.storage.save(f"{folder}/{image.thumbnail.name}", image.thumbnail)
        except Exception:
            self.storage.delete(name)
            raise
        return name, thumbnail

    def delete_now(self, *names: str) -> None:
        """Delete stored files (empty names are skipped); for undoing a write that failed."""
        for name in names:
            if name:
                self.storage.delete(name)

    def delete_on_commit(self, *names: str) -> None:
        """Delete stored files once the current transaction commits (nothing happens on rollback)."""
        transaction.on_commit(lambda: self.delete_now(*names))

    def url(self, name: str | None) -> str | None:
        """The public URL of a stored file, or None for an empty name."""
        return self.storage.url(name) if name else None

    @transaction.atomic
    def replace_upload(self, instance: Model, field: str, upload, *, folder: str) -> None:
        """Validate `upload`, store it under `folder`, point `instance.<field>` at it and save that field.

        For single-image fields (a category's image, a user's avatar; no thumbnail). Call it inside
        a transaction holding the row's lock. The file it replaces is deleted after commit; when
        saving the row fails, the new file is deleted before the error propagates.

        Raises:
            ImageRejectedError: the upload is not an acceptable image (attr "image"); nothing is stored.
        """
        image = clean_image(upload, self.rules, thumbnail=False)
        old = getattr(instance, field).name
        name, _ = self.save(folder, image)
        try:
            setattr(instance, field, name)
            instance.save(update_fields=[field, "updated_at"])
        except Exception:
            self.delete_now(name)
            raise
        self.delete_on_commit(old)
