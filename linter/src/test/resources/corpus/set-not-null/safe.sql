--liquibase formatted sql

--changeset corpus:email-check
SET lock_timeout = '2s';
ALTER TABLE customers ADD CONSTRAINT customers_email_not_null CHECK (email IS NOT NULL) NOT VALID;

--changeset corpus:email-check-validate
ALTER TABLE customers VALIDATE CONSTRAINT customers_email_not_null;

--changeset corpus:email-not-null
SET lock_timeout = '2s';
ALTER TABLE customers ALTER COLUMN email SET NOT NULL;
ALTER TABLE customers DROP CONSTRAINT customers_email_not_null;
