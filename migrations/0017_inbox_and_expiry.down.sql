-- Back to expire_case_shares of migration 0003: every expired share each run.
CREATE OR REPLACE FUNCTION expire_case_shares() RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    WITH stale AS (
        SELECT DISTINCT s.case_id FROM case_shares s JOIN cases c ON c.id = s.case_id
        WHERE s.revoked_at IS NULL AND s.expires_at <= now() AND c.visible_to @> ARRAY[s.agency_id]
    ), done AS (
        UPDATE cases c SET visible_to = c.visible_to FROM stale WHERE c.id = stale.case_id RETURNING 1
    )
    SELECT count(*)::integer FROM done
$$;
DROP TABLE case_share_expiry;

DROP FUNCTION referral_inbox(text, text, text, boolean, boolean, integer);
DROP INDEX referrals_inbox_from_purpose_idx;
DROP INDEX referrals_inbox_to_purpose_idx;
DROP INDEX referrals_inbox_from_idx;
DROP INDEX referrals_inbox_to_idx;
DROP INDEX referrals_inbox_from_pending_idx;
DROP INDEX referrals_inbox_to_pending_idx;
