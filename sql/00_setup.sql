-- Shared set-up for the suites that follow (pg_regress runs them in order).
CREATE EXTENSION schemareg;

-- Runs a statement and reports its outcome as one line: the SQLSTATE, message,
-- detail and hint of its error, or 'ok'. Lets a suite tabulate error cases.
CREATE FUNCTION public.outcome(statement text) RETURNS text
    LANGUAGE plpgsql AS $$
DECLARE
    detail text;
    hint text;
BEGIN
    EXECUTE statement;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
    RETURN SQLSTATE || ' ' || SQLERRM
        || CASE WHEN detail <> '' THEN E'\n  detail: ' || detail ELSE '' END
        || CASE WHEN hint <> '' THEN E'\n  hint: ' || hint ELSE '' END;
END
$$;

SELECT extname, extversion FROM pg_extension WHERE extname = 'schemareg';
SELECT current_setting('schemareg.default_dialect') AS default_dialect,
       current_setting('schemareg.max_depth') AS max_depth,
       current_setting('schemareg.max_error_detail') AS max_error_detail,
       current_setting('schemareg.assert_formats') AS assert_formats;
