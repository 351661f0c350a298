--liquibase formatted sql

--changeset corpus:recount splitStatements:false
DO $$
BEGIN
  EXECUTE 'ALTER TABLE customers ADD COLUMN n int';
END
$$;
