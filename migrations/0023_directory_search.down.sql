DROP FUNCTION directory_search_ids(text, integer, text, text, text, boolean, text, bigint, integer);
