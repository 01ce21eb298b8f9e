"""Learning URLs: quiz (see urls.py)."""

urlpatterns: list = []
