DROP TABLE survivor_service_notes, survivor_services, aftercare_note_bodies, aftercare_notes;
DROP FUNCTION app_survivor_on(bigint, bigint), app_reads_aftercare(integer, text);
