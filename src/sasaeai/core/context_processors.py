from sasaeai.tenancy.selectors import memberships_of, municipalities_for


def shell(request):
    """Context every page needs: the user's roles and whether demo data is shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"shell_memberships": [], "shell_synthetic": False}
    memberships = memberships_of(user)
    synthetic = municipalities_for(user).filter(is_synthetic=True).exists()
    return {"shell_memberships": memberships, "shell_synthetic": synthetic}
