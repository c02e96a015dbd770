"""Projects, their ontology versions and members."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from ontolabel.core.modality import Modality
from ontolabel.core.ontology.document import OntologyDocument
from ontolabel.errors import NotFound
from ontolabel.server.auth import CurrentUser, WorkspaceDep
from ontolabel.server.components import ShapedLike
from ontolabel.server.errors import ERROR_RESPONSES, ErrorBody
from ontolabel.services import projects, users
from ontolabel.services.access import Role
from ontolabel.services.projects import MemberInfo, ProjectInfo, ProjectSummary

router = APIRouter(prefix="/api/projects", tags=["projects"], responses=ERROR_RESPONSES)

# Kept as the raw document: the ontology loader checks it and names the file and path of
# every problem, which a 422 from request parsing would not. The document still shows its
# shape, so clients get typed classes, attributes and relations.
OntologyJson = Annotated[dict[str, Any], ShapedLike(OntologyDocument)]


class NewProjectRequest(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    modality: Modality
    ontology: OntologyJson = Field(description="the ontology document (as in its YAML/JSON file)")
    guideline: str = ""


class OntologyRequest(BaseModel):
    document: OntologyJson


class OntologyBody(BaseModel):
    version: int
    document: OntologyJson
    json_schema: dict[str, Any] = Field(description="JSON Schema of an annotation under it")


class MemberRequest(BaseModel):
    username: str
    role: Role


@router.get("")
def list_projects(user: CurrentUser, ws: WorkspaceDep) -> list[ProjectSummary]:
    """Projects the caller can see, with item and (caller's) submitted counts."""
    return projects.list_projects(ws, user_id=user.id)


@router.post("", status_code=201, responses={409: {"model": ErrorBody}})
def create_project(body: NewProjectRequest, user: CurrentUser, ws: WorkspaceDep) -> ProjectInfo:
    return projects.create_project(
        ws,
        name=body.name,
        modality=body.modality,
        ontology=body.ontology,
        user_id=user.id,
        description=body.description,
        guideline=body.guideline,
    )


@router.get("/{project_id}")
def get_project(project_id: int, user: CurrentUser, ws: WorkspaceDep) -> ProjectInfo:
    return projects.get_project(ws, project_id, user_id=user.id)


@router.get("/{project_id}/ontology")
def get_ontology(project_id: int, user: CurrentUser, ws: WorkspaceDep) -> OntologyBody:
    current = projects.get_ontology(ws, project_id, user_id=user.id)
    schema = projects.ontology_json_schema(ws, project_id, user_id=user.id)
    return OntologyBody(version=current.version, document=current.document, json_schema=schema)


@router.put("/{project_id}/ontology")
def put_ontology(
    project_id: int, body: OntologyRequest, user: CurrentUser, ws: WorkspaceDep
) -> OntologyBody:
    """Store a new ontology version (owners); 422 lists every problem of the document."""
    stored = projects.set_ontology(ws, project_id, body.document, user_id=user.id)
    schema = projects.ontology_json_schema(ws, project_id, user_id=user.id)
    return OntologyBody(version=stored.version, document=stored.document, json_schema=schema)


@router.get("/{project_id}/members")
def list_members(project_id: int, user: CurrentUser, ws: WorkspaceDep) -> list[MemberInfo]:
    return projects.list_members(ws, project_id, user_id=user.id)


@router.put("/{project_id}/members")
def set_member(
    project_id: int, body: MemberRequest, user: CurrentUser, ws: WorkspaceDep
) -> MemberInfo:
    """Add a user to the project or change their role (owners)."""
    member = users.get_user_by_name(ws, body.username)
    if member is None:
        raise NotFound(f"no user {body.username!r}")
    return projects.set_member(ws, project_id, member.id, body.role, user_id=user.id)


@router.delete("/{project_id}/members/{member_id}", status_code=204)
def remove_member(project_id: int, member_id: int, user: CurrentUser, ws: WorkspaceDep) -> None:
    projects.remove_member(ws, project_id, member_id, user_id=user.id)
