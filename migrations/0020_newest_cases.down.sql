DROP FUNCTION newest_case_ids(integer, timestamptz, bigint);
