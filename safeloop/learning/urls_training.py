"""Learning URLs: training (see urls.py)."""

urlpatterns: list = []
