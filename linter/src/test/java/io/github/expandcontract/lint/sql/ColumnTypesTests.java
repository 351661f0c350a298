package io.github.expandcontract.lint.sql;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ColumnTypesTests {

    @ParameterizedTest(name = "{0} -> {1} on {2}: rewrites {3}")
    @CsvSource(delimiter = '|', value = {
            "varchar(100)                | VARCHAR(320)        | POSTGRESQL | false",
            "character varying(100)      | varchar(100)        | POSTGRESQL | false",
            "varchar(100)                | text                | POSTGRESQL | false",
            "varchar(100)                | varchar             | POSTGRESQL | false",
            "text                        | varchar             | POSTGRESQL | false",
            "varchar(100)                | varchar(50)         | POSTGRESQL | true",
            "text                        | varchar(50)         | POSTGRESQL | true",
            "numeric(10,2)               | numeric(12,2)       | POSTGRESQL | false",
            "numeric(10,2)               | numeric(12,3)       | POSTGRESQL | true",
            "numeric(10,2)               | numeric             | POSTGRESQL | false",
            "decimal(10,2)               | NUMERIC(10, 2)      | POSTGRESQL | false",
            "int                         | bigint              | POSTGRESQL | true",
            "int4                        | integer             | POSTGRESQL | false",
            "timestamp without time zone | timestamptz         | POSTGRESQL | true",
            "cidr                        | inet                | POSTGRESQL | false",
            "varchar(20)                 | varchar(40)         | MYSQL      | false",
            "varchar(50)                 | varchar(100)        | MYSQL      | true",
            "varchar(100)                | varchar(300)        | MYSQL      | false",
            "varchar(100)                | text                | MYSQL      | true",
    })
    void knowsWhichTypeChangesRewrite(String from, String to, Dialect dialect, boolean rewrites) {
        assertThat(ColumnTypes.rewrites(from, to, dialect)).isEqualTo(rewrites);
    }

    @ParameterizedTest(name = "{0}: volatile {1}")
    @CsvSource(delimiter = '|', value = {
            "gen_random_uuid()            | true",
            "public.uuid_generate_v4()    | true",
            "clock_timestamp()            | true",
            "random() * 10                | true",
            "nextval('s'::regclass)       | true",
            "now()                        | false",
            "CURRENT_TIMESTAMP            | false",
            "'active'                     | false",
            "0                            | false",
    })
    void knowsWhichDefaultsAreVolatile(String expression, boolean isVolatile) {
        assertThat(ColumnTypes.isVolatileDefault(expression)).isEqualTo(isVolatile);
    }
}
