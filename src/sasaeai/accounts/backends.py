from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmailOrPhoneBackend(ModelBackend):
    """Log in with an email address or a phone number (any common Japanese notation)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
        User = get_user_model()
        try:
            user = User.objects.get_by_login(username)
        except User.DoesNotExist:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


class OperatorAdminBackend:
    """Platform operators (運営者) hold every model-level permission, so the Django admin works
    for them without per-model grants. Object-level checks stay with the `rules` predicates,
    and the admin itself still demands two-factor log-in (OperatorAdminSite)."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user, perm, obj=None):
        from sasaeai.tenancy.selectors import is_operator

        return obj is None and user.is_active and user.is_staff and is_operator(user)

    def has_module_perms(self, user, app_label):
        return self.has_perm(user, f"{app_label}.*")
