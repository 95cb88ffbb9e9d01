-- Jobs: revalidation and migration of bound tables, batch by batch, each
-- batch committed with its progress, watched through the view schemareg.jobs.

CREATE TABLE @extschema@.job_state (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          text NOT NULL CHECK (kind IN ('revalidate', 'migrate')),
    tbl           regclass NOT NULL,
    to_ref        text,                        -- migrate: the version rows move to
    batch_size    integer NOT NULL CHECK (batch_size > 0),
    started_by    regrole NOT NULL,
    state         text NOT NULL DEFAULT 'running'
                  CHECK (state IN ('queued', 'running', 'failed', 'done')),
    leaves        regclass[] NOT NULL,         -- the tables with rows, in the order they are done
    leaf_index    integer NOT NULL DEFAULT 1,  -- the one being done (1-based)
    next_block    bigint NOT NULL DEFAULT 0,   -- its first block not done yet
    end_block     bigint,                      -- its size when the job reached it: rows
                                               -- written after that were checked by their
                                               -- writers (and the job's own are not redone)
    rows_total    bigint NOT NULL,             -- rows when it started: the planner's count
                                               -- after ANALYZE, else counted
    rows_done     bigint NOT NULL DEFAULT 0,
    rows_invalid  bigint NOT NULL DEFAULT 0,
    rows_changed  bigint NOT NULL DEFAULT 0,   -- errors rewritten (flag), rows moved (migrate)
    written_by    xid[] NOT NULL DEFAULT '{}', -- its batches that rewrote rows (flag): those
                                               -- rows are not checked again
    pid           integer,                     -- the backend that runs it
    backend_start timestamptz,
    started_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    noticed_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at   timestamptz,
    error         text,
    -- Under a scheduler: runs begun (the first, resumes, retries); when
    -- run_jobs() retries it after a failure (NULL: not failed, or no
    -- attempts left); the last failure, kept after a later success.
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    last_error      text,
    last_sqlstate   text
);
COMMENT ON TABLE @extschema@.job_state IS 'revalidations and migrations, with where each one is';

-- The invalid rows a job found in an enforce table, and the rows a
-- migration could not move.
CREATE TABLE @extschema@.job_findings (
    job     bigint NOT NULL REFERENCES @extschema@.job_state (id) ON DELETE CASCADE,
    tbl     regclass NOT NULL,
    row_id  tid NOT NULL,
    ref     text NOT NULL,
    errors  jsonb NOT NULL
);
CREATE INDEX job_findings_job ON @extschema@.job_findings (job);

-- True while the backend that started a job is running a statement (and is
-- not the one asking).
CREATE FUNCTION @extschema@._job_active(pid integer, backend_start timestamptz) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (SELECT FROM pg_stat_activity a
                    WHERE a.pid = $1 AND a.backend_start = $2 AND a.state = 'active'
                      AND a.pid <> pg_backend_pid())
$$;

CREATE VIEW @extschema@.jobs WITH (security_barrier) AS
SELECT j.id, j.kind, j.tbl, j.to_ref AS schema, j.rows_done, j.rows_total, j.rows_invalid,
       j.rows_changed,
       round(j.rows_done / greatest(extract(epoch FROM coalesce(j.finished_at, j.updated_at)
                                                  - j.started_at), 0.001))::bigint AS rows_per_second,
       j.started_at AS started, j.finished_at AS finished,
       CASE WHEN j.state = 'running' AND NOT @extschema@._job_active(j.pid, j.backend_start)
            THEN 'interrupted' ELSE j.state END AS state,
       j.error, j.attempts, j.next_attempt_at AS next_attempt, j.last_error, j.last_sqlstate
  -- The jobs of tables the current role may read (below OFFSET 0: no
  -- condition of a query on the view meets, or counts in a plan, the others).
  FROM (SELECT x.* FROM @extschema@.job_state x WHERE has_table_privilege(x.tbl, 'SELECT') OFFSET 0) j;
COMMENT ON VIEW @extschema@.jobs IS
    'every revalidation and migration: progress, rate, state (running, interrupted, failed, done) and attempts';

-- The findings of the jobs on tables the current role may read.
CREATE VIEW @extschema@.job_errors WITH (security_barrier) AS
SELECT f.job, f.tbl, f.row_id, f.ref, f.errors
  -- The findings of the jobs on tables the current role may read (the bound
  -- table's privilege: f.tbl may be one of its partitions), about versions
  -- it may see (a row's version, and a migration's target), below OFFSET 0.
  FROM (SELECT x.* FROM @extschema@.job_findings x JOIN @extschema@.job_state j ON j.id = x.job
         WHERE has_table_privilege(j.tbl, 'SELECT')
           AND EXISTS (SELECT FROM @extschema@.schemas s WHERE s.name || ':' || s.version = x.ref)
           AND (j.to_ref IS NULL
                OR EXISTS (SELECT FROM @extschema@.schemas s WHERE s.name || ':' || s.version = j.to_ref))
        OFFSET 0) f;
COMMENT ON VIEW @extschema@.job_errors IS
    'rows a revalidation found invalid (enforce tables) or a migration could not move';

-- The tables of a bound tree that hold rows, in the order a job does them,
-- and about how many rows they hold.
CREATE FUNCTION @extschema@._job_tables(tbl regclass, OUT leaves regclass[], OUT total bigint)
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    leaf regclass;
    n bigint;
BEGIN
    leaves := ARRAY(SELECT t FROM @extschema@._tree(tbl) t
                     WHERE (SELECT c.relkind FROM pg_class c WHERE c.oid = t) = 'r' ORDER BY t::oid);
    total := 0;
    FOREACH leaf IN ARRAY leaves LOOP
        -- The planner's count where ANALYZE made one (a big table would
        -- otherwise be read once more before the job starts), else a count
        -- read from the heap (no query on the table runs as the registry).
        SELECT c.reltuples::bigint INTO n FROM pg_class c WHERE c.oid = leaf;
        IF n IS NULL OR n <= 0 THEN
            n := @extschema@._table_rows(leaf, 9223372036854775807);
        END IF;
        total := total + n;
    END LOOP;
END
$$;

-- This backend takes a job over: running, with its pid (a queued job first
-- learns its tables), and, when given, a new batch size.
CREATE FUNCTION @extschema@._job_claim(job bigint, batch_size integer) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    queued regclass;
    tables record;
BEGIN
    SELECT x.tbl INTO queued FROM @extschema@.job_state x WHERE x.id = job AND x.state = 'queued';
    IF FOUND THEN
        tables := @extschema@._job_tables(queued);
        UPDATE @extschema@.job_state x SET leaves = tables.leaves, rows_total = tables.total,
               started_at = clock_timestamp() WHERE x.id = job;
    END IF;
    UPDATE @extschema@.job_state x
       SET state = 'running', error = NULL, pid = pg_backend_pid(),
           attempts = x.attempts + 1, next_attempt_at = NULL,
           batch_size = coalesce(_job_claim.batch_size, x.batch_size),
           backend_start = (SELECT a.backend_start FROM pg_stat_activity a WHERE a.pid = pg_backend_pid()),
           updated_at = clock_timestamp()
     WHERE x.id = job;
END
$$;

-- Starts a job, or resumes the unfinished one of the same kind on the same
-- table (and target): its work so far is kept. Returns its id.
CREATE FUNCTION @extschema@._do__job_start(caller oid, kind text, tbl regclass, to_ref text,
                                           batch_size integer)
    RETURNS bigint
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    b @extschema@.bindings;
    j @extschema@.job_state;
    target @extschema@.schemas;
    tables record;
    owner_takes_over boolean;
BEGIN
    IF tbl IS NULL OR batch_size IS NULL OR (kind = 'migrate' AND to_ref IS NULL) THEN
        RAISE EXCEPTION '%: arguments must not be null', kind USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF batch_size < 1 THEN
        RAISE EXCEPTION 'batch_size must be positive, not %', batch_size
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO b FROM @extschema@.bindings x WHERE x.tbl = _do__job_start.tbl;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'table "%" is not bound', tbl USING ERRCODE = 'undefined_object',
            HINT = 'Name the table that schemareg.attach() bound (for partitions, their root).';
    END IF;
    PERFORM @extschema@._check_bound_columns(tbl, b);
    -- (has_table_privilege with 'SELECT, UPDATE' would accept either one.)
    IF NOT has_table_privilege(caller, tbl, 'SELECT')
       OR ((kind = 'migrate' OR b.mode = 'flag') AND NOT has_table_privilege(caller, tbl, 'UPDATE')) THEN
        RAISE EXCEPTION 'permission denied for table %', tbl USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF kind = 'migrate' THEN
        target := @extschema@._do_get_schema(caller, to_ref);
        IF target.status <> 'exists' THEN
            RAISE EXCEPTION 'schema "%:%" is % and cannot be migrated to', target.name,
                            target.version, target.status
                USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
        to_ref := target.name || ':' || target.version;
    END IF;
    -- Starters of jobs on one table take turns; one that finds another
    -- starting (a transaction that holds the lock, perhaps for long) gets
    -- 55P03 at once instead of waiting for it.
    PERFORM @extschema@._try_lock_key('job', tbl::oid::text);
    SELECT * INTO j FROM @extschema@.job_state x
     WHERE x.kind = _do__job_start.kind AND x.tbl = _do__job_start.tbl
       AND x.to_ref IS NOT DISTINCT FROM _do__job_start.to_ref AND x.state <> 'done'
     ORDER BY x.id DESC LIMIT 1;
    IF FOUND THEN
        -- The table's owner may take over a job that another role started
        -- on it (and left); then it acts for the owner.
        owner_takes_over := j.started_by::oid <> caller AND NOT @extschema@._is_admin(caller)
                            AND pg_has_role(caller, (SELECT c.relowner FROM pg_class c WHERE c.oid = tbl),
                                            'USAGE');
        IF j.started_by::oid <> caller AND NOT @extschema@._is_admin(caller) AND NOT owner_takes_over THEN
            RAISE EXCEPTION '% of "%" is job %, which belongs to %', kind, tbl, j.id, j.started_by
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'Its owner, the table''s owner, or a member of schemareg_admin, may resume it.';
        END IF;
        IF j.state = 'running' AND j.pid <> pg_backend_pid()
           AND @extschema@._job_active(j.pid, j.backend_start) THEN
            RAISE EXCEPTION '% of "%" is already running (job %, backend %)', kind, tbl, j.id, j.pid
                USING ERRCODE = 'object_in_use';
        END IF;
        IF owner_takes_over THEN
            UPDATE @extschema@.job_state x SET started_by = caller::regrole WHERE x.id = j.id;
            RAISE NOTICE '% of "%": job %, started by %, now acts for %', kind, tbl, j.id,
                         j.started_by, caller::regrole;
        END IF;
        PERFORM @extschema@._job_claim(j.id, batch_size);
        RAISE NOTICE '% of "%": resuming job % after % of about % rows', kind, tbl, j.id,
                     j.rows_done, j.rows_total;
        RETURN j.id;
    END IF;
    tables := @extschema@._job_tables(tbl);
    INSERT INTO @extschema@.job_state AS x (kind, tbl, to_ref, batch_size, started_by, leaves,
                                            rows_total)
    VALUES (kind, tbl, to_ref, batch_size, caller, tables.leaves, tables.total)
    RETURNING x.id INTO j.id;
    PERFORM @extschema@._job_claim(j.id, NULL);
    RAISE NOTICE '% of "%": job % started, about % rows', kind, tbl, j.id, tables.total;
    RETURN j.id;
END
$$;

-- One batch of a job: the next range of blocks of the current table. The
-- caller commits after each. False when the job is over.
CREATE FUNCTION @extschema@._do__job_step(caller oid, job bigint) RETURNS boolean
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    j @extschema@.job_state;
    b @extschema@.bindings;
    leaf regclass;
    per_page float8;
    span bigint;
    low tid;
    high tid;
    done bigint := 0;
    invalid bigint := 0;
    changed bigint := 0;
    to_fix tid[];
    older text[];
    leaf_exists boolean;
    batch jsonb;
    leaf_owner oid;
BEGIN
    -- Who may run it is checked before its row is locked: no one else can
    -- hold the row (and with it the job's owner) in a transaction.
    SELECT * INTO j FROM @extschema@.job_state x WHERE x.id = job;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    IF j.started_by::oid <> caller AND NOT @extschema@._is_admin(caller) THEN
        RAISE EXCEPTION 'job % belongs to %', job, j.started_by USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Runners of one job take turns, each batch once.
    SELECT * INTO j FROM @extschema@.job_state x WHERE x.id = job FOR UPDATE;
    IF NOT FOUND OR j.state <> 'running' THEN
        RETURN false;
    END IF;
    SELECT * INTO b FROM @extschema@.bindings x WHERE x.tbl = j.tbl;
    IF NOT FOUND THEN
        -- A failure like any other (_run_job records it): run_jobs() retries
        -- it, in case the table is bound again.
        RAISE EXCEPTION '% of "%" stopped: the table is no longer bound (job %)', j.kind, j.tbl, job
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF j.leaf_index > coalesce(array_length(j.leaves, 1), 0) THEN
        UPDATE @extschema@.job_state x SET state = 'done', finished_at = clock_timestamp(),
               updated_at = clock_timestamp() WHERE x.id = job;
        RAISE NOTICE '% of "%" done: % rows, % invalid, % %', j.kind, j.tbl, j.rows_done,
                     j.rows_invalid, j.rows_changed,
                     CASE WHEN j.kind = 'migrate' THEN 'moved to ' || j.to_ref ELSE 'rewritten' END;
        RETURN false;
    END IF;
    leaf := j.leaves[j.leaf_index];
    SELECT CASE WHEN c.relpages > 0 AND c.reltuples > 0 THEN c.reltuples / c.relpages END
      INTO per_page FROM pg_class c WHERE c.oid = leaf;
    leaf_exists := FOUND;
    IF leaf_exists THEN
        -- The columns are read here as the registry's owner: they must still
        -- be of the types attach() checked (no cast of the table owner's runs).
        PERFORM @extschema@._check_bound_columns(leaf, b);
        IF j.end_block IS NULL THEN
            j.end_block := pg_relation_size(leaf) / current_setting('block_size')::bigint;
            UPDATE @extschema@.job_state x SET end_block = j.end_block WHERE x.id = job;
        END IF;
    END IF;
    IF NOT leaf_exists OR j.next_block >= j.end_block THEN
        -- This table is done (or gone): the next one.
        UPDATE @extschema@.job_state x SET leaf_index = leaf_index + 1, next_block = 0,
               end_block = NULL, updated_at = clock_timestamp() WHERE x.id = job;
        RETURN true;
    END IF;
    span := greatest(1, ceil(j.batch_size / coalesce(per_page, 50)))::bigint;
    low := format('(%s,0)', j.next_block)::tid;
    high := format('(%s,0)', least(j.next_block + span, j.end_block))::tid;
    -- The table is read and written, and its records checked, as its owner,
    -- restricted (_query_as, _run_as), as VACUUM does, whoever runs the job:
    -- none of the table's code runs with the rights of the registry or of an
    -- admin, and the records are checked against the versions the owner may
    -- see (to it, the others do not exist). job_errors shows a finding only
    -- to roles that may see the versions it is about.
    leaf_owner := (SELECT c.relowner FROM pg_class c WHERE c.oid = leaf);
    IF j.kind = 'revalidate' AND b.mode = 'flag' THEN
        -- flag: rows whose stored errors differ are written again (their
        -- trigger stores the errors); the new versions are not checked again.
        batch := @extschema@._query_as(leaf_owner, format(
            'SELECT jsonb_build_object(''done'', count(*), ''invalid'', count(*) FILTER (WHERE c.e IS NOT NULL),
                    ''fix'', coalesce(jsonb_agg(c.row_id::text) FILTER (WHERE c.e IS DISTINCT FROM c.stored), ''[]''))
               FROM (SELECT r.ctid AS row_id, r.%3$I AS stored, @extschema@._errors_json(r.%1$I, r.%2$I) AS e
                       FROM ONLY %4$s r WHERE r.ctid >= %5$L AND r.ctid < %6$L AND r.%1$I IS NOT NULL
                        AND r.xmin <> ALL (%7$L::xid[])) c',
            b.schema_column, b.record_column, b.errors_column, leaf, low, high, j.written_by));
        done := (batch ->> 'done')::bigint;
        invalid := (batch ->> 'invalid')::bigint;
        to_fix := ARRAY(SELECT t::tid FROM jsonb_array_elements_text(batch -> 'fix') t);
        IF to_fix = '{}' THEN
            to_fix := NULL;
        END IF;
        IF to_fix IS NOT NULL THEN
            -- Written as the table's owner (its triggers run as that role);
            -- the (sub)transaction that wrote them is remembered.
            changed := @extschema@._run_as(leaf_owner, format(
                'UPDATE ONLY %s SET %I = %I WHERE ctid = ANY (%L::tid[])',
                leaf, b.schema_column, b.schema_column, to_fix));
            UPDATE @extschema@.job_state x
               SET written_by = written_by || @extschema@._current_xid() WHERE x.id = job;
        END IF;
    ELSE
        IF j.kind = 'migrate' THEN
            -- migrate: rows of older versions of the target's name that the
            -- target accepts move to it, as the table's owner (their triggers
            -- check and count them); the others stay, and are reported below.
            older := ARRAY(SELECT v.name || ':' || v.version FROM @extschema@.schema_versions v
                            WHERE v.name = split_part(j.to_ref, ':', 1)
                              AND v.version < split_part(j.to_ref, ':', 2)::integer);
            changed := @extschema@._run_as(leaf_owner, format(
                'UPDATE ONLY %1$s SET %2$I = %3$L WHERE ctid >= %4$L AND ctid < %5$L
                    AND %2$I = ANY (%6$L::text[]) AND @extschema@.validate_record(%3$L, %7$I)',
                leaf, b.schema_column, j.to_ref, low, high, older, b.record_column));
        END IF;
        -- The rows that do not match are findings: in an enforce table, any
        -- row against its own version; after a migration's batch, the rows
        -- left on older versions (older) against the target (to_ref).
        batch := @extschema@._query_as(leaf_owner, format(
            'WITH checked AS (SELECT r.ctid AS row_id, r.%1$I AS ref,
                                     @extschema@._errors_json(coalesce(%4$L, r.%1$I), r.%2$I) AS e
                                FROM ONLY %3$s r
                               WHERE r.ctid >= %5$L AND r.ctid < %6$L
                                 AND (%7$L::text[] IS NULL AND r.%1$I IS NOT NULL OR r.%1$I = ANY (%7$L::text[])))
             SELECT jsonb_build_object(''done'', count(*), ''invalid'', count(*) FILTER (WHERE c.e IS NOT NULL),
                    ''findings'', coalesce(jsonb_agg(jsonb_build_array(c.row_id::text, c.ref, c.e))
                                             FILTER (WHERE c.e IS NOT NULL), ''[]''))
               FROM checked c',
            b.schema_column, b.record_column, leaf, j.to_ref, low, high, older));
        done := (batch ->> 'done')::bigint;
        invalid := (batch ->> 'invalid')::bigint;
        INSERT INTO @extschema@.job_findings (job, tbl, row_id, ref, errors)
        SELECT job, leaf, (f ->> 0)::tid, f ->> 1, f -> 2 FROM jsonb_array_elements(batch -> 'findings') f;
        IF j.kind = 'migrate' THEN
            done := changed + invalid;
        END IF;
    END IF;
    UPDATE @extschema@.job_state x
       SET next_block = least(j.next_block + span, j.end_block), rows_done = rows_done + done,
           rows_invalid = rows_invalid + invalid, rows_changed = rows_changed + changed,
           updated_at = clock_timestamp()
     WHERE x.id = job RETURNING * INTO j;
    IF clock_timestamp() - j.noticed_at >= interval '5 seconds' THEN
        RAISE NOTICE '% of "%": % of about % rows, % invalid (job %)', j.kind, j.tbl, j.rows_done,
                     j.rows_total, j.rows_invalid, job;
        UPDATE @extschema@.job_state x SET noticed_at = clock_timestamp() WHERE x.id = job;
    END IF;
    RETURN true;
