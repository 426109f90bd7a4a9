"""Reading requests: bounded bodies, typed JSON, typed query strings, msgspec errors."""

from __future__ import annotations

import re
from typing import Any, BinaryIO, TypeVar

import msgspec
from starlette.datastructures import UploadFile
from starlette.requests import Request

from dialbook.errors import InvalidInput, MalformedRequest, PayloadTooLarge
from dialbook.kit.validation import field_error as field_error  # re-exported
from dialbook.kit.validation import nul_errors

T = TypeVar("T")


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, or 413 as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            too_big = int(declared) > limit
        except ValueError:
            raise MalformedRequest("The Content-Length header is not a number.") from None
        if too_big:
            raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


async def copy_upload(upload: UploadFile, handle: BinaryIO, limit: int) -> int:
    """Copy a multipart file part to ``handle`` a megabyte at a time; its size, or 413 as soon
    as it passes ``limit`` bytes."""
    size = 0
    while chunk := await upload.read(1 << 20):
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"The file is larger than {limit} bytes.")
        handle.write(chunk)
    return size


# A \u0000 escape (not an escaped backslash followed by "u0000"): PostgreSQL cannot store it.
_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)


def decode_json(body: bytes, type_: type[T], content_type: str | None = None) -> T:
    """``body`` decoded as JSON into ``type_``. The Content-Type is not checked (curl's ``-d``
    sends JSON as a form), but when the body is not JSON the error says which one came."""
    if not body.strip():
        raise MalformedRequest("The request body is empty; send a JSON object.")
    if not body.isascii():  # JSON is UTF-8; msgspec skips unknown members without checking
        try:
            body.decode()
        except UnicodeDecodeError:
            raise MalformedRequest("The request body is not valid JSON: not UTF-8 text.") from None
    try:
        decoded = msgspec.json.decode(body, type=type_)
    except msgspec.ValidationError as error:
        raise InvalidInput(fields=[field_error(error, type_)]) from None
    except msgspec.DecodeError as error:
        media = (content_type or "").split(";")[0].strip().lower()
        if media and "json" not in media:
            raise MalformedRequest(
                f"The API takes a JSON body (Content-Type: application/json), but this request "
                f"sent Content-Type: {media} and its body is not JSON ({error})."
            ) from None
        raise MalformedRequest(f"The request body is not valid JSON: {error}.") from None
    except RecursionError:  # msgspec's guard against deeply nested arrays and objects
        raise MalformedRequest("The request body is not valid JSON: nested too deeply.") from None
    refuse_nul(body, decoded)
    return decoded


def refuse_nul(body: bytes, decoded: Any) -> None:
    """A field error for each text of ``decoded`` holding a NUL character, which PostgreSQL
    cannot store (a NUL in a member the surface ignores is dropped with it). Every decoder
    of request bodies calls it, the dialects' own included."""
    if b"u0000" in body.lower() and _NUL.search(body):
        found = nul_errors(msgspec.to_builtins(decoded))
        if found:
            raise InvalidInput(fields=found)


def decode_query(params: dict[str, Any], type_: type[T]) -> T:
    """A query string (or a form) into ``type_``; a NUL in any value is refused by name
    (PostgreSQL cannot compare or store it)."""
    found = nul_errors(params)
    if found:
        raise InvalidInput(fields=found)
    try:
        return msgspec.convert(params, type_, strict=False)
    except msgspec.ValidationError as error:
        raise InvalidInput(fields=[field_error(error, type_)]) from None
