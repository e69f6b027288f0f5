from sasaeai.tenancy.models import Municipality
from sasaeai.tenancy.selectors import memberships_of, municipalities_for

from .plugins import project_modules


def nav_items(request) -> list[dict]:
    """Main-navigation links contributed by apps: `sasaeai/<app>/nav.py` defines
    `items(request) -> list[dict(label=..., url=..., order=int)]`."""
    out = []
    for _label, module in project_modules("nav"):
        provider = getattr(module, "items", None)
        if provider is not None:
            out.extend(provider(request))
    return sorted(out, key=lambda item: item.get("order", 100))


def shell(request):
    """Context every page needs: the user's roles, app navigation and whether demo
    data is shown (the banner says the town is synthetic)."""
    user = getattr(request, "user", None)
    nav = nav_items(request)
    if user is None or not user.is_authenticated:
        synthetic = Municipality.objects.filter(is_synthetic=True).exists()
        return {"shell_memberships": [], "shell_synthetic": synthetic, "shell_nav": nav}
    memberships = memberships_of(user)
    synthetic = municipalities_for(user).filter(is_synthetic=True).exists()
    return {"shell_memberships": memberships, "shell_synthetic": synthetic, "shell_nav": nav}
