DROP FUNCTION release_notification_mail(bigint), claim_notification_mail(integer);
DROP INDEX notifications_unmailed_idx;
ALTER TABLE notifications DROP COLUMN mail_retry_at, DROP COLUMN mail_attempts;
