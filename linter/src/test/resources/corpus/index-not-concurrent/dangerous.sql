--liquibase formatted sql

--changeset corpus:idx-email
CREATE INDEX customers_email_idx ON customers (email);
