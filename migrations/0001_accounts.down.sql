DROP TABLE audit_events;
DROP TABLE sessions;
DROP TABLE login_failures;
DROP TABLE users;
DROP TABLE agencies;
-- The role and the citext extension stay: other databases in the cluster may use them.
