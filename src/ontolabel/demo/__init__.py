"""The demo workspace: one project per scenario of the field, from real media that
installs from PyPI (see ``sources`` and ``wheels``)."""

from ontolabel.demo.accounts import ADMIN_USER, DEMO_PASSWORD, DEMO_USER
from ontolabel.demo.build import DemoReport, ProjectReport, build_demo
from ontolabel.demo.catalog import (
    AUDIO_PROJECT,
    IMAGE_PROJECT,
    MEDICAL_PROJECT,
    POINTCLOUD_PROJECT,
    PROJECTS,
    TEXT_PROJECT,
    VIDEO_PROJECT,
)

__all__ = [
    "ADMIN_USER",
    "AUDIO_PROJECT",
    "DEMO_PASSWORD",
    "DEMO_USER",
    "IMAGE_PROJECT",
    "MEDICAL_PROJECT",
    "POINTCLOUD_PROJECT",
    "PROJECTS",
    "TEXT_PROJECT",
    "VIDEO_PROJECT",
    "DemoReport",
    "ProjectReport",
    "build_demo",
]