END
$$;

-- Records why a job stopped (the procedure calls it after a batch failed),
-- and when run_jobs() retries it: after schemareg.job_retry_delay, doubled
-- with each attempt (at most a day), while it has had fewer than
-- schemareg.job_max_attempts. Returns what the caller may do about it.
CREATE FUNCTION @extschema@._do__job_failed(caller oid, job bigint, message text, code text)
    RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    j @extschema@.job_state;
BEGIN
    UPDATE @extschema@.job_state x
       SET state = 'failed', error = message, last_error = message, last_sqlstate = code,
           next_attempt_at = CASE
               WHEN x.attempts < current_setting('schemareg.job_max_attempts')::integer
               THEN clock_timestamp()
                    + least(current_setting('schemareg.job_retry_delay')::interval
                            * power(2, least(x.attempts - 1, 20)), interval '1 day') END,
           updated_at = clock_timestamp()
     WHERE x.id = job AND (x.started_by::oid = caller OR @extschema@._is_admin(caller))
    RETURNING * INTO j;
    RETURN @extschema@._job_hint(j);
END
$$;

-- What can be done about a failed job: when run_jobs() retries it, and the
-- call that resumes it at once.
CREATE FUNCTION @extschema@._job_hint(j @extschema@.job_state) RETURNS text
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN j.next_attempt_at IS NOT NULL
                THEN format('run_jobs() retries it once its delay is over (attempt %s of %s; next_attempt in schemareg.jobs)',
                            j.attempts, current_setting('schemareg.job_max_attempts'))
                ELSE format('run_jobs() does not retry it again (attempt %s of %s, schemareg.job_max_attempts)',
                            j.attempts, current_setting('schemareg.job_max_attempts')) END
           || CASE WHEN j.kind = 'migrate' THEN format('; CALL schemareg.migrate(%L, %L) resumes it now.', j.tbl, j.to_ref)
                   ELSE format('; CALL schemareg.revalidate(%L) resumes it now.', j.tbl) END
