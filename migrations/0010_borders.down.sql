-- Reverses 0010. PostGIS stays: other databases on the server may use it.
DROP TABLE province_borders;
