DROP FUNCTION hotspot_ids_within(float8, float8, float8);
DROP TABLE hotspot_cases;
DROP TABLE hotspots;
DROP FUNCTION app_may_add_to_case(bigint);
DROP FUNCTION app_reads_hotspots();
ALTER TABLE cases DROP COLUMN location;
