--liquibase formatted sql

--changeset corpus:check-score
SET lock_timeout = '2s';
ALTER TABLE customers ADD CONSTRAINT customers_score_positive CHECK (score >= 0) NOT VALID;
ALTER TABLE customers VALIDATE CONSTRAINT customers_score_positive;
