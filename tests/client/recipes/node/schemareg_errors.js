// schemareg's 23514 in node-postgres: err.code, err.detail, err.table, err.column.
const { Client } = require('pg');

// Connects (libpq's PGHOST, PGPORT, PGUSER, PGDATABASE) and asks for the JSON detail.
async function connect() {
  const client = new Client({ options: '-c schemareg.error_format=json' });
  await client.connect();
  return client;
}

// Inserts a reading: {ok: true}, or the record's errors by column.
async function insertReading(client, doc, schemaRef) {
  try {
    await client.query('INSERT INTO readings (doc, schema_ref) VALUES ($1, $2)', [doc, schemaRef]);
    return { ok: true };
  } catch (err) {
    if (err.code !== '23514' || err.constraint !== '~schemareg_validate') throw err;
    // err.detail: [{path, schema_path, keyword, message}]; err.where: "Failing row key (id)=(2)."
    return { ok: false, table: err.table, column: err.column, errors: JSON.parse(err.detail) };
  }
}

module.exports = { connect, insertReading };
