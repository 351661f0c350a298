--liquibase formatted sql

--changeset corpus:reference-data
CREATE SEQUENCE invoice_number_seq;
INSERT INTO settings (name, value) VALUES ('invoice.prefix', 'INV-');
UPDATE settings SET value = 'INV/' WHERE name = 'invoice.prefix';
COMMENT ON TABLE customers IS 'People who order';
GRANT SELECT ON customers TO reporting;
