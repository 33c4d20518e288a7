"""GET /healthz: 200 {"status": "ok"} when the database answers, 503 otherwise (for load balancers)."""
import time

from flask import Blueprint, jsonify

from webapp.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    started = time.perf_counter()
    try:
        db.execute_sql("SELECT 1").fetchone()
    except Exception as error:  # any database failure means "not ready"
        body = {"status": "error", "database": "unreachable", "error": type(error).__name__}
        response = jsonify(body)
        response.status_code = 503
    else:
        response = jsonify({"status": "ok", "database": "ok",
                            "database_ms": round((time.perf_counter() - started) * 1000, 1)})
    response.headers["Cache-Control"] = "no-store"
    return response
