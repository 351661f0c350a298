--liquibase formatted sql

--changeset project:segment
ALTER TABLE customers ADD COLUMN segment varchar(20);
