package io.github.expandcontract.liquibase;

import io.github.expandcontract.liquibase.change.AddNotNullConstraintOnlineChange;
import io.github.expandcontract.liquibase.change.CreateIndexConcurrentlyChange;
import liquibase.database.Database;
import liquibase.database.core.H2Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** On databases other than PostgreSQL both changes run Liquibase's plain change and warn that it may lock. */
class FallbackOnOtherDatabasesTests {

    private final String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    private Connection keepAlive;

    @BeforeEach
    void createTable() throws SQLException {
        keepAlive = DriverManager.getConnection(url);
        try (Statement statement = keepAlive.createStatement()) {
            statement.execute("create table customers (id bigint primary key, email varchar(200))");
            statement.execute("insert into customers values (1, 'a@example.com'), (2, 'b@example.com')");
        }
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        keepAlive.close();
    }

    @Test
    void bothChangesRunTheirPlainCounterpartAndRollBack() throws Exception {
        LiquibaseRun run = LiquibaseRun.of(() -> DriverManager.getConnection(url), "db/h2/changelog.yaml");

        run.update();

        assertThat(uniqueIndexOnEmail()).isTrue();
        assertThat(nullable("EMAIL")).isFalse();
        assertThatThrownBy(() -> execute("insert into customers values (3, 'a@example.com')")).hasMessageContaining("CUSTOMERS_EMAIL_UQ");

        run.rollback(2);

        assertThat(uniqueIndexOnEmail()).isFalse();
        assertThat(nullable("EMAIL")).isTrue();
    }

    @Test
    void warnThatThePlainChangeMayLock() {
        Database h2 = new H2Database();
        CreateIndexConcurrentlyChange index = new CreateIndexConcurrentlyChange();
        index.setTableName("customers");
        index.setIndexName("customers_email_uq");
        AddNotNullConstraintOnlineChange notNull = new AddNotNullConstraintOnlineChange();
        notNull.setTableName("customers");
        notNull.setColumnName("email");

        assertThat(index.warn(h2).getMessages()).containsExactly("createIndexConcurrently customers_email_uq: " + h2.getDisplayName() + " is not "
                + "PostgreSQL, so it runs Liquibase's plain createIndex, which may block writes to customers while the index is built.");
        assertThat(notNull.warn(h2).getMessages()).containsExactly("addNotNullConstraintOnline on customers.email: " + h2.getDisplayName() + " is not "
                + "PostgreSQL, so it runs Liquibase's plain addNotNullConstraint, which may lock the table while it checks every row.");
    }

    private boolean uniqueIndexOnEmail() throws SQLException {
        try (PreparedStatement ps = keepAlive.prepareStatement("select count(*) from information_schema.indexes "
                + "where table_name = 'CUSTOMERS' and index_name = 'CUSTOMERS_EMAIL_UQ' and index_type_name = 'UNIQUE INDEX'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }

    private boolean nullable(String column) throws SQLException {
        try (PreparedStatement ps = keepAlive.prepareStatement("select is_nullable from information_schema.columns "
                + "where table_name = 'CUSTOMERS' and column_name = ?")) {
            ps.setString(1, column);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return "YES".equals(rs.getString(1));
            }
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement statement = keepAlive.createStatement()) {
            statement.execute(sql);
        }
    }
}
