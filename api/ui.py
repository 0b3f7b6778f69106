"""The review page: a static single-page app (plain HTML, CSS and ES modules in ``api/static``, no build step) served
by the service itself, so that it works without any outside network.

``mount_ui(app)`` adds three things, none of them in the OpenAPI schema:

- ``GET /`` the page (``index.html``), with a Content-Security-Policy that admits only the service's own origin;
- ``/static/...`` its scripts, styles and icon, revalidated on every load (``no-cache`` + ETag), so a new version of
  the page is never mixed with cached modules of the old one;
- ``GET /ui/profile.json`` what the page needs to know about the profile and the API does not say: each field's
  kind and unit (which fields get an interval chart, which a map), the sources' display names, and the gazetteer's
  coordinates (where each report's launch site and landing area are, for the map sketch). The same for everyone:
  it is configuration that ships with the package, not stored data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from reconcile.profile import Profile

STATIC = Path(__file__).with_name("static")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class _RevalidatedFiles(StaticFiles):
    """Static files that the browser must revalidate (cheap: a 304 on an unchanged ETag) before each use."""

    async def get_response(self, path: str, scope: Scope) -> Any:
        response = await super().get_response(path, scope)
        response.headers["Cache-Control"] = "no-cache"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def profile_doc(profile: Profile) -> dict[str, Any]:
    """Fields (kind, unit, category labels), sources (display name, zone) and places (name, kind, coordinates of
    the place or of its nearest ancestor, radius) of a profile."""
    rt = profile.runtime()
    fields = []
    for name, spec in profile.fields.items():
        field: dict[str, Any] = {"name": name, "kind": spec.kind, "unit": spec.unit}
        if spec.kind == "category" and spec.taxonomy in profile.taxonomies:
            field["labels"] = {code: term.label for code, term in profile.taxonomies[spec.taxonomy].terms.items()}
        fields.append(field)
    sources = [{"code": code, "name": spec.name, "zone": spec.zone} for code, spec in profile.sources.items()]
    places = []
    for p in profile.places:
        coords = rt.gazetteer.coordinates(p.id)
        places.append({"id": p.id, "name": p.name, "kind": p.kind, "lat": coords[0] if coords else None,
                       "lon": coords[1] if coords else None, "radius_km": p.radius_km})
    return {"name": profile.name, "title": profile.title, "date_zone": profile.date_zone, "summary": profile.summary,
            "fields": fields, "sources": sources, "places": places}


def mount_ui(app: FastAPI) -> None:
    """Serve the review page at ``/`` and its assets at ``/static``. Calling it twice changes nothing."""
    if getattr(app.state, "ui_mounted", False):
        return
    app.state.ui_mounted = True

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html", headers={
            "Cache-Control": "no-cache", "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer"})

    @app.get("/ui/profile.json", include_in_schema=False)
    def ui_profile(request: Request) -> JSONResponse:
        state = request.app.state
        if getattr(state, "ui_profile", None) is None:
            state.ui_profile = profile_doc(state.store.profile)
        return JSONResponse(state.ui_profile, headers={"Cache-Control": "no-cache"})

    app.mount("/static", _RevalidatedFiles(directory=STATIC), name="static")
