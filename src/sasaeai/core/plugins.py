"""Find optional modules (`urls`, `api`, `dashboard`, `demo`) in the project's apps,
so a new capability plugs in without editing shared files."""

from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.apps import apps


def project_modules(name: str) -> list[tuple[str, ModuleType]]:
    """(app label, module) for every installed sasaeai app that has `<app>.<name>`."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("sasaeai."):
            continue
        dotted = f"{config.name}.{name}"
        if find_spec(dotted) is not None:
            found.append((config.label, import_module(dotted)))
    return found
