from django.conf import settings


def shell(request):
    """What every page of the web shell needs: the enterprise and the languages."""
    tenant = getattr(request, "tenant", None)
    is_public = tenant is None or tenant.schema_name == "public"
    return {
        "enterprise": None if is_public else tenant,
        "is_public_site": is_public,
        "LANGUAGES": settings.LANGUAGES,
        "SAFELOOP_BASE_DOMAIN": settings.SAFELOOP_BASE_DOMAIN,
    }
