"""Reading requests: bounded bodies, and BodyPolicy: typed JSON bodies and query strings,
the same checks on every surface."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import msgspec
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect, Request

from dialbook.errors import (
    DialbookError,
    FieldError,
    InvalidInput,
    MalformedRequest,
    PayloadTooLarge,
)
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
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
            chunks.append(chunk)
    except ClientDisconnect:
        # An answer nobody will read, instead of an error logged with its traceback
        # (a load generator stopping mid-request, a dialer timing out).
        raise MalformedRequest("The connection closed before the whole body arrived.") from None
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


async def save_upload(request: Request, directory: Path, *, limit: int) -> tuple[Path, str | None]:
    """Stream an upload to a new file in ``directory``, named ``<32 hex digits>.upload``:
    the multipart field ``file`` (a form the surface has read already, as the console does
    for its CSRF token, is the one used), or else the raw request body. The file and the
    name the client gave it; 413 past ``limit`` bytes, 400 when it is empty (the file is
    removed then)."""
    directory.mkdir(parents=True, exist_ok=True)
    path, size, name = directory / f"{uuid.uuid4().hex}.upload", 0, None
    try:
        with path.open("xb") as handle:
            if request.headers.get("content-type", "").startswith("multipart/form-data"):
                async with request.form(max_part_size=limit) as form:
                    upload = form.get("file")
                    if not isinstance(upload, UploadFile):
                        raise MalformedRequest("Send the file in a multipart field named 'file'.")
                    name = upload.filename
                    size = await copy_upload(upload, handle, limit)
            else:
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > limit:
                        raise PayloadTooLarge(f"The file is larger than {limit} bytes.")
                    handle.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if size == 0:
        path.unlink(missing_ok=True)
        raise MalformedRequest("The upload is empty.")
    return path, name


# A \u0000 escape (not an escaped backslash followed by "u0000"): PostgreSQL cannot store it.
_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)

# How a surface reports input that does not fit the declared Struct: the members it does
# not know (only when it refuses them) and msgspec's error (None when only members were
# unknown), for the Struct ``type_``.
Invalid = Callable[[list[str], msgspec.ValidationError | None, Any], DialbookError]


def invalid_fields(
    unknown: list[str], error: msgspec.ValidationError | None, type_: Any
) -> DialbookError:
    """One field error per unknown member and one for msgspec's error (the native API's)."""
    fields = [FieldError(name, "is not a known field") for name in unknown]
    if error is not None:
        fields.append(field_error(error, type_))
    return InvalidInput(fields=fields)


@dataclass(frozen=True, slots=True)
class BodyPolicy:
    """How the endpoints of one Router read their JSON bodies (and query strings): every
    body goes through the same checks, in order (size, emptiness, UTF-8, JSON syntax with
    the Content-Type named when it is not JSON, the declared Struct, NUL characters), and
    every failure is a DialbookError the surface renders in its own shape. A surface only
    chooses what its platform does differently."""

    # An empty body reads as ``{}`` (HighLevel), instead of a 400. (One endpoint can say the
    # same of its body alone: ``Router.route(optional_body=True)``.)
    empty_is_object: bool = False
    # Members the Struct does not know are refused, all of them named at once (HighLevel's
    # whitelisting validator, Nedzo), instead of ignored; and so are query parameters.
    refuse_unknown: bool = False
    refuse_unknown_params: bool = False
    invalid: Invalid = invalid_fields

    def body(self, raw: bytes, type_: type[T], content_type: str | None = None) -> T:
        if not raw.strip():
            if not self.empty_is_object:
                raise MalformedRequest("The request body is empty; send a JSON object.")
            raw = b"{}"
        if not raw.isascii():  # JSON is UTF-8; msgspec skips unknown members without checking
            try:
                raw.decode()
            except UnicodeDecodeError:
                raise MalformedRequest(
                    "The request body is not valid JSON: not UTF-8 text."
                ) from None
        try:
            if self.refuse_unknown:
                decoded = self._known(msgspec.json.decode(raw), type_, strict=True)
            else:
                decoded = msgspec.json.decode(raw, type=type_)
        except msgspec.ValidationError as error:
            raise self.invalid([], error, type_) from None
        except msgspec.DecodeError as error:
            media = (content_type or "").split(";")[0].strip().lower()
            if media and "json" not in media:
                raise MalformedRequest(
                    f"The API takes a JSON body (Content-Type: application/json), but this "
                    f"request sent Content-Type: {media} and its body is not JSON ({error})."
                ) from None
            raise MalformedRequest(f"The request body is not valid JSON: {error}.") from None
        except RecursionError:  # msgspec's guard against deeply nested arrays and objects
            raise MalformedRequest(
                "The request body is not valid JSON: nested too deeply."
            ) from None
        _refuse_nul(raw, decoded)
        return decoded

    def query(self, params: dict[str, Any], type_: type[T]) -> T:
        found = nul_errors(params)  # %00 in a query string: no backend compares such text
        if found:
            raise InvalidInput(fields=found)
        try:
            if self.refuse_unknown_params:
                return self._known(params, type_, strict=False)
            return msgspec.convert(params, type_, strict=False)
        except msgspec.ValidationError as error:
            raise self.invalid([], error, type_) from None

    def _known(self, data: Any, type_: type[T], *, strict: bool) -> T:
        """``data`` as ``type_``, refusing every member ``type_`` does not know."""
        if not isinstance(data, dict):
            raise MalformedRequest("The request body must be a JSON object.")
        known = set(getattr(type_, "__struct_encode_fields__", ()))
        unknown = [str(name) for name in data if name not in known]
        if not unknown:
            return msgspec.convert(data, type_, strict=strict)
        error = None
        try:
            msgspec.convert({k: v for k, v in data.items() if k in known}, type_, strict=strict)
        except msgspec.ValidationError as found:
            error = found
        raise self.invalid(unknown, error, type_)


NATIVE = BodyPolicy()


def _refuse_nul(body: bytes, decoded: Any) -> None:
    """A field error for each text of ``decoded`` holding a NUL character, which PostgreSQL
    cannot store (a NUL in a member the surface ignores is dropped with it)."""
    if b"u0000" in body.lower() and _NUL.search(body):
        found = nul_errors(msgspec.to_builtins(decoded))
        if found:
            raise InvalidInput(fields=found)


def decode_query(params: dict[str, Any], type_: type[T]) -> T:
    return NATIVE.query(params, type_)
