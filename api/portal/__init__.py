"""The public portal in Bahasa Indonesia: pages and charts rendered on the server (`pages`, `view`,
`charts`), the feedback form with encrypted contacts (`feedback`, `contact_crypto`), its rate limit
(`ratelimit`) and the portal's own API description (`openapi`)."""

from api.portal import public_json  # noqa: F401  (its routes join the blueprint)
from api.portal.pages import bp

__all__ = ["bp"]
