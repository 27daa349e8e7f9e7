-- person_identities_search_trgm (0003), a trigram index over names alone,
-- has been unused since 0013: search finds names through
-- person_identities_search_visible_idx, the same trigrams with the
-- agencies that may see them, or by case through
-- person_identities_case_idx. EXPLAIN at a million cases never picked it
-- (Thai, Khmer and Latin terms, rare and common, for large and small
-- agencies). Dropped, it no longer costs a write for each change to an
-- identity, nor 15 s of seed scale's million-case load.
DROP INDEX person_identities_search_trgm;
