"""booking.photos and her photo in the office: checked, shrunk, cleaned, served."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from booking.models import PractitionerPhoto
from booking.photos import (
    NOT_A_PICTURE,
    PHOTO_MAX_BYTES,
    TOO_BIG,
    PhotoError,
    photo_prepare,
    practitioner_photo_save,
)

from ..clock import NOW
from ..staff.helpers import sign_in

pytestmark = pytest.mark.time_machine(NOW, tick=False)

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def picture(
    size=(2000, 1500), image_format="JPEG", mode="RGB", gps=False, orientation=None
) -> bytes:
    """Return a picture as a camera would save it, optionally with GPS and orientation tags."""
    image = Image.new(mode, size, (200, 120, 80, 128) if mode == "RGBA" else (200, 120, 80))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (52.0, 22.0, 0.0), 3: "E", 4: (4.0, 53.0, 0.0)}
    if orientation:
        exif[ORIENTATION] = orientation
    output = io.BytesIO()
    options = {"exif": exif.tobytes()} if image_format in ("JPEG", "WEBP") else {}
    image.save(output, format=image_format, **options)
    return output.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


# --- photo_prepare -------------------------------------------------------------------


def test_it_removes_exif_and_gps_from_a_jpeg():
    original = picture(gps=True)
    assert opened(original).getexif().get_ifd(GPS_IFD)  # the test photo does carry a place

    prepared = photo_prepare(upload(original))

    assert prepared.content_type == "image/jpeg"
    result = opened(prepared.data)
    assert result.format == "JPEG"
    assert not result.getexif()
    assert b"Exif" not in prepared.data
    assert b"PhoneMaker" not in prepared.data
    assert "icc_profile" not in result.info


def test_it_shrinks_a_large_photo_to_800_pixels_keeping_its_shape():
    prepared = photo_prepare(upload(picture(size=(2000, 1500))))
    assert (prepared.width, prepared.height) == (800, 600)
    assert opened(prepared.data).size == (800, 600)


def test_it_leaves_a_small_photo_its_size():
    prepared = photo_prepare(upload(picture(size=(300, 400))))
    assert (prepared.width, prepared.height) == (300, 400)


def test_it_turns_a_phone_photo_upright_before_dropping_the_orientation():
    prepared = photo_prepare(upload(picture(size=(1600, 1200), orientation=6)))
    assert (prepared.width, prepared.height) == (600, 800)


def test_it_takes_a_png_with_transparency_as_a_jpeg():
    prepared = photo_prepare(upload(picture(image_format="PNG", mode="RGBA"), "me.png"))
    assert opened(prepared.data).format == "JPEG"
    assert opened(prepared.data).mode == "RGB"


def test_it_takes_a_webp():
    prepared = photo_prepare(upload(picture(image_format="WEBP", gps=True), "me.webp"))
    assert opened(prepared.data).format == "JPEG"
    assert not opened(prepared.data).getexif()


@pytest.mark.parametrize(
    "data",
    [
        b"Dear diary, this is not a photo at all.\n" * 10,
        picture(image_format="GIF", mode="RGB"),
        picture()[:2000],  # cut off half-way
        b"",
    ],
    ids=["text", "gif", "truncated", "empty"],
)
def test_it_refuses_anything_but_a_whole_jpeg_png_or_webp(data):
    with pytest.raises(PhotoError) as refused:
        photo_prepare(upload(data))
    assert str(refused.value) == NOT_A_PICTURE


def test_it_refuses_a_photo_over_5_mb_before_reading_it():
    with pytest.raises(PhotoError) as refused:
        photo_prepare(upload(b"\xff" * (PHOTO_MAX_BYTES + 1)))
    assert str(refused.value) == TOO_BIG
    assert refused.value.code == "too_big"


def test_it_refuses_a_picture_that_unpacks_into_too_many_pixels(monkeypatch):
    monkeypatch.setattr("booking.photos.PHOTO_MAX_PIXELS", 100 * 100)
    with pytest.raises(PhotoError) as refused:
        photo_prepare(upload(picture(size=(101, 100), image_format="PNG"), "huge.png"))
    assert refused.value.code == "too_many_pixels"


# --- In the office -------------------------------------------------------------------


def profile_url(practitioner) -> str:
    return f"/admin/booking/practitioner/{practitioner.pk}/change/"


def profile_data(practitioner, **fields) -> dict:
    """Return her profile form as it stands, with ``fields`` changed."""
    data = {
        "user": practitioner.user.pk,
        "display_name": practitioner.display_name,
        "time_zone": practitioner.time_zone,
        "meeting_url": practitioner.meeting_url,
        "contact_email": practitioner.contact_email,
        "confidentiality_note": practitioner.confidentiality_note,
        "inactive_lead_days": "365",
        "keep_records_years": "7",
        "availability_overrides-TOTAL_FORMS": "0",
        "availability_overrides-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return data


@pytest.fixture
def office(client, maya):
    sign_in(client, maya.user)
    return client


def test_it_offers_the_photo_fields_on_her_profile(office, maya):
    page = office.get(profile_url(maya)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'accept="image/jpeg,image/png,image/webp"' in page
    assert "Remove the photo" in page
    assert "No photo yet." in page


def test_it_stores_an_uploaded_photo_small_and_without_exif(office, maya):
    photo = upload(picture(size=(3000, 2000), gps=True))
    response = office.post(profile_url(maya), profile_data(maya, photo_upload=photo))
    assert response.status_code == 302, response.content.decode()[:3000]

    stored = PractitionerPhoto.objects.get(practitioner=maya)
    data = bytes(stored.image)
    assert max(opened(data).size) == 800
    assert (stored.width, stored.height) == (800, 533)
    assert not opened(data).getexif()
    assert b"PhoneMaker" not in data
    assert stored.updated_at == NOW

    page = office.get(profile_url(maya)).content.decode()
    assert f'src="/practitioner/photo.jpg?v={stored.version}"' in page  # the preview


def test_it_refuses_a_text_file_named_jpg_with_a_message(office, maya):
    fake = upload(b"just words, not a picture\n" * 50, name="me.jpg")
    response = office.post(profile_url(maya), profile_data(maya, photo_upload=fake))
    assert response.status_code == 200
    assert NOT_A_PICTURE in response.content.decode()
    assert not PractitionerPhoto.objects.exists()


def test_it_refuses_a_photo_over_5_mb_with_a_message(office, maya):
    big = upload(b"\xff\xd8" + b"\x00" * PHOTO_MAX_BYTES, name="big.jpg")
    response = office.post(profile_url(maya), profile_data(maya, photo_upload=big))
    assert response.status_code == 200
    assert TOO_BIG in response.content.decode()
    assert not PractitionerPhoto.objects.exists()


def test_it_replaces_and_removes_the_photo(office, maya):
    practitioner_photo_save(practitioner_id=maya.pk, photo=photo_prepare(upload(picture())))
    response = office.post(
        profile_url(maya),
        profile_data(maya, photo_upload=upload(picture(size=(400, 400)))),
    )
    assert response.status_code == 302
    assert PractitionerPhoto.objects.get().width == 400

    response = office.post(profile_url(maya), profile_data(maya, photo_remove="on"))
    assert response.status_code == 302
    assert not PractitionerPhoto.objects.exists()


def test_it_keeps_the_photo_when_the_profile_is_saved_without_one(office, maya):
    practitioner_photo_save(practitioner_id=maya.pk, photo=photo_prepare(upload(picture())))
    response = office.post(profile_url(maya), profile_data(maya, bio="Hello."))
    assert response.status_code == 302
    assert PractitionerPhoto.objects.exists()


def test_it_still_refuses_a_file_anywhere_else(office, assessment):
    photo = picture(size=(20, 20))
    for url in (
        f"/book/{assessment.slug}/hold/",
        f"/admin/booking/sessiontype/{assessment.pk}/change/",
    ):
        response = office.post(url, {"upload": upload(photo)})
        assert response.status_code == 400, url


# --- Served --------------------------------------------------------------------------


def test_it_serves_the_photo_cached_and_never_sniffed(client, maya):
    practitioner_photo_save(practitioner_id=maya.pk, photo=photo_prepare(upload(picture())))
    stored = PractitionerPhoto.objects.get()

    response = client.get("/practitioner/photo.jpg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["ETag"] == f'"{stored.version}"'
    assert response.content == bytes(stored.image)
    assert "img-src 'self'" in response["Content-Security-Policy"]


def test_it_answers_not_modified_for_the_same_photo(client, maya):
    practitioner_photo_save(practitioner_id=maya.pk, photo=photo_prepare(upload(picture())))
    etag = client.get("/practitioner/photo.jpg")["ETag"]
    response = client.get("/practitioner/photo.jpg", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""


def test_it_answers_not_found_without_a_photo(client, maya):
    assert client.get("/practitioner/photo.jpg").status_code == 404
