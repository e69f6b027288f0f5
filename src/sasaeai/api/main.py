import copy
import pkgutil
from importlib import import_module

from ninja import NinjaAPI

from . import errors, routers
from .auth import AUTH
from .bounds import bound_integers


class SasaeaiAPI(NinjaAPI):
    """The schema is built once per process and path prefix (it took seconds per call, and six
    parallel calls held up /healthz): routers are fixed when the process starts."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        cache = self.__dict__.setdefault("_schema_cache", {})
        if path_prefix not in cache:
            cache[path_prefix] = super().get_openapi_schema(path_prefix=path_prefix)
        return copy.deepcopy(cache[path_prefix])


def build_api() -> NinjaAPI:
    api = SasaeaiAPI(
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
