"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "a dependency does not answer"}})
async def readyz(request: Request) -> JSONResponse:
    """Ready when the database (and the hub's broker, if any) answer."""
    checks: dict[str, str] = {}
    try:
        await run_in_threadpool(request.app.state.db.ping)
        checks["database"] = "ok"
    except Exception as error:  # any failure means "not ready"; the reason is reported
        checks["database"] = f"unavailable: {type(error).__name__}"
    try:
        await request.app.state.hub.check()
        checks["hub"] = "ok"
    except Exception as error:
        checks["hub"] = f"unavailable: {type(error).__name__}"
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", **checks}, 200 if ready else 503
    )
