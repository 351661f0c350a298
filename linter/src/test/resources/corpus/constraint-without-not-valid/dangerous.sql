--liquibase formatted sql

--changeset corpus:check-score
ALTER TABLE customers ADD CONSTRAINT customers_score_positive CHECK (score >= 0);
