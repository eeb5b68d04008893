from django.conf import settings


def platform(request):
    user = getattr(request, "user", None)
    return {
        "DEMO_USER": bool(
            user is not None and user.is_authenticated and getattr(user, "is_demo", False)
        ),
        "PRODUCTION": settings.PRODUCTION,
    }
