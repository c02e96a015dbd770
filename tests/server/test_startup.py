"""What ``serve`` does to the app before it listens: routes built up front answer exactly
as lazily built ones."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import PASSWORD

from ontolabel.server.app import build_routes, create_app
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace


def test_routes_built_up_front_answer_as_lazily_built_ones(
    workspace: Workspace, owner: UserInfo
) -> None:
    lazy, eager = create_app(workspace), create_app(workspace)
    build_routes(eager)
    build_routes(eager)  # a second time changes nothing
    answers = []
    for app in (lazy, eager):
        with TestClient(app) as client:
            login = {"username": owner.username, "password": PASSWORD}
            assert client.post("/api/auth/login", json=login).status_code == 200
            answers.append(
                [
                    (r.status_code, r.json())
                    for r in (
                        client.get("/api/auth/me"),
                        client.get("/api/projects"),
                        client.get("/api/formats"),
                        client.get("/api/items/12345/annotation"),
                        client.get("/api/no/such/route"),
                    )
                ]
            )
    assert answers[0] == answers[1]
    assert [status for status, _ in answers[1]] == [200, 200, 200, 404, 404]
