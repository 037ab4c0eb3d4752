"""Files sent by the bot: storing uploads, resolving file_ids, describing images."""

from __future__ import annotations

import mimetypes
import struct
from typing import Any

from .models import ApiError, bad_request
from .spec import UploadedFile
from .state import StoredFile, World

__all__ = ["document_payload", "image_size", "photo_payload", "resolve_input_file"]

DOCUMENT_LIMIT = 50 * 1024 * 1024
PHOTO_LIMIT = 10 * 1024 * 1024


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, JPEG, GIF or WebP image; None if it is not one."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP" and len(data) >= 30:
        if data[12:16] == b"VP8X":
            width = int.from_bytes(data[24:27], "little") + 1
            height = int.from_bytes(data[27:30], "little") + 1
            return width, height
        if data[12:16] == b"VP8 ":
            width, height = struct.unpack("<HH", data[26:30])
            return int(width) & 0x3FFF, int(height) & 0x3FFF
        if data[12:16] == b"VP8L" and len(data) >= 25:
            bits = int.from_bytes(data[21:25], "little")
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        return None
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            index += 2
            continue
        (length,) = struct.unpack(">H", data[index + 2 : index + 4])
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return int(width), int(height)
        index += 2 + int(length)
    return None


def resolve_input_file(world: World, value: Any, kind: str) -> StoredFile:
    """Store an upload, or find the file a file_id names."""
    if isinstance(value, UploadedFile):
        return _store_upload(world, value, kind)
    if isinstance(value, str):
        known = world.files.get(value)
        if known is not None:
            return known
        if value.startswith(("http://", "https://")):
            raise bad_request("failed to get HTTP URL content (the stand-in fetches no URLs)")
        if value.startswith("attach://"):
            raise bad_request(f"file {value} not found in the request")
    raise bad_request("wrong file identifier/HTTP URL specified")


def _store_upload(world: World, upload: UploadedFile, kind: str) -> StoredFile:
    size = len(upload.data)
    if size == 0:
        raise bad_request("file must be non-empty")
    limit = PHOTO_LIMIT if kind == "photo" else DOCUMENT_LIMIT
    if size > limit:
        raise ApiError(413, "Request Entity Too Large")
    mime_type = upload.mime_type or "application/octet-stream"
    if mime_type == "application/octet-stream":
        mime_type = mimetypes.guess_type(upload.file_name)[0] or mime_type
    file_id, unique_id, number = world.new_file_ids(kind)
    extension = (upload.file_name.rsplit(".", 1)[-1] if "." in upload.file_name else "").lower()
    folder = "photos" if kind == "photo" else "documents"
    stored = StoredFile(
        file_id=file_id,
        file_unique_id=unique_id,
        file_path=f"{folder}/file_{number}{'.' + extension if extension else ''}",
        file_name=upload.file_name,
        mime_type=mime_type,
        data=upload.data,
    )
    world.files[file_id] = stored
    return stored


def document_payload(stored: StoredFile) -> dict[str, Any]:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_name": stored.file_name,
        "mime_type": stored.mime_type,
        "file_size": len(stored.data),
    }


def photo_payload(stored: StoredFile) -> list[dict[str, Any]]:
    size = image_size(stored.data)
    if size is None:
        raise bad_request("IMAGE_PROCESS_FAILED")
    width, height = size
    if (
        width <= 0
        or height <= 0
        or width + height > 10000
        or max(width, height) > 20 * min(width, height)
    ):
        raise bad_request("PHOTO_INVALID_DIMENSIONS")
    return [
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": width,
            "height": height,
            "file_size": len(stored.data),
        }
    ]
