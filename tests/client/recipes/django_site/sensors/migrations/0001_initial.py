from django.db import migrations, models

SENSOR = """{"type": "object", "required": ["t"],
             "properties": {"t": {"type": "number", "minimum": -40}}}"""


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.RunSQL("CREATE EXTENSION IF NOT EXISTS schemareg",
                          reverse_sql="DROP EXTENSION schemareg"),
        migrations.RunSQL([("SELECT schemareg.create_schema('lab/sensor', %s)", [SENSOR])],
                          reverse_sql="SELECT schemareg.delete_schema('lab/sensor:1')"),
        migrations.CreateModel(
            name="Reading",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("doc", models.JSONField()),
                ("schema_ref", models.TextField(default="lab/sensor")),
            ],
        ),
        # The database checks every write too, whoever writes.
        migrations.RunSQL("SELECT schemareg.attach('sensors_reading', 'doc', 'schema_ref')",
                          reverse_sql="SELECT schemareg.detach('sensors_reading')"),
    ]
