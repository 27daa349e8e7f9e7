CREATE INDEX person_identities_search_trgm ON person_identities USING gin (search_text gin_trgm_ops);
