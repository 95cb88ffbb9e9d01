import json

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, models, transaction


class Reading(models.Model):
    doc = models.JSONField()
    schema_ref = models.TextField(default="lab/sensor")

    def clean(self):
        """full_clean() reports the record's errors on the doc field, not a 500."""
        try:
            with transaction.atomic(), connection.cursor() as cur:
                # ::text keeps the call off the (definition jsonb, record jsonb) overload.
                cur.execute("SELECT path, message"
                            " FROM schemareg.validation_errors(%s::text, %s::jsonb)",
                            [self.schema_ref, json.dumps(self.doc)])
                errors = [f"{path or '(root)'}: {message}" for path, message in cur.fetchall()]
        except DatabaseError as exc:
            # 42704: no such schema (or not visible); 22023: a malformed reference.
            if getattr(exc.__cause__, "pgcode", None) not in ("42704", "22023"):
                raise
            raise ValidationError({"schema_ref": str(exc.__cause__).splitlines()[0]})
        if errors:
            raise ValidationError({"doc": errors})
