--liquibase formatted sql

-- What createIndexConcurrently does, for formatted SQL changelogs (which cannot use custom change types).
-- A re-run after a failed build first drops the INVALID index the failure left.
--changeset test:email-unique runInTransaction:false
DROP INDEX CONCURRENTLY IF EXISTS customers_email_uq;
CREATE UNIQUE INDEX CONCURRENTLY customers_email_uq ON customers (email);
--rollback DROP INDEX CONCURRENTLY IF EXISTS customers_email_uq;

-- What addNotNullConstraintOnline does, without its retries: a statement that hits lock_timeout fails
-- the whole change set, and the re-run starts over (its first statement removes a helper check a failed run left).
--changeset test:email-not-null runInTransaction:false
SET lock_timeout = '2s';
ALTER TABLE customers DROP CONSTRAINT IF EXISTS customers_email_ec_not_null;
ALTER TABLE customers ADD CONSTRAINT customers_email_ec_not_null CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE customers VALIDATE CONSTRAINT customers_email_ec_not_null;
ALTER TABLE customers ALTER COLUMN email SET NOT NULL;
ALTER TABLE customers DROP CONSTRAINT customers_email_ec_not_null;
RESET lock_timeout;
--rollback SET lock_timeout = '2s';
--rollback ALTER TABLE customers DROP CONSTRAINT IF EXISTS customers_email_ec_not_null;
--rollback ALTER TABLE customers ALTER COLUMN email DROP NOT NULL;
--rollback RESET lock_timeout;

-- What migrationVerified and noOldColumnWriters check, as SQL preconditions. The running instance's own
-- phase cannot be checked in SQL: run this change set only with the deployment of phase contract.
--changeset test:drop-old-email
--preconditions onFail:HALT onError:HALT
--precondition-sql-check expectedResult:1 SELECT count(*) FROM expand_contract_verification WHERE migration_id = 'customer-email' AND status = 'PASSED'
--precondition-sql-check expectedResult:0 SELECT count(*) FROM expand_contract_instance WHERE migration_id = 'customer-email' AND phase <> 'contract' AND last_seen > current_timestamp - interval '60 seconds'
ALTER TABLE customers DROP COLUMN old_email;
--rollback ALTER TABLE customers ADD COLUMN old_email varchar(200);
