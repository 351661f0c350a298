package io.github.expandcontract.lint.sql;

import io.github.expandcontract.lint.sql.Operation.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SqlClassifierTests {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "CREATE INDEX i ON public.customers (email)                        | CREATE_INDEX        | customers",
            "create unique index concurrently if not exists i on \"Customers\"(a) | CREATE_INDEX      | customers",
            "CREATE INDEX ON customers (email)                                  | CREATE_INDEX        | customers",
            "DROP INDEX CONCURRENTLY IF EXISTS i                                | DROP_INDEX          |",
            "ALTER TABLE ONLY customers ADD COLUMN a int                        | ADD_COLUMN          | customers",
            "ALTER TABLE customers ALTER COLUMN a TYPE bigint USING a::bigint   | ALTER_COLUMN_TYPE   | customers",
            "ALTER TABLE customers ALTER a SET DATA TYPE text                   | ALTER_COLUMN_TYPE   | customers",
            "ALTER TABLE customers ALTER COLUMN  a SET NOT NULL                 | SET_NOT_NULL        | customers",
            "ALTER TABLE customers ALTER COLUMN a DROP NOT NULL                 | BRIEF_LOCK          | customers",
            "ALTER TABLE customers ALTER COLUMN a SET DEFAULT random()          | BRIEF_LOCK          | customers",
            "ALTER TABLE o ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id) | ADD_FOREIGN_KEY | o",
            "ALTER TABLE o ADD CHECK (amount > 0)                               | ADD_CHECK           | o",
            "ALTER TABLE o ADD PRIMARY KEY (id)                                 | ADD_PRIMARY_KEY     | o",
            "ALTER TABLE o ADD CONSTRAINT u UNIQUE (a, b)                       | ADD_UNIQUE          | o",
            "ALTER TABLE o VALIDATE CONSTRAINT fk                               | VALIDATE_CONSTRAINT | o",
            "ALTER TABLE o RENAME COLUMN a TO b                                 | RENAME_COLUMN       | o",
            "ALTER TABLE o RENAME a TO b                                        | RENAME_COLUMN       | o",
            "ALTER TABLE o RENAME TO p                                          | RENAME_TABLE        | o",
            "ALTER TABLE o RENAME CONSTRAINT a TO b                             | BRIEF_LOCK          | o",
            "RENAME TABLE o TO p                                                | RENAME_TABLE        | o",
            "ALTER TABLE o DROP COLUMN IF EXISTS a CASCADE                      | DROP_COLUMN         | o",
            "ALTER TABLE o DROP CONSTRAINT fk                                   | BRIEF_LOCK          | o",
            "DROP TABLE IF EXISTS o CASCADE                                     | DROP_TABLE          | o",
            "ALTER TABLE o MODIFY status varchar(40) NOT NULL                   | ALTER_COLUMN_TYPE   | o",
            "ALTER TABLE o CHANGE a b int                                       | RENAME_COLUMN       | o",
            "ALTER TABLE o ADD INDEX o_a (a)                                    | CREATE_INDEX        | o",
            "CREATE TRIGGER t BEFORE UPDATE ON o FOR EACH ROW EXECUTE FUNCTION f() | BRIEF_LOCK       | o",
            "SET lock_timeout TO '2s'                                           | SET_LOCK_TIMEOUT    |",
            "SET SESSION lock_wait_timeout = 5                                  | SET_LOCK_TIMEOUT    |",
            "SELECT set_config('lock_timeout', '3s', false)                     | SET_LOCK_TIMEOUT    |",
            "INSERT INTO o (a) VALUES ('x; y')                                  | NO_TABLE_LOCK       |",
            "UPDATE o SET a = 1                                                 | NO_TABLE_LOCK       |",
            "CREATE OR REPLACE VIEW v AS SELECT 1                               | NO_TABLE_LOCK       |",
            "COMMENT ON COLUMN o.a IS 'x'                                       | NO_TABLE_LOCK       |",
            "LOCK TABLE o IN ACCESS EXCLUSIVE MODE                              | UNCLASSIFIED        |",
            "TRUNCATE o                                                         | UNCLASSIFIED        |",
            "ALTER TABLE o SET TABLESPACE fast                                  | UNCLASSIFIED        | o",
            "DO $$ BEGIN PERFORM 1; END $$                                      | UNCLASSIFIED        |",
    })
    void classifiesStatements(String sql, Kind kind, String table) {
        List<Operation> operations = SqlClassifier.classify(sql);
        assertThat(operations).hasSize(1);
        assertThat(operations.get(0).kind()).isEqualTo(kind);
        assertThat(operations.get(0).table()).isEqualTo(table);
    }

    @Test
    void readsTheDetailsRulesDependOn() {
        Operation index = SqlClassifier.classify("CREATE UNIQUE INDEX CONCURRENTLY i ON t (a)").get(0);
        assertThat(index.has(Operation.UNIQUE)).isTrue();
        assertThat(index.has(Operation.CONCURRENTLY)).isTrue();
        assertThat(index.name()).isEqualTo("i");

        Operation fk = SqlClassifier.classify("ALTER TABLE o ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES s.customers (id) NOT VALID").get(0);
        assertThat(fk.has(Operation.NOT_VALID)).isTrue();
        assertThat(fk.expression()).isEqualTo("customers");
        assertThat(fk.name()).isEqualTo("fk");

        Operation check = SqlClassifier.classify("ALTER TABLE o ADD CONSTRAINT c CHECK (email IS NOT NULL)").get(0);
        assertThat(check.has(Operation.NOT_VALID)).isFalse();
        assertThat(check.expression()).isEqualTo("email IS NOT NULL");

        assertThat(SqlClassifier.classify("ALTER TABLE o ADD CONSTRAINT u UNIQUE USING INDEX i").get(0).has(Operation.USING_INDEX)).isTrue();
        // what Liquibase generates for addUniqueConstraint forIndexName on PostgreSQL is not USING INDEX
        assertThat(SqlClassifier.classify("ALTER TABLE o ADD CONSTRAINT u UNIQUE (c) USING INDEX i").get(0).has(Operation.USING_INDEX)).isFalse();
        assertThat(SqlClassifier.classify("ALTER TABLE o ADD PRIMARY KEY (id) USING INDEX TABLESPACE x").get(0).has(Operation.USING_INDEX)).isFalse();

        Operation column = SqlClassifier.classify("ALTER TABLE o ADD COLUMN IF NOT EXISTS created timestamp(3) with time zone DEFAULT now() NOT NULL").get(0);
        assertThat(column.column()).isEqualTo("created");
        assertThat(column.type()).isEqualTo("timestamp(3) with time zone");
        assertThat(column.expression()).isEqualTo("now()");
        assertThat(column.has(Operation.NOT_NULL)).isTrue();
        assertThat(SqlClassifier.classify("ALTER TABLE o ADD id bigserial").get(0).has(Operation.PER_ROW_VALUE)).isTrue();
        assertThat(SqlClassifier.classify("ALTER TABLE o ADD id bigint GENERATED ALWAYS AS IDENTITY").get(0).has(Operation.PER_ROW_VALUE)).isTrue();
        assertThat(SqlClassifier.classify("ALTER TABLE o ADD n numeric(10, 2) DEFAULT 0").get(0).type()).isEqualTo("numeric(10, 2)");

        Operation local = SqlClassifier.classify("SET LOCAL lock_timeout = '2s'").get(0);
        assertThat(local.has(Operation.LOCAL)).isTrue();
        assertThat(local.expression()).isEqualTo("2s");
        assertThat(local.name()).isEqualTo("lock_timeout");
    }

    @Test
    void splitsScriptsAndMultiActionStatements() {
        List<Operation> operations = SqlClassifier.classify("""
                -- a comment; with a semicolon
                ALTER TABLE o ADD COLUMN a int, ADD COLUMN b numeric(10,2), DROP COLUMN c;
                /* another; */ CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
                INSERT INTO o (a) VALUES (';');
                """);
        assertThat(operations).extracting(Operation::kind).containsExactly(
                Kind.ADD_COLUMN, Kind.ADD_COLUMN, Kind.DROP_COLUMN, Kind.NO_TABLE_LOCK, Kind.NO_TABLE_LOCK);
        assertThat(operations.get(1).type()).isEqualTo("numeric(10,2)");
    }

    @Test
    void createTableRecordsItsColumns() {
        List<Operation> operations = SqlClassifier.classify(
                "CREATE TABLE IF NOT EXISTS s.invoices (id bigint PRIMARY KEY, amount numeric(10,2) NOT NULL, CONSTRAINT c CHECK (amount > 0))");
        assertThat(operations).extracting(Operation::kind).containsExactly(Kind.CREATE_TABLE, Kind.ADD_COLUMN, Kind.ADD_COLUMN);
        assertThat(operations).extracting(Operation::table).containsOnly("invoices");
        assertThat(operations.get(2).type()).isEqualTo("numeric(10,2)");
    }
}
