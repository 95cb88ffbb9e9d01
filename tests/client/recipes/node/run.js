// Runs the node-postgres recipe against the test database; prints one JSON line.
const { connect, insertReading } = require('./schemareg_errors');

(async () => {
  const client = await connect();
  try {
    const hard = 'a\n"b": c';
    const results = [
      await insertReading(client, { t: 21.5 }, 'lab/sensor'),
      await insertReading(client, { t: -50, [hard]: 1 }, 'lab/sensor'),
    ];
    // The error's fields as node-postgres gives them.
    let fields = null;
    try {
      await client.query("INSERT INTO readings (id, doc, schema_ref) VALUES (42, '{}', 'lab/sensor')");
    } catch (err) {
      const { code, schema, table, column, constraint } = err;
      fields = { code, schema, table, column, constraint, where: err.where.split('\n')[0] };
    }
    const row = await client.query('SELECT count(*)::int AS n FROM readings');
    console.log(JSON.stringify({ results, fields, rows: row.rows[0].n }));
  } finally {
    await client.end();
  }
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
