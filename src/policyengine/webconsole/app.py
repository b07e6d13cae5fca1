"""The Starlette application of the web console: pages, state, server-sent events, changes.

Routes (``TOKEN`` is the facilitator's random token; every ``/facilitator`` request must carry it
as ``?token=``, else 403):

- ``GET /player`` the players' page; ``GET /player/events`` its live state (server-sent events);
- ``GET /facilitator?token=`` the facilitator's page; ``GET /facilitator/events?token=`` its state;
- ``POST /facilitator/act?token=`` one change, ``{"seq": N, "op": ..., "args": {...}}``: 409 when
  ``seq`` is not the log's (a stale tab, a double click), 422 with the reason (in both languages)
  when the controller refuses it, 400 for a malformed request;
- ``GET /facilitator/resolve?token=&text=`` what an entry would be recorded as ("did you mean");
- ``GET /static/console.js`` and ``/static/console.css``: the page's script and style, shipped
  with the package (no external URL is ever loaded: the Content-Security-Policy forbids it).
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator
from importlib import resources

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from policyengine.errors import PolicyEngineError
from policyengine.text import t
from policyengine.webconsole.console import BadRequest, NotDone, Stale, WebConsole
from policyengine.webconsole.pages import page

#: Sent with every response: nothing from another origin, no framing, no referrer (the
#: facilitator's URL holds its token), nothing cached.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
        "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}

#: Seconds between keep-alive comments on an idle event stream.
KEEPALIVE = 15.0
STATIC = {"console.js": "text/javascript", "console.css": "text/css"}


def new_token() -> str:
    """The facilitator's token: 128 random bits, URL-safe."""
    return secrets.token_urlsafe(16)


def create_app(console: WebConsole, token: str, *, hosts: list[str] | None = None) -> Starlette:
    """The application serving ``console``; ``hosts`` are the Host headers accepted (None: any)."""

    def authorised(request: Request) -> bool:
        given = request.query_params.get("token", "")
        return secrets.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))

    def forbidden() -> Response:
        return PlainTextResponse("403: the facilitator's token is missing or wrong\n", status_code=403)

    def lang_of(request: Request) -> str:
        lang = request.query_params.get("lang", "")
        return lang if lang in ("ja", "en") else console.lang

    async def root(request: Request) -> Response:
        return RedirectResponse("/player", status_code=303)

    async def player(request: Request) -> Response:
        return _html(page("player", lang_of(request)))

    async def facilitator(request: Request) -> Response:
        if not authorised(request):
            return forbidden()
        return _html(page("facilitator", lang_of(request)))

    async def player_state(request: Request) -> Response:
        return _json_text(console.snapshot().player)

    async def facilitator_state(request: Request) -> Response:
        if not authorised(request):
            return forbidden()
        return _json_text(console.snapshot().facilitator)

    async def player_events(request: Request) -> Response:
        return _events(request, console, "player")

    async def facilitator_events(request: Request) -> Response:
        if not authorised(request):
            return forbidden()
        return _events(request, console, "facilitator")

    async def act(request: Request) -> Response:
        if not authorised(request):
            return forbidden()
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return _error(415, "send application/json")
        try:
            body = json.loads(await request.body())
        except ValueError:
            return _error(400, "the request is not JSON")
        if not isinstance(body, dict):
            return _error(400, "the request must be a JSON object")
        seq, op, args = body.get("seq"), body.get("op"), body.get("args", {})
        if not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(op, str):
            return _error(400, "the request needs 'seq' (a number) and 'op' (text)")
        if not isinstance(args, dict):
            return _error(400, "'args' must be an object")
        try:
            snapshot = await run_in_threadpool(console.apply, seq, op, args)
        except Stale as stale:
            return JSONResponse(
                {"error": "stale", "message": str(stale), "seq": stale.now}, 409, headers=SECURITY_HEADERS
            )
        except NotDone as refused:
            return _refused(refused)
        except BadRequest as bad:
            return _error(400, str(bad))
        return _json_text(snapshot.facilitator)

    async def report(request: Request) -> Response:
        """The after-action report (AAR/IP) of the session, once its last move has ended."""
        if not authorised(request):
            return forbidden()
        lang = lang_of(request)
        if not console.finished:
            return _error(409, t("web.report_not_yet", lang))
        try:
            html = await run_in_threadpool(_report_html, console.log_path, lang)
        except PolicyEngineError as exc:
            return _error(409, str(exc))
        return Response(html, media_type="text/html; charset=utf-8", headers=REPORT_HEADERS)

    async def resolve(request: Request) -> Response:
        if not authorised(request):
            return forbidden()
        try:
            resolved = await run_in_threadpool(console.resolve, request.query_params.get("text", ""))
        except NotDone as refused:
            return _refused(refused)
        return JSONResponse(resolved, headers=SECURITY_HEADERS)

    async def favicon(request: Request) -> Response:
        return Response(status_code=204, headers=SECURITY_HEADERS)

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return PlainTextResponse("404\n", status_code=404)
        body = resources.files("policyengine.webconsole").joinpath("static", name).read_bytes()
        return Response(body, media_type=STATIC[name], headers=SECURITY_HEADERS)

    routes = [
        Route("/", root),
        Route("/player", player),
        Route("/player/state", player_state),
        Route("/player/events", player_events),
        Route("/facilitator", facilitator),
        Route("/facilitator/state", facilitator_state),
        Route("/facilitator/events", facilitator_events),
        Route("/facilitator/act", act, methods=["POST"]),
        Route("/facilitator/resolve", resolve),
        Route("/facilitator/report", report),
        Route("/favicon.ico", favicon),
        Route("/static/{name}", static),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=hosts)] if hosts else []
    return Starlette(routes=routes, middleware=middleware)


#: The report is a document of its own styles and no script: inline styles only, nothing else.
REPORT_HEADERS = {
    **SECURITY_HEADERS,
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    ),
}


def _report_html(log_path: str, lang: str) -> str:
    """The AAR/IP of a finished session's log, as ``exercise report LOG --format html`` draws it."""
    from policyengine.exercise.report import build_report
    from policyengine.exercise.session import open_log
    from policyengine.render.aar import render_report

    return render_report(build_report(open_log(log_path)), "html", lang)


def _html(body: str) -> Response:
    return Response(body, media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)


def _json_text(body: str) -> Response:
    return Response(body, media_type="application/json", headers=SECURITY_HEADERS)


def _error(status: int, message: str) -> Response:
    return JSONResponse({"error": "bad-request", "message": message}, status, headers=SECURITY_HEADERS)


def _refused(refused: NotDone) -> Response:
    """A change the controller refused: 422, its code and its reason in both languages."""
    data = {"error": refused.code, "message": refused.messages}
    return JSONResponse(data, 422, headers=SECURITY_HEADERS)


def _events(request: Request, console: WebConsole, role: str) -> Response:
    """The state of ``role``'s page now and after every change, as server-sent events."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    unsubscribe = console.subscribe(queue)

    async def stream() -> AsyncIterator[str]:
        try:
            shown = -1
            yield "retry: 1000\n\n"
            while True:
                snapshot = console.snapshot()
                if snapshot.version != shown:
                    shown = snapshot.version
                    data = snapshot.player if role == "player" else snapshot.facilitator
                    yield f"event: state\ndata: {data}\n\n"
                if console.closing:
                    return
                try:
                    if await asyncio.wait_for(queue.get(), KEEPALIVE) < 0:
                        return  # the server is stopping
                except TimeoutError:
                    yield ": keep-alive\n\n"
        finally:
            unsubscribe()

    headers = {**SECURITY_HEADERS, "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)
