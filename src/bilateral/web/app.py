"""The FastAPI app of ``bilateral serve``: pages rendered from the analysis layer's results.

Read-only (GET only), every value escaped by Jinja's autoescape, a ``default-src 'self'`` content
security policy (page scripts are static files; figures travel as JSON), plotly.js served from the
plotly package's own file. Bad input is a 4xx page with the message; a full pool is a 429.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException

from bilateral.errors import BilateralError
from bilateral.web import inputs, pages
from bilateral.web.dashboard import Dashboard, UnknownCase
from bilateral.web.pool import Busy, Pool, TooSlow

log = logging.getLogger("bilateral.web")

CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "X-Frame-Options": "DENY", "Cache-Control": "no-store"}
#: Rendered pages kept (the data page is not cached: the data directory may change under it).
PAGE_CACHE = 256
CACHED = frozenset({"/overview", "/relations", "/evidence", "/negotiation", "/dynamics", "/case"})
#: Seconds after start-up before the default case's parts start computing in the background.
WARM_DELAY = 1.0
NAV = (("overview", "Overview"), ("relations", "Relations"), ("evidence", "Evidence"),
       ("negotiation", "Negotiation"), ("dynamics", "Dynamics"), ("case", "Case"), ("data", "Data"))
DOWNLOAD_FORMATS = ("csv", "json", "parquet")


def plotly_js() -> Path:
    """plotly.js as shipped in the plotly wheel (``plotly/package_data/plotly.min.js``)."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@cache
def injected_style_ids() -> tuple[str, ...]:
    """Ids of the ``<style>`` elements plotly.js's bundle creates at load unless an element with that
    id exists (its MapLibre CSS): the pages carry placeholders so the CSP has nothing to block."""
    text = plotly_js().read_text(encoding="utf-8")
    pattern = r'getElementById\("([0-9a-f]{16,})"\)\)\{var \w+=document\.createElement\("style"\)'
    return tuple(dict.fromkeys(re.findall(pattern, text)))


