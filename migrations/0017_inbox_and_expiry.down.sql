DROP FUNCTION referral_inbox(text, text, text, boolean, boolean, integer);
DROP INDEX referrals_inbox_from_purpose_idx;
DROP INDEX referrals_inbox_to_purpose_idx;
DROP INDEX referrals_inbox_from_idx;
DROP INDEX referrals_inbox_to_idx;
DROP INDEX referrals_inbox_from_pending_idx;
DROP INDEX referrals_inbox_to_pending_idx;
