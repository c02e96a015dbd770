"""Answering with a model serialised once.

FastAPI re-validates a returned model against the route's response model before it
serialises it; on the hot routes (item pages, saves) that doubles the work for a value
the services already built and typed. Routes that return ``ModelResponse`` keep
``response_model`` for the OpenAPI document and skip the second pass.
"""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel


class ModelResponse(Response):
    media_type = "application/json"

    def __init__(self, model: BaseModel, status_code: int = 200):
        super().__init__(model.model_dump_json().encode(), status_code=status_code)
