-- Every case list asks, for each case shown, whether the agency accepted a
-- referral of it that carried the survivors' identity (caseSelect's
-- identity_referred). The planner answers it by reading every referral the
-- agency accepted or completed, 14,000 to 25,000 at a million cases, on
-- each page: 172 ms of a 184 ms list. Few referrals carry identity; an
-- index of just those answers in well under a millisecond.
CREATE INDEX referrals_identity_idx ON referrals (to_agency_id, case_id)
    WHERE include_identity AND state IN ('accepted', 'completed');
