# Placeholder: the GraphQL endpoint is being built (issue 2, item 7).
urlpatterns: list = []
