"""The practitioner's portrait: checked, shrunk and cleaned before it is kept.

A photo from a phone carries more than a face: the camera, the time and often the
place it was taken (EXIF GPS). So an upload is opened with Pillow only if it is a
JPEG, PNG or WebP, verified, turned upright, reduced to at most 800 pixels a side
and encoded again as a plain JPEG with none of the original's metadata. What is
kept is a new file that only looks like the old one.

``photo_prepare`` needs no database; ``practitioner_photo_save`` and
``practitioner_photo_remove`` write the result, in a row of its own
(``PractitionerPhoto``) so that loading the practitioner never loads the picture.
"""

from __future__ import annotations

import io
from typing import IO, NamedTuple

from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from .models import PractitionerPhoto

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 800
# A small file can still unpack into a huge picture ("decompression bomb"):
# 40 megapixels is more than any phone takes.
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
PHOTO_CONTENT_TYPE = "image/jpeg"
JPEG_QUALITY = 85
# A see-through background becomes the page's own colour (static/css/scales.css).
BACKGROUND = (250, 249, 246)

NOT_A_PICTURE = (
    "This file is not a picture we can use. Please choose a photo saved as JPEG, PNG or WebP."
)
TOO_BIG = "This photo is larger than 5 MB. Please choose a smaller one."


class PhotoError(ValueError):
    """An upload that cannot become her photo; the message is for her to read."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


class PreparedPhoto(NamedTuple):
    data: bytes
    content_type: str
    width: int
    height: int


def _read(uploaded: IO[bytes]) -> bytes:
    """Return the upload's bytes, refusing (before reading) anything over the size cap."""
    size = getattr(uploaded, "size", None)
    if size is not None and size > PHOTO_MAX_BYTES:
        raise PhotoError(TOO_BIG, code="too_big")
    if hasattr(uploaded, "seek"):
        uploaded.seek(0)
    data = uploaded.read(PHOTO_MAX_BYTES + 1)
    if len(data) > PHOTO_MAX_BYTES:
        raise PhotoError(TOO_BIG, code="too_big")
    if not data:
        raise PhotoError(NOT_A_PICTURE, code="not_a_picture")
    return data


def _open(data: bytes) -> Image.Image:
    """Open and check the picture; raise ``PhotoError`` for anything but a whole JPEG, PNG or WebP.

    ``verify`` reads the file's structure without decoding it and leaves the image
    unusable, so the picture is opened a second time to be decoded in full.
    """
    try:
        with Image.open(io.BytesIO(data), formats=PHOTO_FORMATS) as probe:
            width, height = probe.size
            if width * height > PHOTO_MAX_PIXELS:
                raise PhotoError(NOT_A_PICTURE, code="too_many_pixels")
            probe.verify()
        image = Image.open(io.BytesIO(data), formats=PHOTO_FORMATS)
        image.load()
    except PhotoError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise PhotoError(NOT_A_PICTURE, code="not_a_picture") from None
    return image


def _in_srgb(image: Image.Image) -> Image.Image:
    """Return the picture in plain sRGB, so dropping its colour profile leaves its colours."""
    profile = image.info.get("icc_profile")
    if profile and image.mode in ("RGB", "RGBA"):
        try:
            converted = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                ImageCms.createProfile("sRGB"),
                outputMode=image.mode,
            )
        except (ImageCms.PyCMSError, OSError):
            return image  # an unreadable profile: keep the colours as they are
        if converted is not None:
            return converted
    return image


def _flattened(image: Image.Image) -> Image.Image:
    """Return an RGB picture, any transparency laid over the page's background."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, BACKGROUND)
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def photo_prepare(uploaded: IO[bytes]) -> PreparedPhoto:
    """Return the upload as a clean JPEG of at most 800×800 pixels, or raise ``PhotoError``.

    The result is a new image built from the pixels alone: no EXIF (camera, time,
    place), no comments, no colour profile (colours are converted to sRGB first).
    """
    image = _open(_read(uploaded))
    image = ImageOps.exif_transpose(image)  # upright, as the phone showed it
    image = _flattened(_in_srgb(image))
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE), Image.Resampling.LANCZOS)
    # A fresh image holds the pixels and nothing else, whatever Pillow kept in ``info``.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    output = io.BytesIO()
    clean.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return PreparedPhoto(output.getvalue(), PHOTO_CONTENT_TYPE, clean.width, clean.height)


# --- Keeping it -------------------------------------------------------------------


@transaction.atomic
def practitioner_photo_save(*, practitioner_id: int, photo: PreparedPhoto) -> None:
    """Keep this photo as her portrait, replacing any earlier one."""
    PractitionerPhoto.objects.update_or_create(
        practitioner_id=practitioner_id,
        defaults={
            "image": photo.data,
            "content_type": photo.content_type,
            "width": photo.width,
            "height": photo.height,
            "updated_at": timezone.now(),
        },
    )


@transaction.atomic
def practitioner_photo_remove(*, practitioner_id: int) -> None:
    """Remove her portrait; the landing page then shows none."""
    PractitionerPhoto.objects.filter(practitioner_id=practitioner_id).delete()
