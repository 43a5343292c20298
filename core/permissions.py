"""Who may write what (DESIGN.md section 2), in one place for pages and API alike.

Every model that someone other than staff may write defines `is_writable_by(user)`; the
querysets of such models define `writable_by(user)`. Staff write everything.
"""

from django.core.exceptions import PermissionDenied
from rest_framework import permissions

from .roles import is_staff


def can_write(user, obj) -> bool:
    if is_staff(user):
        return True
    check = getattr(obj, "is_writable_by", None)
    return bool(user and user.is_authenticated and check is not None and check(user))


def require_write(user, obj) -> None:
    """Raise PermissionDenied (403) unless the user may write obj."""
    if not can_write(user, obj):
        raise PermissionDenied("You can only change records within your own organisation's scope.")


class ReadSignedInWriteInScope(permissions.BasePermission):
    """Anyone signed in reads; writes need staff, or a role the view lists and an object in scope.

    A view opens writes to non-staff roles by listing them in `write_roles`; the object
    check then asks the object itself, and create-time scope is checked by the service.
    """

    message = "You can only change records within your own organisation's scope."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return is_staff(user) or user.role in getattr(view, "write_roles", ())

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return can_write(request.user, obj)
