"""One access-log line per request, cheap enough to write for every inbound activity.

aiohttp's default line formats a timestamp (the log formatter already has one),
looks up several headers and builds a dictionary of extras for each request;
on a busy shared inbox that cost as much as checking the activity's digest.
This line keeps what an operator reads: who asked, what, the answer, how long.
"""

from __future__ import annotations

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse


class AccessLog(AbstractAccessLogger):
    """``METHOD path status size duration remote "user-agent"`` at INFO on aiohttp.access
    (the size counts the headers, as aiohttp's own line does).

    An activity accepted into an inbox (202) gets no line here: the inbox worker logs
    one for it (id, type, actor, outcome) once it is processed, and every refusal is
    logged with its reason code, so the line would only repeat them.
    """

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        if response.status == 202 and request.path.endswith("/inbox"):
            return
        self.logger.info(
            '%s %s %d %d %.1fms %s "%s"',
            request.method,
            request.path_qs,
            response.status,
            response.body_length,
            time * 1000,
            request.remote or "-",
            request.headers.get("User-Agent", "-"),
        )
