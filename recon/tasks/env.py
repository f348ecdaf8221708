"""The Celery app built from the environment, for Celery's own tools (edge).

``celery -A recon.tasks.env inspect active``, ``celery -A recon.tasks.env flower`` and the like
find ``app`` here; ``recon worker`` and ``recon beat`` build the same app from their settings.
"""

from recon.config import AppSettings
from recon.tasks.app import make_celery

__all__ = ["app"]

app = make_celery(AppSettings.from_env())
