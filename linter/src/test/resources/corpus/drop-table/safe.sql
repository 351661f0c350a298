--liquibase formatted sql

--changeset corpus:drop-legacy
--comment: ec-lint:ignore drop-table no release since 2.3 reads legacy_orders
SET lock_timeout = '2s';
DROP TABLE legacy_orders;
