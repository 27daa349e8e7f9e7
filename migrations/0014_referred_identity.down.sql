DROP INDEX referrals_identity_idx;
