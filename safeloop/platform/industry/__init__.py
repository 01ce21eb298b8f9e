"""Industry templates: versioned TOML files in ``data/`` applied at signup.

A template file holds one table per *section* (``[facilities]``, later
``[hazards]``, ``[risks]`` ...). Each section is applied by a function that
its own app registers with :func:`section`; adding a section means writing
the data and one registered function, nothing here changes.
"""

from safeloop.platform.industry.catalog import (  # noqa: F401
    IndustryTemplate,
    TemplateError,
    apply_template,
    get_template,
    list_templates,
    section,
)
