"""Learning URLs: reading (see urls.py)."""

urlpatterns: list = []
