-- The audit log becomes a hash chain, so that changing or removing an event
-- after the fact shows: every event carries the hash of the one before it
-- and a hash over that and its own content. The application role still may
-- only insert (DESIGN §3 rule 7); a trigger computes the chain on every
-- insert, whoever makes it, so no caller can forget it or forge it.
-- `handshake audit verify` recomputes the chain in Go.

-- The chain is in id order, so ids must be handed out in the order events
-- join the chain. An identity default is drawn before the trigger runs, so a
-- transaction could take id 11, wait for the chain while another takes 12
-- and commits, and then link 11 after 12. Instead the trigger draws the id
-- while it holds the chain's lock. Ids stay unique and increasing; they are
-- no longer an identity column because that would draw a second, wasted id.
-- (ALTER TABLE takes an exclusive lock, so nothing is inserted until the
-- backfill and the trigger below are in place.)
ALTER TABLE audit_events ALTER COLUMN id DROP IDENTITY;
CREATE SEQUENCE audit_events_id_seq OWNED BY audit_events.id;
SELECT setval('audit_events_id_seq', coalesce(max(id), 0) + 1, false) FROM audit_events;

ALTER TABLE audit_events
    ADD COLUMN prev_hash bytea,
    ADD COLUMN hash bytea;

-- audit_event_canonical is the one definition of the bytes an event's hash
-- covers. Go recomputes it independently (internal/audit/chain.go), so any
-- change here is a new chain format and must change there too.
--
-- The bytes are nine netstrings, one per field in this order:
--
--   id, at, actor_user_id, actor_agency_id, action, object_type, object_id,
--   client_addr, details
--
-- A netstring is the byte length of the field's UTF-8 text in decimal, a
-- colon, the text and a comma: "login" is 5:login, and "" is 0:, so no
-- field's content can be mistaken for a separator. Each field's text is:
--
--   id, actor_user_id, actor_agency_id  decimal; the empty text for NULL,
--                                       which no number can be
--   at       UTC with microseconds, 2026-03-02T14:05:09.123456Z:
--            to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
--   details  details::text, PostgreSQL's own normal form of the jsonb
--   the rest as stored
--
-- and an event's hash is sha256(prev_hash || canonical bytes), where
-- prev_hash is the previous event's hash, or 32 zero bytes for the first.
CREATE OR REPLACE FUNCTION audit_event_canonical(
    id bigint, at timestamptz, actor_user_id bigint, actor_agency_id integer,
    action text, object_type text, object_id text, client_addr text, details jsonb)
RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT string_agg(convert_to(octet_length(b)::text || ':', 'UTF8') || b || convert_to(',', 'UTF8'), ''::bytea ORDER BY n)
    FROM unnest(ARRAY[
        id::text,
        to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        coalesce(actor_user_id::text, ''),
        coalesce(actor_agency_id::text, ''),
        action,
        object_type,
        object_id,
        client_addr,
        details::text
    ]) WITH ORDINALITY AS f (part, n),
    LATERAL (SELECT convert_to(part, 'UTF8')) AS c (b)
$$;

-- Chain the events already recorded, oldest first.
DO $$
DECLARE
    e record;
    prev bytea := decode(repeat('00', 32), 'hex');
BEGIN
    FOR e IN SELECT * FROM audit_events ORDER BY id LOOP
        UPDATE audit_events
        SET prev_hash = prev,
            hash = sha256(prev || audit_event_canonical(e.id, e.at, e.actor_user_id, e.actor_agency_id,
                e.action, e.object_type, e.object_id, e.client_addr, e.details))
        WHERE id = e.id
        RETURNING hash INTO prev;
    END LOOP;
END
$$;

-- A prev_hash used twice would be a fork: two events claiming the same
-- predecessor. The unique index makes that impossible, whatever goes wrong
-- with the locking below.
ALTER TABLE audit_events
    ALTER COLUMN prev_hash SET NOT NULL,
    ALTER COLUMN hash SET NOT NULL,
    ADD CONSTRAINT audit_events_hash_size CHECK (octet_length(prev_hash) = 32 AND octet_length(hash) = 32),
    ADD CONSTRAINT audit_events_prev_hash_key UNIQUE (prev_hash);

-- audit_events_chain links each new event to the newest one. It runs as the
-- owner of the table (SECURITY DEFINER, with a pinned search_path so that a
-- caller cannot substitute functions), so the application role needs no
-- right beyond INSERT. Whatever the caller supplies for id, at, prev_hash
-- and hash is replaced.
--
-- The advisory lock serialises appends across transactions and is held
-- until the inserting transaction ends, so the next append sees this event
-- committed (or rolled back) and an id, once drawn, is never overtaken by a
-- smaller one. Other transactions' events wait for it meanwhile, so stores
-- record the event as the last step of a change. at is the time the event
-- joined the chain, so times rise with ids. Under REPEATABLE READ or SERIALIZABLE the transaction's snapshot
-- may predate the newest event, which would fork the chain; such
-- transactions are refused with a message saying so.
CREATE OR REPLACE FUNCTION audit_events_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'audit events can only be recorded in a READ COMMITTED transaction, not %',
            upper(current_setting('transaction_isolation'))
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'Record the event in a READ COMMITTED transaction: a snapshot taken earlier may miss the newest event and fork the chain.';
    END IF;
    PERFORM pg_advisory_xact_lock(7470002); -- the audit chain's key; pgtest uses 7470001
    NEW.id := nextval('audit_events_id_seq');
    NEW.at := clock_timestamp();
    NEW.prev_hash := coalesce(
        (SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1),
        decode(repeat('00', 32), 'hex'));
    NEW.hash := sha256(NEW.prev_hash || audit_event_canonical(NEW.id, NEW.at, NEW.actor_user_id, NEW.actor_agency_id,
        NEW.action, NEW.object_type, NEW.object_id, NEW.client_addr, NEW.details));
    RETURN NEW;
END
$$;

-- Firing a trigger needs no EXECUTE right; nobody should call it otherwise.
REVOKE ALL ON FUNCTION audit_events_chain() FROM PUBLIC;

CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_chain();

-- The platform admin's audit log page filters by these, newest first.
CREATE INDEX audit_events_action_idx ON audit_events (action, id);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_user_id, id);
CREATE INDEX audit_events_agency_idx ON audit_events (actor_agency_id, id);
CREATE INDEX audit_events_object_idx ON audit_events (object_type, object_id, id);
