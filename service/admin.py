"""Administrative endpoints (admin key): hot model reload."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from model.errors import ModelLoadError
from service.auth import ADMIN, require
from service.errors import Unprocessable
from service.formatting import model_ref
from service.parsing import read_json_object

__all__ = ["bp"]

bp = Blueprint("admin", __name__)


@bp.post("/v1/admin/reload")
@require(ADMIN)
def reload_model():
    """Verify and swap in a model version (default: the one ``current`` names).

    With ``{"version": "..."}`` the version is also promoted (``current`` points at it) so
    every worker follows. A bad artifact answers 422 and the old model keeps serving.
    """
    body = read_json_object(request) if request.get_data(cache=True) else {}
    version = body.get("version")
    if version is not None and (not isinstance(version, str) or not version):
        raise Unprocessable("'version' must be a non-empty string naming a model version",
                            code="invalid_type")
    holder = current_app.extensions["model_holder"]
    old = holder.get()
    metrics = current_app.extensions["metrics"]
    try:
        new = holder.reload(version, promote=version is not None)
    except ModelLoadError as exc:
        metrics.reloads.labels("refused").inc()
        raise Unprocessable(f"model refused, still serving "
                            f"{old.version if old else 'nothing'}: {exc}",
                            code="model_refused") from None
    metrics.reloads.labels("loaded").inc()
    metrics.set_model(new.version)
    return jsonify({"previous": model_ref(old) if old else None, "model": model_ref(new)})
