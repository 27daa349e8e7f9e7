-- Live counts across replicas: a change that moves someone's counts
-- notifies channel handshake_events, and every server process LISTENs and
-- tells its own connected browsers. The payload names whom it concerns,
-- never what: {"agencies": [...]} or {"users": [...]}.

CREATE FUNCTION referrals_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('handshake_events', json_build_object('agencies', json_build_array(NEW.from_agency_id, NEW.to_agency_id))::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER referrals_notify AFTER INSERT OR UPDATE OF state, assigned_to ON referrals
    FOR EACH ROW EXECUTE FUNCTION referrals_notify();

CREATE FUNCTION notifications_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('handshake_events', json_build_object('users', json_build_array(NEW.user_id))::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER notifications_notify AFTER INSERT OR UPDATE OF read_at ON notifications
    FOR EACH ROW EXECUTE FUNCTION notifications_notify();
