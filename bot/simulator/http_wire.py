"""The emulator's HTTP side: a threaded server on 127.0.0.1, its request handler, and reading
what PTB sends (JSON, form fields, multipart, chunked bodies)."""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import json
import socket
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.simulator.emulated_chats import ApiError

# Parameters that arrive JSON-encoded in form fields (PTB sends non-string values that way).
_JSON_FIELDS = {"reply_markup", "commands", "scope", "allowed_updates", "entities",
                "caption_entities", "link_preview_options", "reply_parameters",
                "drop_pending_updates", "show_alert", "disable_notification",
                "protect_content", "offset", "limit", "timeout", "chat_id", "message_id",
                "latitude", "longitude", "duration", "cache_time", "disable_web_page_preview"}


def make_handler(api: Any) -> type[BaseHTTPRequestHandler]:
    """The request handler of one emulator: every request becomes ``api.call(method, ...)``."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects

        def setup(self) -> None:
            super().setup()  # headers and body go out in two writes: no Nagle delay
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:
            self._serve(b"")

        def do_POST(self) -> None:
            body = _read_body(self)
            if body is None:  # the sender died mid-request: Telegram never saw it
                self.close_connection = True
                return
            self._serve(body)

        def _serve(self, body: bytes) -> None:
            path = urlsplit(self.path)
            prefix = f"/bot{api.token}/"
            if not path.path.startswith(prefix):
                self._answer(_error(ApiError(401 if path.path.startswith("/bot") else 404,
                                             "Unauthorized" if path.path.startswith("/bot")
                                             else "Not Found")))
                return
            method = path.path[len(prefix):].strip("/").lower()
            try:
                params, files = _parse(self.headers.get("Content-Type", ""), body,
                                       path.query)
                result: Any = {"ok": True, "result": api.call(method, params, files)}
                status = 200
            except ApiError as exc:
                result, status = _error(exc)
                api.errors[f"{exc.code} {exc.description}"] += 1
            except Exception as exc:  # a request the emulator does not understand
                result, status = _error(ApiError(400, f"Bad Request: {exc!r}"))
                api.errors[f"emulator could not handle {method}: {exc!r}"] += 1
            if method != "getupdates" and api._should_drop(method):
                with api._lock:
                    api.dropped += 1
                self.close_connection = True  # handled, but the answer is lost
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            self._answer((result, status))

        def _answer(self, answer: tuple[dict, int]) -> None:
            result, status = answer
            data = json.dumps(result, ensure_ascii=False).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the bot was killed while it waited
                self.close_connection = True

        def log_message(self, *args: object) -> None:
            return None

    return Handler


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        return None  # a killed bot drops its connections mid-request: nothing to report


def _read_body(handler: BaseHTTPRequestHandler) -> bytes | None:
    """The whole body, or None when the connection ended before it was complete."""
    try:
        if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return b"".join(_chunks(handler))
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
    except (OSError, ValueError, EOFError):
        return None
    return body if len(body) == length else None


def _chunks(handler: BaseHTTPRequestHandler) -> Iterator[bytes]:
    while True:
        line = handler.rfile.readline()
        if not line:
            raise EOFError("connection closed inside a chunked body")
        size = int(line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            handler.rfile.readline()
            return
        chunk = handler.rfile.read(size)
        if len(chunk) < size:
            raise EOFError("connection closed inside a chunk")
        yield chunk
        handler.rfile.readline()


def _parse(content_type: str, body: bytes, query: str
           ) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    params: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query).items()}
    files: dict[str, tuple[str, bytes]] = {}
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json" and body:
        params.update(json.loads(body))
    elif kind == "multipart/form-data":
        head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            filename = part.get_filename()
            payload = part.get_payload(decode=True) or b""
            if filename is not None:
                files[name] = (filename, payload)
            else:
                params[name] = payload.decode("utf-8")
    elif body:
        params.update({k: v[-1] for k, v in
                       parse_qs(body.decode("utf-8"), keep_blank_values=True).items()})
    for key in _JSON_FIELDS & params.keys():
        value = params[key]
        if isinstance(value, str):
            with contextlib.suppress(ValueError):  # else a plain string (an @username, say)
                params[key] = json.loads(value)
    return params, files


def _error(exc: ApiError) -> tuple[dict, int]:
    body: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
    if exc.parameters:
        body["parameters"] = exc.parameters
    return body, exc.code