def environment() -> Environment:
    env = Environment(loader=PackageLoader("bilateral.web", "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals["nav"] = NAV
    env.globals["injected_style_ids"] = injected_style_ids
    return env


def create_app(case: str | Path = "russia-japan", *, store: str | Path | None = None, seed: int = 0,
               runs: int = 1000, workers: int = 2, queue: int = 8, timeout: float = 30.0,
               warm: bool = True) -> FastAPI:
    """The dashboard app for ``case`` (and every built-in case).

    ``workers`` threads run live simulations with at most ``queue`` waiting (then HTTP 429);
    ``timeout`` is the per-request time limit in seconds; ``warm`` starts computing the default
    case's parts in the background at start-up.
    """
    dash = Dashboard(case, store=store, seed=seed, runs=runs, pool=Pool(workers, queue, timeout), warm=warm)
    env = environment()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # warm the parts once the server listens, so that start-up does not wait for pandas and the case
        asyncio.get_running_loop().call_later(WARM_DELAY, dash.warm_up)
        yield
        dash.shutdown()

    app = FastAPI(title="bilateral", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.dashboard = dash

    @app.middleware("http")
    async def _headers(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        for key, value in HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        query = request.query_params
        case_name = context.pop("case", None) or _safe_case(dash, query)
        html = env.get_template(template).render(
            request_path=request.url.path, case=case_name, cases=list(dash.cases), query=dict(query), **context)
        if status_code == 200 and not context.get("pending") and (request.url.path in CACHED
                                                                 or request.url.path.startswith("/evidence/")):
            pages_cache.put(str(request.url), html)
        return HTMLResponse(html, status_code=status_code)

    pages_cache = Rendered(PAGE_CACHE)
    app.state.pages = pages_cache

    @app.middleware("http")
    async def _cached(request: Request, call_next: Any) -> Response:
        html = pages_cache.get(str(request.url)) if request.method == "GET" else None
        if html is not None:
            return HTMLResponse(html, headers=HEADERS)
        return await call_next(request)

    def failure(request: Request, status: int, title: str, message: str, headers: dict[str, str] | None = None
                ) -> Response:
        if request.url.path.startswith(("/api/", "/download/")):
            return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)
        response = render(request, "error.html", status_code=status, title=title, message=message)
        response.headers.update(headers or {})
        return response

    @app.exception_handler(UnknownCase)
    async def _unknown(request: Request, err: UnknownCase) -> Response:
        return failure(request, 404, "Unknown case", str(err))

    @app.exception_handler(BilateralError)
    async def _bad(request: Request, err: BilateralError) -> Response:
        return failure(request, 400, "Bad input", str(err))

    @app.exception_handler(Busy)
    async def _busy(request: Request, err: Busy) -> Response:
        return failure(request, 429, "Busy", f"{err} — try again in a moment", {"Retry-After": "1"})

    @app.exception_handler(TooSlow)
    async def _slow(request: Request, err: TooSlow) -> Response:
        return failure(request, 503, "Too slow", f"{err} — ask for fewer runs, or try again when the work in "
                       "progress is done", {"Retry-After": "5"})

    @app.exception_handler(HTTPException)
    async def _http(request: Request, err: HTTPException) -> Response:
        title = {404: "Not found", 405: "Read-only"}.get(err.status_code, "Error")
        message = {404: f"no page at {request.url.path[:80]}", 405: "this dashboard only reads: use GET"
                   }.get(err.status_code, str(err.detail))
        return failure(request, err.status_code, title, message)

    @app.exception_handler(Exception)
    async def _error(request: Request, err: Exception) -> Response:
        log.exception("error serving %s", request.url.path)
        return failure(request, 500, "Internal error",
                       f"the analysis failed ({type(err).__name__}); the server log has the details")

    @app.get("/", include_in_schema=False)
    async def index(request: Request) -> Response:
        query = f"?case={dash.case_name(request.query_params)}" if request.query_params.get("case") else ""
        return RedirectResponse(f"/overview{query}", status_code=307)

    @app.get("/static/plotly.min.js", include_in_schema=False)
    async def plotly() -> FileResponse:
        return FileResponse(plotly_js(), media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    app.mount("/static", StaticFiles(directory=str(files("bilateral.web") / "static")), name="static")

    @app.get("/health", include_in_schema=False)
    async def health() -> dict[str, Any]:
        return {"ok": True, "cases": list(dash.cases), "pool": {"in_flight": dash.pool.in_flight,
                                                                 "capacity": dash.pool.capacity}}

    @app.get("/overview")
    async def overview(request: Request) -> Response:
        return render(request, "overview.html", **await pages.overview(dash, request.query_params))

    @app.get("/relations")
    async def relations(request: Request) -> Response:
        return render(request, "relations.html", **await pages.relations(dash, request.query_params))

    @app.get("/evidence")
    async def evidence(request: Request) -> Response:
        return render(request, "evidence.html", **await pages.evidence(dash, request.query_params))

    @app.get("/evidence/{hypothesis}")
    async def claim(request: Request, hypothesis: str) -> Response:
        return render(request, "claim.html", **await pages.claim(dash, request.query_params, hypothesis))

    @app.get("/negotiation")
    async def negotiation(request: Request) -> Response:
        return render(request, "negotiation.html", **await pages.negotiation(dash, request.query_params))

    @app.get("/api/negotiation")
    async def live(request: Request) -> JSONResponse:
        body = await dash.pool.run(dash.live, dash.live_request(request.query_params))
        return JSONResponse(body)

    @app.get("/dynamics")
    async def dynamics(request: Request) -> Response:
        return render(request, "dynamics.html", **await pages.dynamics(dash, request.query_params))

    @app.get("/case")
    async def case_page(request: Request) -> Response:
        return render(request, "case.html", **await pages.case(dash, request.query_params))

    @app.get("/data")
    async def data(request: Request) -> Response:
        return render(request, "data.html", **await pages.data(dash, request.query_params))

    @app.get("/download/{name}.{fmt}")
    async def download(request: Request, name: str, fmt: str) -> Response:
        from bilateral.web.render import download as encode

        if fmt not in DOWNLOAD_FORMATS:
            raise inputs.BadInput("format", f"{fmt[:20]!r} is not a download format — use csv, json or parquet")
        frame = await pages.table(dash, request.query_params, name)
        body, media = encode(frame, fmt)
        filename = f"{dash.case_name(request.query_params)}-{name}.{fmt}"
        return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    return app


class Rendered:
    """The last ``size`` rendered pages by URL: a page's results never change while the app runs."""

    def __init__(self, size: int):
        self.size = size
        self._pages: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, url: str) -> str | None:
        with self._lock:
            if url in self._pages:
                self._pages.move_to_end(url)
            return self._pages.get(url)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()

    def put(self, url: str, html: str) -> None:
        with self._lock:
            self._pages[url] = html
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)


def _safe_case(dash: Dashboard, query: Mapping[str, str]) -> str:
    """The request's case for the page frame, or the default when it names an unknown one."""
    try:
        return dash.case_name(query)
    except UnknownCase:
        return dash.default