$$;

-- The failed jobs the caller may run (its own; all for schemareg_admin),
-- those of `include_ids` when given, but those in `exclude_ids`: one WARNING's message,
-- detail and hint each, in the order of the jobs.
CREATE FUNCTION @extschema@._do__job_failures(caller oid, include_ids bigint[], exclude_ids bigint[])
    RETURNS TABLE (message text, detail text, hint text)
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT format('%s of "%s" (job %s) failed: %s', j.kind, j.tbl, j.id, j.last_error),
           format('SQLSTATE %s; attempts: %s.', j.last_sqlstate, j.attempts),
           @extschema@._job_hint(j)
      FROM @extschema@.job_state j
     WHERE j.state = 'failed' AND (j.started_by::oid = $1 OR @extschema@._is_admin($1))
       AND ($2 IS NULL OR j.id = ANY ($2)) AND j.id <> ALL (coalesce($3, '{}'))
     ORDER BY j.id
$$;

CREATE FUNCTION @extschema@._job_start(kind text, tbl regclass, to_ref text, batch_size integer)
    RETURNS bigint LANGUAGE c AS 'MODULE_PATHNAME', '_gate';
CREATE FUNCTION @extschema@._job_step(job bigint)
    RETURNS boolean LANGUAGE c AS 'MODULE_PATHNAME', '_gate';
