DROP INDEX hotspots_list_idx;
DROP TRIGGER hotspot_cells_insert ON hotspots;
DROP TRIGGER hotspot_cells_update ON hotspots;
DROP TRIGGER hotspot_cells_delete ON hotspots;
DROP FUNCTION hotspot_cells_keep();
DROP FUNCTION hotspot_cells_of(bigint[]);
DROP TABLE hotspot_cells;
DROP FUNCTION hotspot_cell_keys(float8, float8, text, integer);
