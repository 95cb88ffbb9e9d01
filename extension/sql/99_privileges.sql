-- Who may use what (last: it covers every function defined before it).

-- Privileges. Everyone may use the extension's schema, its public functions
-- and its views (which show each role what it may see). The registry's
-- tables have no grants: they change only through the functions. Of the
-- internal functions, only those the views, validate_bundle() and the job
-- procedures call as the querying role stay executable by PUBLIC, and
-- _errors_json (which checks a record as its caller sees the registry), which
-- jobs call as the table's owner, and the trigger functions, which a table's
-- owner needs to make a partition of a bound table (they run only as the
-- triggers attach() makes).
GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;
GRANT SELECT ON @extschema@.schemas, @extschema@.schema_dependencies,
                @extschema@.bound_tables, @extschema@.jobs, @extschema@.job_errors TO PUBLIC;
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid FROM pg_catalog.pg_proc p
              WHERE p.pronamespace = '@extschema@'::regnamespace
                AND p.proname LIKE '\_%'
                AND p.proname NOT IN ('_is_admin', '_may_change', '_visible', '_base_uri',
                                      '_parse_ref', '_check_bundle', '_validate_bundle',
                                      '_job_active', '_run_job', '_errors_json',
                                      '_validate_row', '_count_row', '_on_truncate')
                -- Gates check their callers themselves.
                AND NOT (p.prolang = (SELECT l.oid FROM pg_catalog.pg_language l WHERE l.lanname = 'c')
                         AND p.prosrc = '_gate') LOOP
        EXECUTE format('REVOKE EXECUTE ON ROUTINE %s FROM PUBLIC', f);
    END LOOP;
END
$$;
