import pkgutil
from importlib import import_module

from ninja import NinjaAPI

from . import errors, routers
from .auth import AUTH
from .bounds import bound_integers


def build_api() -> NinjaAPI:
    api = NinjaAPI(
        title="Sasaeai API",
        version="1",
        description=(
            "JSON API of Sasaeai (支え合い). Authenticate with the browser session (send the "
            "CSRF token on writes) or `Authorization: Bearer <token>` from `POST /api/v1/auth/token`. "
            "Errors are `{code, message, fields}`; messages follow Accept-Language (ja default, en)."
        ),
        auth=AUTH,
        urls_namespace="api",
    )
    errors.install(api)
    # Every module in sasaeai.api.routers with a `router` is mounted at its PREFIX.
    for info in sorted(pkgutil.iter_modules(routers.__path__), key=lambda i: i.name):
        module = import_module(f"{routers.__name__}.{info.name}")
        if hasattr(module, "router"):
            api.add_router(getattr(module, "PREFIX", ""), module.router)
    bound_integers(api)
    return api


api = build_api()
