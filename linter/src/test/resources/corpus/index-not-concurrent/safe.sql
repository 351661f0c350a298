--liquibase formatted sql

--changeset corpus:idx-email runInTransaction:false
CREATE INDEX CONCURRENTLY customers_email_idx ON customers (email);
