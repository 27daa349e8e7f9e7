DROP TRIGGER notifications_notify ON notifications;
DROP TRIGGER referrals_notify ON referrals;
DROP FUNCTION notifications_notify(), referrals_notify();
