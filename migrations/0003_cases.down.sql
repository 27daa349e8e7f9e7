DROP INDEX audit_events_case_idx;
DROP TRIGGER agencies_visible_to ON agencies;
DROP TABLE timeline_entries, person_identities, case_people, case_shares, cases, case_counters;
DROP FUNCTION search_case_ids(text, integer), expire_case_shares(), agencies_refresh_visible_to(), case_shares_refresh_visible_to(),
    cases_set_visible_to(), compute_visible_to(bigint, integer, text), person_identities_search_text(),
    app_may_see(text, integer), app_case_agency(), app_reads_cases(), app_has_role(text[]), app_agency_kind(), app_user(), app_agency();
