-- Back to an unchained, identity-keyed audit log. The events stay; their
-- hashes go.
DROP INDEX audit_events_object_idx;
DROP INDEX audit_events_agency_idx;
DROP INDEX audit_events_actor_idx;
DROP INDEX audit_events_action_idx;
DROP TRIGGER audit_events_chain ON audit_events;
DROP FUNCTION audit_events_chain();
DROP FUNCTION audit_event_canonical(bigint, timestamptz, bigint, integer, text, text, text, text, jsonb);
ALTER TABLE audit_events DROP COLUMN prev_hash, DROP COLUMN hash;

DROP SEQUENCE audit_events_id_seq;
ALTER TABLE audit_events ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;
SELECT setval(pg_get_serial_sequence('audit_events', 'id'), coalesce(max(id), 0) + 1, false) FROM audit_events;
