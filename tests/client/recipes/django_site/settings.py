"""Settings of the Django recipe's test site: the database from libpq's
environment (PGHOST, PGPORT, PGUSER) and SCHEMAREG_DJANGO_DB."""
import os

SECRET_KEY = "schemareg-recipe-test"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
INSTALLED_APPS = ["sensors"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("SCHEMAREG_DJANGO_DB", "schemareg_django"),
        "HOST": os.environ.get("PGHOST", ""),
        "PORT": os.environ.get("PGPORT", ""),
        "USER": os.environ.get("PGUSER", ""),
    }
}
