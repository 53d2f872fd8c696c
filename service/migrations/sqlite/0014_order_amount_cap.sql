-- An as-needed order's 24-hour maximum by amount (HL7 RXE-19, FHIR maxDosePerPeriod with a
-- quantity): thousandths of the order's dose unit, converted exactly at import. NULL: no
-- cap by amount (a cap by number of doses is max_per_24h).
ALTER TABLE orders ADD COLUMN max_amount_24h_milli BIGINT;
