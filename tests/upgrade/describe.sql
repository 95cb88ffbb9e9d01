-- Every object of the extension schemareg, by name and definition (no OIDs),
-- one line each, sorted: two databases print the same lines when their
-- extensions are the same.
WITH members AS (
    SELECT d.classid, d.objid
      FROM pg_depend d
     WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
       AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'schemareg')
), lines AS (
    -- Functions and procedures: their whole definition, and who may call them.
    SELECT 'function ' || pg_get_functiondef(p.oid) || ' acl ' || (SELECT array_agg(a ORDER BY a::text) FROM unnest(coalesce(p.proacl, acldefault('f', p.proowner))) a)::text
           || ' comment ' || coalesce(obj_description(p.oid, 'pg_proc'), '-') AS line
      FROM members m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
    UNION ALL
    -- Relations: kind, options, privileges, comment; views their query.
    SELECT format('relation %s kind %s options %s acl %s comment %s%s', c.oid::regclass,
                  c.relkind, coalesce(c.reloptions::text, '-'), (SELECT array_agg(a ORDER BY a::text)
                     FROM unnest(coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char",
                                                               c.relowner))) a)::text,
                  coalesce(obj_description(c.oid, 'pg_class'), '-'),
                  CASE WHEN c.relkind = 'v' THEN ' as ' || pg_get_viewdef(c.oid) ELSE '' END)
      FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
    UNION ALL
    -- Columns, in order, with type, nullability, default and identity.
    SELECT format('column %s.%s #%s %s %s default %s identity %s', c.oid::regclass, a.attname,
                  a.attnum, format_type(a.atttypid, a.atttypmod),
                  CASE WHEN a.attnotnull THEN 'not null' ELSE 'null' END,
                  coalesce(pg_get_expr(ad.adbin, ad.adrelid), '-'), a.attidentity)
      FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    UNION ALL
    SELECT format('constraint %s.%s %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
      FROM pg_constraint c
     WHERE c.connamespace = 'schemareg'::regnamespace
    UNION ALL
    SELECT 'index ' || pg_get_indexdef(i.indexrelid)
      FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
     WHERE c.relnamespace = 'schemareg'::regnamespace
    UNION ALL
    SELECT format('trigger %s %s', t.tgenabled, pg_get_triggerdef(t.oid))
      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
     WHERE c.relnamespace = 'schemareg'::regnamespace AND NOT t.tgisinternal
    UNION ALL
    SELECT format('sequence %s %s %s %s %s', s.seqrelid::regclass, s.seqtypid::regtype,
                  s.seqstart, s.seqincrement, s.seqcycle)
      FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
     WHERE c.relnamespace = 'schemareg'::regnamespace
    UNION ALL
    SELECT format('event trigger %s on %s %s enabled %s tags %s', e.evtname, e.evtevent,
                  e.evtfoid::regprocedure, e.evtenabled, coalesce(e.evttags::text, '-'))
      FROM members m JOIN pg_event_trigger e
        ON m.classid = 'pg_event_trigger'::regclass AND e.oid = m.objid
    UNION ALL
    SELECT format('type %s %s', t.oid::regtype, t.typtype)
      FROM members m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
    UNION ALL
    -- Anything else the extension owns, by its description.
    SELECT 'object ' || pg_describe_object(m.classid, m.objid, 0)
      FROM members m
     WHERE m.classid NOT IN ('pg_proc'::regclass, 'pg_class'::regclass,
                             'pg_event_trigger'::regclass, 'pg_type'::regclass)
    UNION ALL
    -- The tables pg_dump keeps, with their filters.
    SELECT format('config %s %s', x.tbl::regclass, x.cond)
      FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS x(tbl, cond)
     WHERE e.extname = 'schemareg'
    UNION ALL
    SELECT format('schema %s acl %s', n.nspname, (SELECT array_agg(a ORDER BY a::text) FROM unnest(coalesce(n.nspacl, acldefault('n', n.nspowner))) a)::text)
      FROM pg_namespace n WHERE n.nspname = 'schemareg'
    UNION ALL
    SELECT 'version ' || extversion FROM pg_extension WHERE extname = 'schemareg'
)
SELECT line FROM lines ORDER BY line;
