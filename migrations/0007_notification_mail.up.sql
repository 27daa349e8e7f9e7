-- Notification email: the server sends each new notification to its user.
-- Several replicas may run the sender at once; each claims rows under
-- FOR UPDATE SKIP LOCKED, so no notification is sent twice.
--
-- The sender acts for no user, so the notifications policies (rows of
-- app_user() only) would hide every row from it. These two functions run
-- as their owner, the role that ran this migration, and do exactly the
-- claim and the release, returning no more than an email needs: the
-- address, the language, and the kind, reference and link the table
-- already limits to what a lock screen may show.

-- How many times the sender has claimed the row (it stops after five),
-- and, after a failure, when it may try again.
ALTER TABLE notifications
    ADD COLUMN mail_attempts smallint NOT NULL DEFAULT 0 CHECK (mail_attempts >= 0),
    ADD COLUMN mail_retry_at timestamptz;

-- The sender looks only at the last day's unsent rows, so this index stays
-- small even where no SMTP server is configured and nothing is ever sent.
CREATE INDEX notifications_unmailed_idx ON notifications (created_at) WHERE emailed_at IS NULL;

-- claim_notification_mail marks up to batch unsent notifications of the
-- last day as emailed and returns them, oldest first. Users or agencies
-- deactivated since are skipped.
CREATE FUNCTION claim_notification_mail(batch integer)
RETURNS TABLE (id bigint, email text, language text, kind text, reference text, link text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    WITH claimed AS (
        UPDATE notifications n SET emailed_at = now(), mail_attempts = n.mail_attempts + 1
        WHERE n.id IN (
            SELECT q.id FROM notifications q
            WHERE q.emailed_at IS NULL AND q.created_at > now() - interval '1 day'
              AND q.mail_attempts < 5 AND (q.mail_retry_at IS NULL OR q.mail_retry_at <= now())
              AND EXISTS (SELECT FROM users u JOIN agencies a ON a.id = u.agency_id
                          WHERE u.id = q.user_id AND u.active AND a.active)
            ORDER BY q.id
            LIMIT least(greatest(batch, 1), 100)
            FOR UPDATE OF q SKIP LOCKED)
        RETURNING n.id, n.user_id, n.kind, n.reference, n.link
    )
    SELECT c.id, u.email::text, u.language, c.kind, c.reference, c.link
    FROM claimed c JOIN users u ON u.id = c.user_id
    ORDER BY c.id
$$;

-- release_notification_mail returns a claimed notification whose email
-- failed to the queue. The next attempt waits n² minutes after the n-th
-- (1, 4, 9, 16), so that a mail server down for a while does not use up
-- every attempt at once.
CREATE FUNCTION release_notification_mail(notification_id bigint) RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    WITH released AS (
        UPDATE notifications n
        SET emailed_at = NULL, mail_retry_at = now() + n.mail_attempts * n.mail_attempts * interval '1 minute'
        WHERE n.id = notification_id AND n.emailed_at IS NOT NULL
        RETURNING n.id
    )
    SELECT EXISTS (SELECT FROM released)
$$;

REVOKE ALL ON FUNCTION claim_notification_mail(integer), release_notification_mail(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION claim_notification_mail(integer), release_notification_mail(bigint) TO handshake_app;