CREATE FUNCTION @extschema@._job_failed(job bigint, message text, code text)
    RETURNS text LANGUAGE c AS 'MODULE_PATHNAME', '_gate';
CREATE FUNCTION @extschema@._job_failures(include_ids bigint[], exclude_ids bigint[])
    RETURNS TABLE (message text, detail text, hint text) LANGUAGE c STABLE AS 'MODULE_PATHNAME', '_gate';

-- After a revision of `name`: a migration to `new_ref` is queued for every
-- table that follows the newest versions (attach's follow_latest) and has
-- rows on older versions of the name; run_jobs() runs it. It acts for the
-- table's owner. A queued migration of the same table not yet started is
-- replaced.
CREATE FUNCTION @extschema@._queue_follow_jobs(name text, new_ref text) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    b @extschema@.bindings;
BEGIN
    FOR b IN SELECT x.* FROM @extschema@.bindings x
              WHERE x.follow_latest AND EXISTS (SELECT FROM pg_class k WHERE k.oid = x.tbl)
                AND EXISTS (SELECT FROM @extschema@.record_counts c
                              JOIN @extschema@.schema_versions v ON v.id = c.schema_id
                             WHERE v.name = _queue_follow_jobs.name AND v.name || ':' || v.version <> new_ref
                               AND c.tbl::oid IN (SELECT t FROM @extschema@._tree(x.tbl) t)
                             GROUP BY v.id HAVING sum(c.n) > 0) LOOP
        DELETE FROM @extschema@.job_state j
         WHERE j.tbl = b.tbl AND j.kind = 'migrate' AND j.state = 'queued'
           AND split_part(j.to_ref, ':', 1) = _queue_follow_jobs.name;
        INSERT INTO @extschema@.job_state (kind, tbl, to_ref, batch_size, started_by, state, leaves,
                                           rows_total)
        VALUES ('migrate', b.tbl, new_ref, 10000,
                (SELECT k.relowner FROM pg_class k WHERE k.oid = b.tbl)::regrole, 'queued', '{}', 0);
        RAISE NOTICE 'table "%" follows "%": its rows move to % with CALL schemareg.run_jobs()',
                     b.tbl, name, new_ref;
    END LOOP;
END
$$;

-- The next job the caller may run (queued, interrupted, or failed with
-- attempts left and its delay over), but those in `tried` (run_jobs() runs
-- each job once a call), taken over by this backend; NULL when there is none.
CREATE FUNCTION @extschema@._do__job_next(caller oid, tried bigint[]) RETURNS bigint
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    j @extschema@.job_state;
BEGIN
    SELECT * INTO j FROM @extschema@.job_state x
     WHERE (x.state = 'queued' OR (x.state = 'running' AND NOT @extschema@._job_active(x.pid, x.backend_start)
                                   AND x.pid IS DISTINCT FROM pg_backend_pid())
            OR (x.state = 'failed' AND x.next_attempt_at <= clock_timestamp()
                AND x.attempts < current_setting('schemareg.job_max_attempts')::integer))
       AND (x.started_by::oid = caller OR @extschema@._is_admin(caller))
       AND x.id <> ALL (coalesce(tried, '{}'))
     ORDER BY x.id LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    PERFORM @extschema@._job_claim(j.id, NULL);
    RAISE NOTICE '% of "%": job % runs%', j.kind, j.tbl, j.id,
                 CASE WHEN j.state = 'failed' THEN format(' again (attempt %s)', j.attempts + 1) ELSE '' END;
    RETURN j.id;
END
$$;

CREATE FUNCTION @extschema@._job_next(tried bigint[])
    RETURNS bigint LANGUAGE c AS 'MODULE_PATHNAME', '_gate';

-- Runs a job batch by batch, committing each (so no SET clause and no
-- SECURITY DEFINER here: procedures with either cannot commit; every name is
-- schema-qualified instead, and the work is done by the gates above). A
-- cancel or a crash leaves the job to be resumed by the same call; another
-- error marks it failed, with the error, and comes back in message, code
-- and hint (what may be done about it) for the caller to raise or report.
CREATE PROCEDURE @extschema@._run_job(job bigint, INOUT message text, INOUT code text, INOUT hint text)
    LANGUAGE plpgsql AS $$
DECLARE
    more boolean := true;
BEGIN
    message := NULL;
    code := NULL;
    hint := NULL;
    WHILE more LOOP
        BEGIN
            more := @extschema@._job_step(job);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS message = MESSAGE_TEXT, code = RETURNED_SQLSTATE;
        END;
        IF message IS NOT NULL THEN
            hint := @extschema@._job_failed(job, message, code);
            COMMIT;
            RETURN;
        END IF;
        COMMIT;
    END LOOP;
END
$$;

CREATE PROCEDURE @extschema@.revalidate(tbl regclass, batch_size integer DEFAULT 10000)
    LANGUAGE plpgsql AS $$
DECLARE
    job bigint := @extschema@._job_start('revalidate', tbl, NULL, batch_size);
    message text;
    code text;
    hint text;
BEGIN
    COMMIT;
    CALL @extschema@._run_job(job, message, code, hint);
    IF message IS NOT NULL THEN
        RAISE EXCEPTION '%', message USING ERRCODE = code,
            HINT = 'The job is kept: the same call resumes it; ' || hint;
    END IF;
END
$$;
COMMENT ON PROCEDURE @extschema@.revalidate(regclass, integer) IS
    're-checks every row of a bound table against its version, in committed batches';

CREATE PROCEDURE @extschema@.migrate(tbl regclass, to_ref text, batch_size integer DEFAULT 10000)
    LANGUAGE plpgsql AS $$
DECLARE
    job bigint := @extschema@._job_start('migrate', tbl, to_ref, batch_size);
    message text;
    code text;
    hint text;
BEGIN
    COMMIT;
    CALL @extschema@._run_job(job, message, code, hint);
    IF message IS NOT NULL THEN
        RAISE EXCEPTION '%', message USING ERRCODE = code,
            HINT = 'The job is kept: the same call resumes it; ' || hint;
    END IF;
END
$$;
COMMENT ON PROCEDURE @extschema@.migrate(regclass, text, integer) IS
    'moves the rows of older versions of a name to to_ref where it accepts them, in committed batches';

-- Runs every job the caller may run (its own; all of them for
-- schemareg_admin), one after the other, each once: queued ones
-- (follow_latest), interrupted ones, and failed ones whose retry is due (see
-- _do__job_failed). Safe to schedule, e.g. with pg_cron. A job that fails
-- stays failed, with its error, and the others still run. Every call reports
-- each failed job in a WARNING (those waiting for a retry and those out of
-- attempts too), so a scheduler's log shows them, and ends in the error of
-- the first job that failed in it, if any, so the scheduler counts the run
-- as failed.
CREATE PROCEDURE @extschema@.run_jobs()
    LANGUAGE plpgsql AS $$
DECLARE
    job bigint;
    tried bigint[] := '{}';
    failed bigint[] := '{}';
    message text;
    code text;
    hint text;
    first_message text;
    first_code text;
    first_hint text;
    f record;
BEGIN
    LOOP
        job := @extschema@._job_next(tried);
        EXIT WHEN job IS NULL;
        tried := tried || job;
        COMMIT;
        CALL @extschema@._run_job(job, message, code, hint);
        IF message IS NOT NULL THEN
            failed := failed || job;
            IF first_message IS NULL THEN
                first_message := message;
                first_code := code;
                first_hint := hint;
            END IF;
        END IF;
    END LOOP;
    -- The failures of this call, then the earlier ones.
    FOR f IN SELECT * FROM @extschema@._job_failures(failed, NULL)
             UNION ALL SELECT * FROM @extschema@._job_failures(NULL, failed) LOOP
        RAISE WARNING '%', f.message USING DETAIL = f.detail, HINT = f.hint;
    END LOOP;
    IF first_message IS NOT NULL THEN
        RAISE EXCEPTION 'run_jobs: % of % jobs failed; the first: %', cardinality(failed),
                        cardinality(tried), first_message
            USING ERRCODE = first_code, HINT = first_hint;
    END IF;
END
$$;
COMMENT ON PROCEDURE @extschema@.run_jobs() IS
    'runs the queued (follow_latest), interrupted and due failed jobs the caller may run; reports every failed job';
